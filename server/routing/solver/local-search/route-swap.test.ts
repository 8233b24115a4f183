import { describe, expect, it } from 'vitest';
import { contextFor, lineProblem, routesOf, totalCost } from '../testing/line.ts';
import { solve } from '../solve.ts';
import { RouteSwap } from './route-swap.ts';

const routeSwap = (ctx: Parameters<RouteSwap['run']>[0]) => new RouteSwap().run(ctx);

describe('route swap', () => {
  // Depots at 0 and 100; jobs 0 and 1 at 1 and 2, jobs 2 and 3 at 101 and 102.
  const points = [0, 100, 1, 2, 101, 102];
  const jobs = [2, 3, 4, 5].map((location) => ({ location }));
  /** Each vehicle starts and ends at its own depot. */
  const ownDepots = [
    { start: 0, end: 0 },
    { start: 1, end: 1 },
  ];

  it('gives each vehicle the route that passes next to its depot', () => {
    const p = lineProblem(points, jobs, ownDepots);
    const ctx = contextFor(p, [[2, 3], [0, 1]]);
    expect(totalCost(ctx)).toBe(204 + 198);
    expect(routeSwap(ctx)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 1], [2, 3]]);
    expect(totalCost(ctx)).toBe(4 + 4);
  });

  it('drives a route reversed when that is cheaper from its new depot', () => {
    // Vehicle 0 runs from 0 to 10, vehicle 1 from 100 to 90; jobs 0, 1 at 1, 9 and 2, 3 at 99, 91.
    const p = lineProblem([0, 100, 10, 90, 1, 9, 99, 91], [4, 5, 6, 7].map((location) => ({ location })), [
      { start: 0, end: 2 },
      { start: 1, end: 3 },
    ]);
    const ctx = contextFor(p, [[3, 2], [1, 0]]);
    expect(totalCost(ctx)).toBe(188 + 188);
    expect(routeSwap(ctx)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 1], [2, 3]]);
    expect(totalCost(ctx)).toBe(10 + 10);
  });

  it('leaves interchangeable vehicles and frozen routes alone', () => {
    const same = lineProblem(points, jobs, [
      { start: 0, end: 0 },
      { start: 0, end: 0 },
    ]);
    expect(routeSwap(contextFor(same, [[2, 3], [0, 1]]))).toBe(false);
    const p = lineProblem(points, jobs, ownDepots);
    const ctx = contextFor(p, [[2, 3], [0, 1]]);
    ctx.solution.routes[1].fixed = 1;
    expect(routeSwap(ctx)).toBe(false);
    expect(routesOf(ctx)).toEqual([[2, 3], [0, 1]]);
  });

  it('looks again at a pair once one of its routes changed', () => {
    const p = lineProblem(points, jobs, ownDepots);
    const ctx = contextFor(p, [[0, 1], [2, 3]]);
    const swap = new RouteSwap();
    expect(swap.run(ctx)).toBe(false);
    // The same two routes with the wrong depots: the pair was checked, but not with these routes.
    ctx.solution.setJobs(0, [2, 3]);
    ctx.solution.setJobs(1, [0, 1]);
    expect(swap.run(ctx)).toBe(true);
    expect(routesOf(ctx)).toEqual([[0, 1], [2, 3]]);
  });

  it('looks again at a pair once the search lets routes hold more jobs', () => {
    // Vehicle 0 may hold 1 job, vehicle 1 two: vehicle 0 cannot take vehicle 1's two jobs near its depot.
    const p = lineProblem(points, [2, 4, 5].map((location) => ({ location })), [
      { start: 0, end: 0, maxTasks: 1 },
      { start: 1, end: 1, maxTasks: 2 },
    ]);
    const ctx = contextFor(p, [[1], [0, 2]]);
    const swap = new RouteSwap();
    const before = totalCost(ctx);
    expect(swap.run(ctx)).toBe(false);
    ctx.solution.taskLimit[0] = 2;
    expect(swap.run(ctx)).toBe(true);
    expect(totalCost(ctx)).toBeLessThan(before);
  });

  it('pays for overfilling a route, as every move does under the max-tasks relaxation', () => {
    // Vehicle 1's depot is next to the only job, but it may hold none: the relaxation lets it hold one at a price.
    const p = lineProblem([0, 100, 99], [{ location: 2 }], [
      { start: 0, end: 0 },
      { start: 1, end: 1, maxTasks: 0 },
    ]);
    const ctx = contextFor(p, [[0], []]);
    ctx.solution.taskLimit[1] = 1;
    ctx.solution.taskPenalty = 1000;
    expect(routeSwap(ctx)).toBe(false);
    ctx.solution.taskPenalty = 10;
    expect(routeSwap(ctx)).toBe(true);
  });

  it('ends a time-limited solve where vehicle closest to the job may take none (swap and relocate undid each other forever)', () => {
    const p = lineProblem([0, 100, 99], [{ location: 2 }], [
      { start: 0, end: 0 },
      { start: 1, end: 1, maxTasks: 0 },
    ]);
    const result = solve(p, { timeLimitMs: 100, seed: 1 });
    expect(result.routes).toEqual([[0], []]);
  });
});
