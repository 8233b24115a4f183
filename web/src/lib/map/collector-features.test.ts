import { describe, expect, it } from 'vitest';
import type { LivePosition } from '$contract/live.ts';
import { CollectorFeatures, LABEL_ALL_MAX } from './collector-features.ts';

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
    expect(f.data.features[0].properties).toEqual({ id: 1, team: -1, state: 'moving', course: 90, label: 'label:1:0' });
  });

  it('moves the same feature object in place on a newer report', () => {
    const f = new CollectorFeatures();
    f.apply([position(1, T0, -103.35, 20.67)], T0);
    const feature = f.data.features[0];
    f.apply([position(1, T0 + 1000, -103.351, 20.671, { speedKph: 0, courseDeg: null })], T0 + 1000);
    expect(f.data.features[0]).toBe(feature);
    expect(feature.geometry.coordinates).toEqual([-103.351, 20.671]);
    expect(feature.properties).toEqual({ id: 1, team: -1, state: 'idle', course: -1, label: 'label:1:0' });
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
    expect(f.refresh(T0 + 299_000)).toBe(true); // its label now says "4 min"
    expect(f.refresh(T0 + 299_500)).toBe(false);
    expect(f.refresh(T0 + 300_000)).toBe(true);
    expect(f.data.features[0].properties.state).toBe('offline');
    expect(f.refresh(T0 + 301_000)).toBe(false);
  });

  it('ages the label by minutes, then hours, then days, and retires the old image once', () => {
    const f = new CollectorFeatures();
    f.apply([position(1, T0, -103.35, 20.67)], T0);
    f.takeRetiredLabels();
    f.refresh(T0 + 59_999);
    expect(f.data.features[0].properties.label).toBe('label:1:0');
    f.refresh(T0 + 150_000);
    expect(f.data.features[0].properties.label).toBe('label:1:2');
    f.refresh(T0 + 2.5 * 3_600_000);
    expect(f.data.features[0].properties.label).toBe('label:1:120');
    f.refresh(T0 + 50 * 3_600_000);
    expect(f.data.features[0].properties.label).toBe('label:1:2880');
    expect(f.takeRetiredLabels()).toEqual(['label:1:0', 'label:1:2', 'label:1:120']);
    expect(f.takeRetiredLabels()).toEqual([]);
  });

  it('colours by the wall context: an open deviation, a stop at a visit; and tags the team', () => {
    const deviating = new Set<number>();
    const f = new CollectorFeatures({
      context: (id, fix) => ({ sos: false, inDeviation: deviating.has(id), atVisit: id === 2 && (fix.speedKph ?? 0) < 3 }),
      teamOf: (id) => (id === 1 ? 7 : null),
    });
    f.apply([position(1, T0, -103.35, 20.67), position(2, T0, -103.36, 20.68, { speedKph: 0 })], T0);
    expect(f.data.features.map((x) => [x.properties.state, x.properties.team])).toEqual([
      ['moving', 7],
      ['atVisit', -1],
    ]);
    deviating.add(1);
    expect(f.refresh(T0 + 1000)).toBe(true);
    expect(f.data.features[0].properties.state).toBe('deviation');
  });

  it('hands every accepted fix to the trail, never an older one', () => {
    const fixes: number[] = [];
    const f = new CollectorFeatures({ onFix: (_id, ts) => fixes.push(ts) });
    f.apply([position(1, T0 + 5000, -103.35, 20.67)], T0 + 5000);
    f.apply([position(1, T0, -103.4, 20.7), position(1, T0 + 6000, -103.35, 20.67)], T0 + 6000);
    expect(fixes).toEqual([T0 + 5000, T0 + 6000]);
  });

  it('labels everyone in a small fleet, only those in SOS or in deviation in a large one', () => {
    const f = new CollectorFeatures({ context: (id) => ({ sos: id === 9, inDeviation: id === 7, atVisit: false }) });
    const fleet = (n: number) => Array.from({ length: n }, (_, i) => position(i + 1, T0, -103.35 + i * 1e-4, 20.67));
    f.apply(fleet(LABEL_ALL_MAX), T0);
    expect(f.data.features.every((x) => x.properties.label !== '')).toBe(true);
    f.apply(fleet(LABEL_ALL_MAX + 1), T0 + 1000);
    f.refresh(T0 + 1000);
    expect(f.data.features.filter((x) => x.properties.label !== '').map((x) => x.properties.id)).toEqual([7, 9]);
    expect(f.data.features[8].properties.state).toBe('sos');
  });
});
