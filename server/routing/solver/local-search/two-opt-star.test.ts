import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { twoOptStar } from './two-opt-star.ts';

describe('2-opt*', () => {
  it('exchanges route tails', () => {
    // Vehicle 0 at 0 serves A(1) then B(99); vehicle 1 at 100 serves C(101) then D(2).
    const p = lineProblem([0, 100, 1, 99, 101, 2], [2, 3, 4, 5].map((location) => ({ location })), [
      { start: 0, end: 0 },
      { start: 1, end: 1 },
    ]);
    const ctx = contextFor(p, [[0, 1], [2, 3]]);
    expect(totalCost(ctx)).toBe(198 + 198);
    expect(twoOptStar(ctx, 0, 3)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 3], [2, 1]]);
    expect(totalCost(ctx)).toBe(4 + 4);
  });
});
