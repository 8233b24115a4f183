import { describe, expect, it } from 'vitest';
import type { LivePosition } from '$contract/live.ts';
import { CollectorFeatures } from './collector-features.ts';

const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);

function position(collectorId: number | null, atMs: number, lon: number, lat: number, extra: Partial<LivePosition> = {}): LivePosition {
  return {
    collectorId,
    deviceId: collectorId ?? 999,
    uniqueId: `dev-${collectorId}`,
    protocol: 'gt06',
    ts: new Date(atMs).toISOString(),
    lat,
    lon,
    speedKph: 25,
    courseDeg: 90,
    batteryPct: 80,
    accuracyM: 5,
    ...extra,
  };
}

describe('CollectorFeatures', () => {
  it('adds one point per collector and skips devices with no collector', () => {
    const f = new CollectorFeatures();
    expect(f.apply([position(1, T0, -103.35, 20.67), position(null, T0, -103.3, 20.6)], T0)).toBe(true);
    expect(f.data.features).toHaveLength(1);
    expect(f.data.features[0].geometry.coordinates).toEqual([-103.35, 20.67]);
    expect(f.data.features[0].properties).toEqual({ id: 1, state: 'moving', course: 90 });
  });

  it('moves the same feature object in place on a newer report', () => {
    const f = new CollectorFeatures();
    f.apply([position(1, T0, -103.35, 20.67)], T0);
    const feature = f.data.features[0];
    f.apply([position(1, T0 + 1000, -103.351, 20.671, { speedKph: 0, courseDeg: null })], T0 + 1000);
    expect(f.data.features[0]).toBe(feature);
    expect(feature.geometry.coordinates).toEqual([-103.351, 20.671]);
    expect(feature.properties).toEqual({ id: 1, state: 'stopped', course: -1 });
    expect(f.lonLat(1)).toEqual([-103.351, 20.671]);
  });

  it('ignores an older report from the collector’s second device', () => {
    const f = new CollectorFeatures();
    f.apply([position(1, T0 + 5000, -103.35, 20.67)], T0 + 5000);
    expect(f.apply([position(1, T0, -103.4, 20.7)], T0 + 5000)).toBe(false);
    expect(f.lonLat(1)).toEqual([-103.35, 20.67]);
  });

  it('turns a silent collector offline on refresh, and reports the change once', () => {
    const f = new CollectorFeatures();
    f.apply([position(1, T0, -103.35, 20.67)], T0);
    expect(f.refresh(T0 + 299_000)).toBe(false);
    expect(f.refresh(T0 + 300_000)).toBe(true);
    expect(f.data.features[0].properties.state).toBe('offline');
    expect(f.refresh(T0 + 301_000)).toBe(false);
  });
});
