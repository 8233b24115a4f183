import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { exchange } from './exchange.ts';

describe('exchange', () => {
  it('swaps two jobs each on the other depot’s side', () => {
    const p = lineProblem([0, 100, 1, 101], [{ location: 2 }, { location: 3 }], [
      { start: 0, end: 0 },
      { start: 1, end: 1 },
    ]);
    const ctx = contextFor(p, [[1], [0]]);
    expect(totalCost(ctx)).toBe(202 + 198);
    expect(exchange(ctx, 1, 0)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0], [1]]);
    expect(totalCost(ctx)).toBe(4);
  });

  it('swaps within a route', () => {
    // 3,2,1 → 1,2,3 is no better on a line out and back; 2,1,3,4 → swap(2,1) is.
    const p = lineProblem([0, 1, 2, 3, 4], [1, 2, 3, 4].map((location) => ({ location })), [{ start: 0, end: 0 }]);
    const ctx = contextFor(p, [[1, 0, 2, 3]]);
    expect(totalCost(ctx)).toBe(2 + 1 + 2 + 1 + 4);
    expect(exchange(ctx, 1, 0)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 1, 2, 3]]);
    expect(totalCost(ctx)).toBe(8);
  });
});
