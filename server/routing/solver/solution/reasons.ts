import { startAfter, type Problem } from '../problem/problem.ts';
import type { Solution } from './solution.ts';

/**
 * Why a job is left out (issue 4): `skill` no vehicle has its skills (or it is
 * pinned to one that lacks them), `window` no vehicle can reach it inside one of
 * its windows and still end its shift, `capacity` its load exceeds every such
 * vehicle, `max_tasks` every such vehicle is at its visit limit, `shift_full`
 * it could be served alone but there is no room left beside higher-priority jobs.
 */
export const unassignedReasons = ['skill', 'window', 'capacity', 'max_tasks', 'shift_full'] as const;
export type UnassignedReason = (typeof unassignedReasons)[number];

export function explainUnassigned(p: Problem, s: Solution, j: number): UnassignedReason {
  const V = p.vehicleCount;
  const dims = p.dimensions;
  const side = p.side;
  const l = p.jobLocation[j];
  let skilled = false;
  let reachable = false;
  let roomy = false;
  let underLimit = false;
  for (let v = 0; v < V; v++) {
    if (p.compatible[j * V + v] === 0) continue;
    skilled = true;
    const D = p.durations[v];
    const s0 = startAfter(p, j, p.shiftStart[v] + D[p.vehicleStart[v] * side + l]);
    if (s0 + p.jobService[j] + D[l * side + p.vehicleEnd[v]] > p.shiftEnd[v]) continue;
    reachable = true;
    let fits = true;
    for (let d = 0; d < dims; d++) {
      const cap = p.capacity[v * dims + d];
      if (p.jobDelivery[j * dims + d] > cap || p.jobPickup[j * dims + d] > cap) fits = false;
    }
    if (!fits) continue;
    roomy = true;
    // Max tasks counts the vehicle's breaks too (a used vehicle takes them all): compare visits with visits. A
    // vehicle taking no visits (max tasks 0) is then at its limit, not short of capacity or of time.
    let breaks = 0;
    for (let b = p.userJobCount; b < p.jobCount; b++) breaks += p.compatible[b * V + v];
    let visits = 0;
    for (const k of s.routes[v].jobs) visits += 1 - p.isBreak[k];
    if (visits < p.maxTasks[v] - breaks) underLimit = true;
  }
  if (!skilled) return 'skill';
  if (!reachable) return 'window';
  if (!roomy) return 'capacity';
  if (!underLimit) return 'max_tasks';
  return 'shift_full';
}
