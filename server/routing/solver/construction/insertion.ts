import { startAfter, type Problem } from '../problem/problem.ts';
import type { Random } from '../random.ts';
import { loadsFit, type Route } from '../solution/route.ts';
import type { Solution } from '../solution/solution.ts';

/** Whether route r can take job j at all: skills/pinning, max tasks, total load. */
export function routeAccepts(p: Problem, route: Route, j: number, limit = p.maxTasks[route.vehicle]): boolean {
  const v = route.vehicle;
  if (p.compatible[j * p.vehicleCount + v] === 0) return false;
  if (route.size >= limit) return false;
  const dims = p.dimensions;
  for (let d = 0; d < dims; d++) {
    const cap = p.capacity[v * dims + d];
    if (route.delivery(d) + p.jobDelivery[j * dims + d] > cap) return false;
    if (route.pickup(d) + p.jobPickup[j * dims + d] > cap) return false;
  }
  return true;
}

/**
 * Added cost of inserting job j after position q of the route, or Infinity when
 * the windows or the shift forbid it. O(1) thanks to the route's forward
 * departure and backward latest-start caches.
 */
export function insertionCost(p: Problem, route: Route, j: number, q: number): number {
  if (p.hasBreaks) return insertionCostWithBreaks(p, route, j, q);
  const v = route.vehicle;
  const side = p.side;
  const D = p.durations[v];
  const C = p.costs[v];
  const a = route.loc[q];
  const b = route.loc[q + 1];
  const l = p.jobLocation[j];
  const s = startAfter(p, j, route.departure[q] + D[a * side + l]);
  if (s + p.jobService[j] + D[l * side + b] > route.latest[q + 1]) return Infinity;
  return C[a * side + l] + C[l * side + b] - C[a * side + b];
}

/**
 * insertionCost when breaks exist. Breaks right after the gap move with the new
 * job (they are taken where it is), so they are timed one by one up to the next
 * visit, whose latest start closes the check. Inserting a break costs no travel;
 * its "cost" is the idle time it adds, so it goes where it waits least.
 */
function insertionCostWithBreaks(p: Problem, route: Route, j: number, q: number): number {
  const v = route.vehicle;
  const side = p.side;
  const D = p.durations[v];
  const C = p.costs[v];
  const a = route.loc[q];
  const stay = p.isBreak[j] === 1;
  const l = stay ? a : p.jobLocation[j];
  const s = startAfter(p, j, route.departure[q] + (stay ? 0 : D[a * side + l]));
  if (s === Infinity) return Infinity;
  let t = s + p.jobService[j];
  let k = q + 1;
  while (k <= route.size && p.isBreak[route.jobs[k - 1]] === 1) {
    const b = route.jobs[k - 1];
    const sb = startAfter(p, b, t);
    if (sb === Infinity) return Infinity;
    t = sb + p.jobService[b];
    k++;
  }
  const b = route.loc[k];
  if (t + D[l * side + b] > route.latest[k]) return Infinity;
  if (stay) return s - route.departure[q];
  return C[a * side + l] + C[l * side + b] - C[a * side + b];
}

export interface Insertion {
  cost: number;
  position: number;
}

/** Cheapest feasible place for j in the route; each place is skipped with probability `blink` (SISR). */
export function bestInsertion(
  p: Problem, route: Route, j: number, rng: Random | undefined, blink: number, out: Insertion, limit = p.maxTasks[route.vehicle], penalty = 0,
): Insertion {
  out.cost = Infinity;
  out.position = -1;
  if (!routeAccepts(p, route, j, limit)) return out;
  const over = route.size >= p.maxTasks[route.vehicle] ? penalty : 0;
  for (let q = route.fixed; q <= route.size; q++) {
    if (rng && blink > 0 && rng.next() < blink) continue;
    const c = insertionCost(p, route, j, q) + over;
    if (c < out.cost) {
      if (p.mixedLoads) {
        const jobs = route.jobs.slice();
        jobs.splice(q, 0, j);
        if (!loadsFit(p, route.vehicle, jobs)) continue;
      }
      out.cost = c;
      out.position = q;
    }
  }
  return out;
}

export function insertAt(s: Solution, r: number, j: number, q: number): void {
  const jobs = s.routes[r].jobs.slice();
  jobs.splice(q, 0, j);
  s.setJobs(r, jobs);
}

/**
 * Greedy insertion of `jobs` in the given order, each at its cheapest place over
 * all routes (empty routes tried once per vehicle class). Returns the jobs left out.
 */
export function insertGreedy(s: Solution, jobs: readonly number[], rng: Random | undefined, blink: number): number[] {
  const p = s.problem;
  const left: number[] = [];
  const seen = new Uint8Array(p.vehicleCount);
  const best: Insertion = { cost: Infinity, position: -1 };
  for (const j of jobs) {
    let bestCost = Infinity;
    let bestRoute = -1;
    let bestPos = -1;
    seen.fill(0);
    for (let r = 0; r < s.routes.length; r++) {
      const route = s.routes[r];
      // One empty route per class is enough, counting only routes j may use (pinned jobs, skills, breaks).
      if (route.size === 0 && p.compatible[j * p.vehicleCount + route.vehicle] === 1) {
        const cls = p.vehicleClass[route.vehicle];
        if (seen[cls] === 1) continue;
        seen[cls] = 1;
      }
      bestInsertion(p, route, j, rng, blink, best, s.taskLimit[route.vehicle], s.taskPenalty);
      if (best.cost < bestCost) {
        bestCost = best.cost;
        bestRoute = r;
        bestPos = best.position;
      }
    }
    if (bestRoute < 0) left.push(j);
    else insertAt(s, bestRoute, j, bestPos);
  }
  return left;
}
