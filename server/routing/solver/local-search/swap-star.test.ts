import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { SwapStar } from './swap-star.ts';

describe('SWAP*', () => {
  it('swaps two jobs, each into its best place in the other route', () => {
    // Vehicle 0 at 0: A(1), B(3), Y(102). Vehicle 1 at 100: X(2), C(101).
    const p = lineProblem([0, 100, 1, 3, 102, 2, 101], [2, 3, 4, 5, 6].map((location) => ({ location })), [
      { start: 0, end: 0 },
      { start: 1, end: 1 },
    ]);
    const ctx = contextFor(p, [[0, 1, 2], [3, 4]]);
    expect(totalCost(ctx)).toBe(204 + 198);
    expect(new SwapStar().run(ctx, 2, 3)).toBe(true);
    // X lands between A and B (not in Y's old place); Y before C.
    expect(routesOf(ctx)).toEqual([[0, 3, 1], [2, 4]]);
    expect(totalCost(ctx)).toBe(6 + 4);
  });
});
