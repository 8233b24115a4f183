import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { relocate } from './relocate.ts';

describe('relocate', () => {
  it('moves a job later in its own route', () => {
    // Depot at 0; jobs A,B,C at 1,2,3. Order C,A,B costs 3+2+1+2 = 8.
    const p = lineProblem([0, 1, 2, 3], [{ location: 1 }, { location: 2 }, { location: 3 }], [{ start: 0, end: 0 }]);
    const ctx = contextFor(p, [[2, 0, 1]]);
    expect(totalCost(ctx)).toBe(8);
    expect(relocate(ctx, 2, 1)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 1, 2]]);
    expect(totalCost(ctx)).toBe(6);
  });

  it('moves a job to the route passing next to it', () => {
    // Vehicle 0 based at 0, vehicle 1 at 100; X (99) sits on vehicle 0's route.
    const p = lineProblem([0, 100, 1, 99, 101], [{ location: 2 }, { location: 3 }, { location: 4 }], [
      { start: 0, end: 0 },
      { start: 1, end: 1 },
    ]);
    const ctx = contextFor(p, [[0, 1], [2]]);
    expect(totalCost(ctx)).toBe(198 + 2);
    expect(relocate(ctx, 1, 2)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0], [2, 1]]);
    expect(totalCost(ctx)).toBe(2 + 4);
  });

  it('refuses a move that would break a time window', () => {
    // Same layout, but X must be served before time 50: vehicle 1 only starts at 60.
    const p = lineProblem([0, 100, 1, 99, 101], [{ location: 2 }, { location: 3, windows: [[0, 150]] }, { location: 4 }], [
      { start: 0, end: 0 },
      { start: 1, end: 1, shift: [160, 1000] },
    ]);
    const ctx = contextFor(p, [[0, 1], [2]]);
    expect(relocate(ctx, 1, 2)).toBe(false);
    expect(routesOf(ctx)).toEqual([[0, 1], [2]]);
  });

  it('moves a two-job segment (or-opt) when moving either job alone does not pay', () => {
    // Jobs at 1,2,3,4 visited 3,4,1,2 (cost 10): the segment (3,4) goes after 2.
    const p = lineProblem([0, 1, 2, 3, 4], [1, 2, 3, 4].map((location) => ({ location })), [{ start: 0, end: 0 }]);
    const ctx = contextFor(p, [[2, 3, 0, 1]]);
    expect(totalCost(ctx)).toBe(3 + 1 + 3 + 1 + 2);
    expect(relocate(ctx, 2, 1)).toBe(true);
    expect(totalCost(ctx)).toBe(8);
    expect(routesOf(ctx)).toEqual([[0, 1, 2, 3]]);
  });

  it('overfills a full route only when the move saves more than the max-tasks penalty', () => {
    // The layout above with vehicle 1 limited to one job: X may go over the limit during
    // annealing (task limit 2), paying the penalty per job over max tasks.
    const layout = () => lineProblem([0, 100, 1, 99, 101], [{ location: 2 }, { location: 3 }, { location: 4 }], [
      { start: 0, end: 0 },
      { start: 1, end: 1, maxTasks: 1 },
    ]);
    const strict = contextFor(layout(), [[0, 1], [2]]);
    expect(relocate(strict, 1, 2)).toBe(false);
    const costly = contextFor(layout(), [[0, 1], [2]]);
    costly.solution.taskLimit[1] = 2;
    costly.solution.taskPenalty = 200;
    expect(relocate(costly, 1, 2)).toBe(false);
    const cheap = contextFor(layout(), [[0, 1], [2]]);
    cheap.solution.taskLimit[1] = 2;
    cheap.solution.taskPenalty = 100;
    expect(relocate(cheap, 1, 2)).toBe(true);
    expect(routesOf(cheap)).toEqual([[0], [2, 1]]);
    expect(cheap.solution.excess()).toBe(1);
  });

  it('leaves frozen jobs where they are', () => {
    const p = lineProblem([0, 1, 2, 3], [{ location: 1 }, { location: 2 }, { location: 3 }], [{ start: 0, end: 0 }]);
    const ctx = contextFor(p, [[2, 0, 1]]);
    ctx.solution.routes[0].fixed = 1;
    expect(relocate(ctx, 2, 1)).toBe(false);
  });
});
