import { describe, expect, it } from 'vitest';
import { findStops } from './stops.ts';
import { haversineM, type TrackPoint } from './track.ts';

const START_MS = Date.UTC(2026, 10, 23, 15, 0);
const DOOR = { lat: 20.62, lon: -103.35 };
/** Metres per degree of latitude on the sphere haversineM uses. */
const M_PER_DEG_LAT = 111_195;

/** A fix `minute` minutes (fractions allowed) after 15:00 UTC; 0.0001° of latitude is about 11 m. */
function at(minute: number, lat: number, lon = -103.35, valid = true): TrackPoint {
  const ts = new Date(START_MS + minute * 60_000).toISOString();
  return { ts, serverTime: ts, lat, lon, speedKph: null, courseDeg: null, altitudeM: null, accuracyM: null, batteryPct: null, satellites: null, valid, protocol: 'osmand', attributes: {}, segmentM: null };
}

/** A fix `northM` metres north of the door. */
const nearDoor = (minute: number, northM: number) => at(minute, DOOR.lat + northM / M_PER_DEG_LAT);
const checkinAt = (minute: number) => ({ ts: new Date(START_MS + minute * 60_000).toISOString() });
const span = (track: readonly TrackPoint[], checkins: readonly { ts: string }[] = []) => findStops(track, checkins).map((s) => [s.startIndex, s.endIndex]);

describe('findStops', () => {
  it('finds a five-minute stay between two drives, tolerating GPS wander under 30 m', () => {
    const track = [at(0, 20.6), at(1, 20.61), at(2, 20.62), at(3, 20.6201), at(5, 20.6199), at(7, 20.6202), at(8, 20.63), at(9, 20.64)];
    const [stop, ...others] = findStops(track);
    expect(others).toEqual([]);
    expect(stop).toMatchObject({ startIndex: 2, endIndex: 5, startMs: Date.parse(track[2].ts), endMs: Date.parse(track[5].ts), lon: -103.35 });
    // Where the collector stood: the mean of the stop's fixes.
    expect(stop.lat).toBeCloseTo(20.62005, 6);
  });

  it('keeps a three-minute stop whose first fix is a 25 m outlier', () => {
    // Every 20 s; the 2nd fix onwards scatters ±9 m round the door, so -8 m is 33 m from the first.
    const wander = [25, 0, -8, 6, -5, 9, -7, 3, -9, 4];
    const track = [at(-1, 20.61), ...wander.map((m, k) => nearDoor(k / 3, m)), at(4, 20.63)];
    const stops = findStops(track);
    expect(stops.map((s) => [s.startIndex, s.endIndex, s.endMs - s.startMs])).toEqual([[1, 10, 3 * 60_000]]);
    expect(haversineM(stops[0].lat, stops[0].lon, DOOR.lat, DOOR.lon)).toBeLessThan(5);
  });

  it('does not split a stop at a lone fix that jumps 45 m', () => {
    const track = [at(-1, 20.61)];
    for (let k = 0; k <= 10; k++) track.push(k === 5 ? at(k / 2, DOOR.lat, -103.35 + 45 / 104_100) : nearDoor(k / 2, k % 2 ? 3 : -3));
    track.push(at(6, 20.63));
    expect(span(track)).toEqual([[1, 11]]);
  });

  it('counts a two-minute visit with a check-in as a stop', () => {
    const track = [at(-1, 20.61), nearDoor(0, 2), nearDoor(0.5, -4), nearDoor(1, 5), nearDoor(1.5, -3), nearDoor(2, 1), at(3, 20.63)];
    expect(span(track, [checkinAt(1.2)])).toEqual([[1, 5]]);
  });

  it('counts a short visit whose check-in was tapped within a minute of leaving', () => {
    const track = [at(-1, 20.61), nearDoor(0, 2), nearDoor(0.5, -4), nearDoor(1, 5), nearDoor(1.5, -3), at(2, 20.6205), at(2.5, 20.621), at(3, 20.63)];
    expect(span(track, [checkinAt(2.3)])).toEqual([[1, 4]]);
  });

  it('leaves out a two-minute wait with no visit, and a check-in too far in time from it', () => {
    // A light at 20.6 from 15:00 to 15:02; the visit at the door from 15:10 to 15:11:30.
    const track = [at(0, 20.6), at(0.5, 20.6), at(1, 20.6), at(1.5, 20.6), at(2, 20.6), at(3, 20.61)];
    track.push(nearDoor(10, 0), nearDoor(10.5, 4), nearDoor(11, -4), nearDoor(11.5, 0), at(12.5, 20.63));
    expect(span(track)).toEqual([]);
    expect(span(track, [checkinAt(11.5)])).toEqual([[6, 9]]);
    expect(span(track, [checkinAt(3.5)])).toEqual([]);
  });

  it('gives a check-in to the nearer dwell only: a light just after the visit stays out', () => {
    // The visit until 15:01:30, the check-in 6 s later, a one-minute light 111 m on from 15:02:15.
    const track = [at(-1, 20.61), nearDoor(0, 0), nearDoor(0.5, 3), nearDoor(1, -3), nearDoor(1.5, 0), at(1.75, 20.6205)];
    track.push(at(2.25, 20.621), at(2.75, 20.621), at(3.25, 20.621), at(4, 20.63));
    expect(span(track, [checkinAt(1.6)])).toEqual([[1, 4]]);
  });

  it('skips an invalid far-away fix instead of splitting the stop in two', () => {
    const track = [at(0, 20.6), at(2, 25, -90, false), at(4, 20.6001)];
    expect(span(track)).toEqual([[0, 2]]);
  });

  it('returns nothing for an empty track', () => {
    expect(findStops([])).toEqual([]);
  });
});
