import { describe, expect, it } from 'vitest';
import { haversineM, indexAt, todayIn, trackStats, zonedDay, type TrackPoint } from './track.ts';

function point(ts: string, lat: number, lon: number, speedKph: number | null, segmentM: number | null, valid = true): TrackPoint {
  return { ts, serverTime: ts, lat, lon, speedKph, courseDeg: null, altitudeM: null, accuracyM: null, batteryPct: null, satellites: null, valid, protocol: 'osmand', attributes: {}, segmentM };
}

describe('track', () => {
  it('measures one degree of latitude as about 111.2 km', () => {
    expect(Math.round(haversineM(20, -103, 21, -103))).toBe(111_195);
  });

  it("sums the server's driven distance of each fix, not the scatter between them, with duration and top speed", () => {
    const stats = trackStats([
      point('2026-11-23T15:00:00Z', 20.0, -103.0, 0, null),
      point('2026-11-23T15:10:00Z', 20.0002, -103.0, 0, 0), // parked: 22 m of scatter, no distance
      point('2026-11-23T15:15:00Z', 25.0, -90.0, 80, 0, false), // a bad fix far away
      point('2026-11-23T15:20:00Z', 20.01, -103.0, 30, 1112),
    ]);
    expect(stats.points).toBe(4);
    expect(stats.distanceKm.toFixed(3)).toBe('1.112');
    expect(stats.durationMs).toBe(20 * 60_000);
    expect(stats.maxSpeedKph).toBe(80);
  });

  it('finds the last point at or before a time', () => {
    const ts = [1000, 2000, 3000];
    expect(indexAt(ts, 500)).toBe(0);
    expect(indexAt(ts, 2000)).toBe(1);
    expect(indexAt(ts, 2999)).toBe(1);
    expect(indexAt(ts, 9999)).toBe(2);
  });

  it('turns a team-local day into UTC bounds', () => {
    // Mexico City is UTC-6 all year since 2022.
    expect(zonedDay('2026-11-23', 'America/Mexico_City').map((t) => new Date(t).toISOString())).toEqual([
      '2026-11-23T06:00:00.000Z',
      '2026-11-24T06:00:00.000Z',
    ]);
    // Tijuana springs forward on 2026-03-08: that day has 23 hours.
    const [start, end] = zonedDay('2026-03-08', 'America/Tijuana');
    expect(new Date(start).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect((end - start) / 3_600_000).toBe(23);
  });

  it('tells today’s date in the team time zone', () => {
    // 03:00 UTC on the 24th is still the 23rd in Mexico City.
    expect(todayIn('America/Mexico_City', Date.UTC(2026, 10, 24, 3))).toBe('2026-11-23');
  });
});
