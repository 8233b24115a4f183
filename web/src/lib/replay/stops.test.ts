import { describe, expect, it } from 'vitest';
import { findStops } from './stops.ts';
import type { TrackPoint } from './track.ts';

/** 0.0001° of latitude is about 11 m. */
function at(minute: number, lat: number, lon = -103.35, valid = true): TrackPoint {
  const ts = new Date(Date.UTC(2026, 10, 23, 15, minute)).toISOString();
  return { ts, serverTime: ts, lat, lon, speedKph: null, courseDeg: null, altitudeM: null, accuracyM: null, batteryPct: null, satellites: null, valid, protocol: 'osmand', attributes: {}, segmentM: null };
}

describe('findStops', () => {
  it('finds a five-minute stay between two drives, tolerating GPS wander under 30 m', () => {
    const track = [at(0, 20.6), at(1, 20.61), at(2, 20.62), at(3, 20.6201), at(5, 20.6199), at(7, 20.6202), at(8, 20.63), at(9, 20.64)];
    expect(findStops(track)).toEqual([
      { startIndex: 2, endIndex: 5, startMs: Date.parse(track[2].ts), endMs: Date.parse(track[5].ts), lat: 20.62, lon: -103.35 },
    ]);
  });

  it('ignores a two-minute wait at a light and a drive that never stops', () => {
    expect(findStops([at(0, 20.6), at(1, 20.6), at(2, 20.6), at(3, 20.61), at(4, 20.62)])).toEqual([]);
  });

  it('skips an invalid far-away fix instead of splitting the stop in two', () => {
    const track = [at(0, 20.6), at(2, 25, -90, false), at(4, 20.6001)];
    expect(findStops(track).map((s) => [s.startIndex, s.endIndex])).toEqual([[0, 2]]);
  });

  it('returns nothing for an empty track', () => {
    expect(findStops([])).toEqual([]);
  });
});
