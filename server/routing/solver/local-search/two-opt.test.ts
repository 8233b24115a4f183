import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { twoOpt } from './two-opt.ts';

describe('2-opt', () => {
  it('reverses the path between two jobs', () => {
    const p = lineProblem([0, 1, 2, 3, 4], [1, 2, 3, 4].map((location) => ({ location })), [{ start: 0, end: 0 }]);
    const ctx = contextFor(p, [[0, 2, 1, 3]]);
    expect(totalCost(ctx)).toBe(1 + 2 + 1 + 2 + 4);
    expect(twoOpt(ctx, 0, 1)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 1, 2, 3]]);
    expect(totalCost(ctx)).toBe(8);
  });

  it('keeps a reversal that would break a window from happening', () => {
    // The job at 2 opens at 4 and the one at 3 closes at 3: visiting 2 before 3 means waiting too long.
    const p = lineProblem([0, 1, 2, 3, 4], [
      { location: 1 }, { location: 2, windows: [[4, 10]] }, { location: 3, windows: [[0, 3]] }, { location: 4 },
    ], [{ start: 0, end: 0 }]);
    const ctx = contextFor(p, [[0, 2, 1, 3]]);
    expect(twoOpt(ctx, 0, 1)).toBe(false);
  });
});
