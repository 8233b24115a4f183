import { describe, expect, it } from 'vitest';
import { plannedMetres, type RouteVersion } from './planned-distance.ts';

/**
 * Visits 1, 2, 3 north of the office, in that order. Legs by hand: office → 1: 1,000 m,
 * 1 → 2: 2,000 m, 2 → 3: 3,000 m, 3 → office: 6,000 m; 12 km in all.
 */
const route = (start: string, stops: [number, number][], wayBackM: number): RouteVersion => ({
  start,
  visits: stops.map(([v]) => v),
  legsM: stops.map(([, m]) => m),
  distanceM: stops.reduce((a, [, m]) => a + m, 0) + wayBackM,
});
const morning = route('office', [[1, 1000], [2, 2000], [3, 3000]], 6000);
const all = new Set([1, 2, 3]);

describe('planned metres of a re-planned day', () => {
  it('are the route of the day while nobody changes it', () => {
    expect(plannedMetres([morning], all)).toBe(12_000);
  });

  it('keep the leg under way whole when a re-plan starts from the collector on the way to the same visit', () => {
    // 400 m out of the office, a lock re-plans: 600 m left to visit 1.
    expect(plannedMetres([morning, route('position', [[1, 600], [2, 2000], [3, 3000]], 6000)], all)).toBe(12_000);
  });

  it('keep the legs of visits done, which a re-plan leaves out', () => {
    // At visit 1's door, done: the re-plan starts there with the two visits left.
    expect(plannedMetres([morning, route('position', [[2, 2000], [3, 3000]], 6000)], all)).toBe(12_000);
    // Halfway to visit 2: the rest of its leg is still the 2 km planned from visit 1.
    expect(plannedMetres([morning, route('position', [[2, 1000], [3, 3000]], 6000)], all)).toBe(12_000);
  });

  it('take a reordered leg as the re-plan has it when the collector did not come from its planned start', () => {
    // At visit 1, done, the dispatcher puts 3 before 2: 1 → 3 is 5 km, 3 → 2 3 km, 2 → office 3 km.
    // Visit 3 was planned from 2, which is still ahead: she comes from 1, and 5 km it is.
    expect(plannedMetres([morning, route('position', [[3, 5000], [2, 3000]], 3000)], all)).toBe(1000 + 5000 + 3000 + 3000);
  });

  it('leave out a visit moved to someone else or cancelled, and count the way back of the last route with a stop', () => {
    const moved = route('position', [[2, 2000]], 3000);
    expect(plannedMetres([morning, moved], new Set([1, 2]))).toBe(1000 + 2000 + 3000);
    // The last visit cancelled after 1 and 2 are done: an empty route, but she still drives back from 2 (as last planned, from 3).
    expect(plannedMetres([morning, route('position', [[3, 3000]], 6000), route('position', [], 0)], new Set([1, 2]))).toBe(1000 + 2000 + 6000);
  });

  it('are 0 for a collector none of whose visits is on any version, and count a visit given later from where it was planned', () => {
    expect(plannedMetres([morning], new Set([7]))).toBe(0);
    // Visit 4 is given to her at visit 2's door: 2 → 4 is 700 m, 4 → 3 2.5 km.
    expect(plannedMetres([morning, route('position', [[4, 700], [3, 2500]], 6000)], new Set([1, 2, 3, 4]))).toBe(1000 + 2000 + 700 + 2500 + 6000);
  });
});
