import { describe, expect, it } from 'vitest';
import { fadeOpacity, TRAIL_FADE_STEPS, TRAIL_STEP_MS, TRAIL_WINDOW_MS, TrailStore } from './trail.ts';

const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);
const MIN = 60_000;
const all = () => true;
const noHead = () => null;

describe('TrailStore', () => {
  it('keeps at most one point per TRAIL_STEP_MS per collector', () => {
    const t = new TrailStore();
    expect(t.add(1, T0, 0, 0)).toBe(true);
    expect(t.add(1, T0 + TRAIL_STEP_MS - 1, 1, 1)).toBe(false);
    expect(t.add(1, T0 + TRAIL_STEP_MS, 2, 2)).toBe(true);
    expect(t.add(2, T0 + 1, 5, 5)).toBe(true); // another collector has its own clock
    const [line] = t.features(T0 + TRAIL_STEP_MS, (id) => id === 1, noHead);
    expect(line.geometry.coordinates).toEqual([
      [0, 0],
      [2, 2],
    ]);
  });

  it('forgets what is older than 30 minutes', () => {
    const t = new TrailStore();
    for (let m = 0; m <= 40; m++) t.add(1, T0 + m * MIN, m, 0);
    const now = T0 + 40 * MIN;
    t.prune(now);
    const lons = t.features(now, all, noHead).flatMap((f) => f.geometry.coordinates.map((c) => c[0]));
    expect(Math.min(...lons)).toBe(10);
    expect(Math.max(...lons)).toBe(40);
    t.prune(now + TRAIL_WINDOW_MS + 1);
    expect(t.features(now + TRAIL_WINDOW_MS + 1, all, noHead)).toEqual([]);
  });

  it('fades with age: six pieces, newest the most opaque, joined end to start', () => {
    const t = new TrailStore();
    for (let m = 0; m <= 30; m++) t.add(1, T0 + m * MIN, m, 0);
    const pieces = t.features(T0 + 30 * MIN, all, noHead);
    expect(pieces).toHaveLength(TRAIL_FADE_STEPS);
    // Oldest first (the order the points come in), each fainter than the one after it.
    const opacities = pieces.map((p) => p.properties.opacity);
    expect([...opacities].sort((a, b) => a - b)).toEqual(opacities);
    expect(opacities.at(-1)).toBe(fadeOpacity(0));
    expect(opacities[0]).toBe(fadeOpacity(TRAIL_FADE_STEPS - 1));
    for (let i = 1; i < pieces.length; i++) expect(pieces[i].geometry.coordinates[0]).toEqual(pieces[i - 1].geometry.coordinates.at(-1));
  });

  it('ends at the collector’s current position, so the trail meets the marker', () => {
    const t = new TrailStore();
    t.add(1, T0, 0, 0);
    const [line] = t.features(T0 + 5000, all, () => [T0 + 5000, 9, 9]);
    expect(line.geometry.coordinates).toEqual([
      [0, 0],
      [9, 9],
    ]);
  });

  it('draws nothing for a collector with a single point, or one the filter leaves out', () => {
    const t = new TrailStore();
    t.add(1, T0, 0, 0);
    t.add(2, T0, 0, 0);
    t.add(2, T0 + TRAIL_STEP_MS, 1, 1);
    expect(t.features(T0 + TRAIL_STEP_MS, (id) => id === 1, noHead)).toEqual([]);
  });

  it('goes from nearly opaque to faint', () => {
    expect(fadeOpacity(0)).toBeGreaterThan(0.8);
    expect(fadeOpacity(TRAIL_FADE_STEPS - 1)).toBeLessThan(0.2);
  });
});
