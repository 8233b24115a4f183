import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf } from '../testing/line.ts';
import { exchangeUnassigned } from './unassigned-exchange.ts';

describe('exchangeUnassigned', () => {
  it('serves a left-out visit in place of a lower-priority one that frees room for it', () => {
    // One collector taking one visit: A (priority 10) is served, B (priority 50) was left out.
    const p = lineProblem([0, 5, 7], [{ location: 1, priority: 10 }, { location: 2, priority: 50 }], [{ start: 0, end: 0, maxTasks: 1 }]);
    const ctx = contextFor(p, [[0]]);
    expect(exchangeUnassigned(ctx.solution)).toBe(true);
    expect(routesOf(ctx)).toEqual([[1]]);
    expect(ctx.solution.unassigned()).toEqual([0]);
  });

  it('sends the displaced visit to another route when it fits there', () => {
    const p = lineProblem([0, 5, 7, 60], [{ location: 1, priority: 10 }, { location: 2, priority: 50 }], [
      { start: 0, end: 0, maxTasks: 1 },
      { start: 3, end: 3, maxTasks: 1 },
    ]);
    const ctx = contextFor(p, [[0], []]);
    expect(exchangeUnassigned(ctx.solution)).toBe(true);
    expect(routesOf(ctx)).toEqual([[1], [0]]);
  });

  it('leaves the plan as it is when the left-out visit cannot be reached in its window, or outranks nobody', () => {
    const late = lineProblem([0, 5, 7], [{ location: 1, priority: 10 }, { location: 2, priority: 50, windows: [[100, 120]] }], [
      { start: 0, end: 0, maxTasks: 1, shift: [0, 90] },
    ]);
    const ctx = contextFor(late, [[0]]);
    expect(exchangeUnassigned(ctx.solution)).toBe(false);
    expect(routesOf(ctx)).toEqual([[0]]);
    const equal = lineProblem([0, 5, 7], [{ location: 1, priority: 50 }, { location: 2, priority: 50 }], [{ start: 0, end: 0, maxTasks: 1 }]);
    const same = contextFor(equal, [[0]]);
    expect(exchangeUnassigned(same.solution)).toBe(false);
  });
});
