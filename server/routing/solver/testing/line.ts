import { SearchContext } from '../local-search/context.ts';
import { nearestNeighbours } from '../problem/neighbors.ts';
import type { Problem } from '../problem/problem.ts';
import { buildProblem, type JobSpec, type VehicleSpec } from '../problem/spec.ts';
import { Solution } from '../solution/solution.ts';

/**
 * Tiny hand-made problems for unit tests: locations are points on a line, travel
 * time and cost = distance, so every expected cost can be worked out by hand.
 */
export function lineProblem(points: number[], jobs: JobSpec[], vehicles: VehicleSpec[]): Problem {
  const n = points.length;
  const m = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) m[a * n + b] = Math.abs(points[a] - points[b]);
  return buildProblem({ size: n, durations: [m], jobs, vehicles });
}

/** A search context over `routes` (job indices per vehicle), every job a neighbour of every other. */
export function contextFor(problem: Problem, routes: number[][]): SearchContext {
  const s = new Solution(problem);
  routes.forEach((jobs, r) => s.setJobs(r, jobs));
  s.dirty.fill(0);
  return new SearchContext(problem, s, nearestNeighbours(problem, problem.jobCount));
}

export const routesOf = (ctx: SearchContext) => ctx.solution.routes.map((r) => r.jobs);
export const totalCost = (ctx: SearchContext) => ctx.solution.routes.reduce((a, r) => a + r.cost, 0);
