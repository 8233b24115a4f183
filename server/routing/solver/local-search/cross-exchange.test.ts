import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { crossExchange } from './cross-exchange.ts';

describe('cross-exchange', () => {
  it('swaps a two-job segment with a one-job segment', () => {
    // Vehicle 0 at 0 serves P(101), Q(102), A(1); vehicle 1 at 100 serves X(2).
    const p = lineProblem([0, 100, 101, 102, 1, 2], [2, 3, 4, 5].map((location) => ({ location })), [
      { start: 0, end: 0 },
      { start: 1, end: 1 },
    ]);
    const ctx = contextFor(p, [[0, 1, 2], [3]]);
    expect(totalCost(ctx)).toBe(204 + 196);
    expect(crossExchange(ctx, 0, 3)).toBe(true);
    expect(routesOf(ctx)).toEqual([[3, 2], [0, 1]]);
    expect(totalCost(ctx)).toBe(4 + 4);
  });

  it('respects max tasks', () => {
    const p = lineProblem([0, 100, 101, 102, 1, 2], [2, 3, 4, 5].map((location) => ({ location })), [
      { start: 0, end: 0 },
      { start: 1, end: 1, maxTasks: 1 },
    ]);
    const ctx = contextFor(p, [[0, 1, 2], [3]]);
    expect(crossExchange(ctx, 0, 3)).toBe(false);
  });
});
