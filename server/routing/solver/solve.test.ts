import { describe, expect, it } from 'vitest';
import { solve } from './solve.ts';
import { lineProblem } from './testing/line.ts';
import type { ProblemSpec } from './problem/spec.ts';
import { buildProblem } from './problem/spec.ts';

/** Twelve jobs on a line between two depots (0 and 50), two vehicles. */
function spec(): ProblemSpec {
  const points = [0, 50, ...Array.from({ length: 12 }, (_, i) => 3 + i * 4)];
  const n = points.length;
  const m = Array.from({ length: n * n }, (_, k) => Math.abs(points[Math.floor(k / n)] - points[k % n]));
  return {
    size: n,
    durations: [m],
    jobs: points.slice(2).map((_, i) => ({ location: i + 2, service: 1, windows: i % 3 === 0 ? [[0, 40]] : undefined })),
    vehicles: [
      { start: 0, end: 0, shift: [0, 200], maxTasks: 7 },
      { start: 1, end: 1, shift: [0, 200], maxTasks: 7 },
    ],
  };
}

describe('solve', () => {
  it('is deterministic for a seed and an iteration budget', () => {
    const a = solve(buildProblem(spec()), { iterations: 50, seed: 7 });
    const b = solve(buildProblem(spec()), { iterations: 50, seed: 7 });
    expect(a.routes).toEqual(b.routes);
    expect(a.objective).toEqual(b.objective);
    expect(a.objective.served).toBe(12);
    // Annealing may overfill a route (penalised); the result never does.
    expect(a.routes.map((r) => r.length <= 7)).toEqual([true, true]);
  });

  it('stops after `patience` iterations without a better solution, with what the full run had by then', () => {
    const full = solve(buildProblem(spec()), { iterations: 3000, seed: 3 });
    const patient = solve(buildProblem(spec()), { iterations: 3000, seed: 3, patience: 100 });
    expect(full.iterations).toBe(3000);
    expect(patient.iterations).toBeLessThan(3000);
    // The same run cut short: what an iteration budget of that length finds.
    expect(patient.routes).toEqual(solve(buildProblem(spec()), { iterations: patient.iterations, seed: 3 }).routes);
    expect(patient.objective.served).toBe(12);
  });

  it('drops the lowest priorities first', () => {
    const p = lineProblem([0, 1, 2, 3], [
      { location: 1, priority: 10 },
      { location: 2, priority: 90 },
      { location: 3, priority: 50 },
    ], [{ start: 0, end: 0, maxTasks: 2 }]);
    const r = solve(p, { iterations: 20 });
    expect(r.routes[0].slice().sort()).toEqual([1, 2]);
    expect(r.unassigned).toEqual([{ job: 0, reason: 'max_tasks' }]);
    expect(r.objective).toEqual({ priority: 140, served: 2, cost: 6 });
  });

  it('says why a job is left out', () => {
    const p = lineProblem([0, 1, 2, 3, 40], [
      { location: 1, skills: [7] },
      { location: 2, windows: [[500, 600]] },
      { location: 3, delivery: [300] },
      { location: 4, service: 15, priority: 5 },
      { location: 4, service: 15 },
    ], [{ start: 0, end: 0, shift: [0, 100], capacity: [200], skills: [1] }]);
    const r = solve(p, { iterations: 20 });
    expect(r.unassigned).toEqual([
      { job: 0, reason: 'skill' },
      { job: 1, reason: 'window' },
      { job: 2, reason: 'capacity' },
      { job: 4, reason: 'shift_full' },
    ]);
    // A collector who takes no visits is at their limit, not short of capacity.
    const none = lineProblem([0, 1], [{ location: 1 }], [{ start: 0, end: 0, maxTasks: 0 }]);
    expect(solve(none, { iterations: 5 }).unassigned).toEqual([{ job: 0, reason: 'max_tasks' }]);
    // Also with a break, which max tasks counts inside the solver.
    const resting = lineProblem([0, 1], [{ location: 1 }], [{ start: 0, end: 0, maxTasks: 0, shift: [0, 100], breaks: [{ windows: [[10, 20]], service: 5 }] }]);
    expect(solve(resting, { iterations: 5 }).unassigned).toEqual([{ job: 0, reason: 'max_tasks' }]);
  });

  it('keeps frozen jobs first and unaffected routes as they were', () => {
    const problem = buildProblem(spec());
    const cold = solve(problem, { iterations: 100, seed: 3 });
    // Freeze the first two jobs of vehicle 0 and hand the plan back unchanged.
    const warm = solve(problem, { iterations: 30, seed: 4, initial: cold.routes, frozen: [2, 0] });
    expect(warm.routes[0].slice(0, 2)).toEqual(cold.routes[0].slice(0, 2));
    expect(warm.routes).toEqual(cold.routes);
  });

  it('leaves out a frozen job whose window the route can no longer meet, instead of taking nothing after it', () => {
    // Job 0 is locked first but its window closed at 5 (it is 10 away); jobs 1 and 2 have no window.
    const p = lineProblem([0, 10, 1, 2], [{ location: 1, windows: [[0, 5]] }, { location: 2 }, { location: 3 }], [{ start: 0, end: 0, shift: [0, 100] }]);
    const warm = solve(p, { iterations: 20, seed: 1, initial: [[0, 1, 2]], frozen: [1] });
    expect(warm.routes).toEqual([[1, 2]]);
    expect(warm.unassigned).toEqual([{ job: 0, reason: 'window' }]);
  });

  it('takes every used collector\'s break and drops the lowest priority to make room for it', () => {
    // Four 20-minute visits near the office fit a 100-minute shift (88 min with travel); with a 30-minute break only three do.
    const p = lineProblem([0, 1, 2, 3, 4], [
      { location: 1, service: 20, priority: 40 },
      { location: 2, service: 20, priority: 10 },
      { location: 3, service: 20, priority: 30 },
      { location: 4, service: 20, priority: 20 },
    ], [
      { start: 0, end: 0, shift: [0, 100], breaks: [{ windows: [[30, 60]], service: 30 }] },
      { start: 0, end: 0, shift: [0, 100], breaks: [{ service: 5 }] },
    ]);
    // With a second collector whose break is short, the four fit on it alone.
    const two = solve(p, { iterations: 50 });
    expect(two.objective.served).toBe(4);
    expect(two.breaks).toEqual([{ vehicle: 1, index: 0, after: expect.any(Number) }]);

    const one = lineProblem([0, 1, 2, 3, 4], [
      { location: 1, service: 20, priority: 40 },
      { location: 2, service: 20, priority: 10 },
      { location: 3, service: 20, priority: 30 },
      { location: 4, service: 20, priority: 20 },
    ], [{ start: 0, end: 0, shift: [0, 100], breaks: [{ windows: [[30, 60]], service: 30 }] }]);
    const r = solve(one, { iterations: 50 });
    expect(r.unassigned).toEqual([{ job: 1, reason: 'shift_full' }]);
    expect(r.objective).toEqual({ priority: 90, served: 3, cost: 8 });
    expect(r.breaks).toHaveLength(1);
    expect(r.breaks[0].after).toBeGreaterThanOrEqual(1);
  });

  it('leaves an unused collector without its break', () => {
    const p = lineProblem([0, 1], [{ location: 1 }], [{ start: 0, end: 0, breaks: [{ service: 5 }] }, { start: 0, end: 0, breaks: [{ service: 5 }] }]);
    const r = solve(p, { iterations: 10 });
    expect(r.routes.filter((route) => route.length > 0)).toHaveLength(1);
    expect(r.breaks).toHaveLength(1);
    expect(r.objective.cost).toBe(2);
  });
});
