import { bestInsertion, insertAt, type Insertion } from '../construction/insertion.ts';
import { loadsFit } from './route.ts';
import type { Solution } from './solution.ts';

/**
 * Loads the current plans as the starting solution. Frozen leading jobs are kept
 * in their order (done, in progress, locked) as long as the route stays feasible:
 * one that cannot be kept there (a lock whose window the route no longer meets)
 * is left out, or the route would take nothing after it. Any other job that no
 * longer fits (the change made the order infeasible) is left unassigned for
 * construction to place again.
 */
export function startFrom(s: Solution, initial: readonly (readonly number[])[], frozen: readonly number[]): void {
  const p = s.problem;
  const taken = new Uint8Array(p.jobCount);
  for (let r = 0; r < s.routes.length; r++) {
    const given = (initial[r] ?? []).filter((j) => j >= 0 && j < p.userJobCount && !taken[j]);
    for (const j of given) taken[j] = 1;
    const fixed = Math.min(frozen[r] ?? 0, given.length);
    const kept: number[] = [];
    for (const j of given.slice(0, fixed)) {
      if (s.setJobs(r, [...kept, j])) kept.push(j);
    }
    s.setJobs(r, kept.slice());
    s.routes[r].fixed = kept.length;
    for (const j of given.slice(fixed)) {
      const tryJobs = [...kept, j];
      if (s.setJobs(r, tryJobs) && tryJobs.length <= p.maxTasks[r] && compatible(s, r, j) && loadsFit(p, r, tryJobs)) kept.push(j);
      else s.setJobs(r, kept.slice());
    }
    s.setJobs(r, kept);
  }
}

function compatible(s: Solution, r: number, j: number): boolean {
  const p = s.problem;
  return p.compatible[j * p.vehicleCount + s.routes[r].vehicle] === 1;
}

/**
 * Issue 4: leave unaffected collectors' plans unchanged when that costs nothing.
 * A route that serves exactly the jobs it had before goes back to its previous
 * order when that order is feasible and no more expensive.
 */
export function keepUnchangedRoutes(s: Solution, initial: readonly (readonly number[])[]): void {
  const p = s.problem;
  const insertion: Insertion = { cost: Infinity, position: -1 };
  for (let r = 0; r < s.routes.length; r++) {
    const before = initial[r];
    const now = s.routes[r].jobs;
    const visits = now.filter((j) => p.isBreak[j] === 0);
    if (!before || before.length !== visits.length) continue;
    const set = new Set(visits);
    if (!before.every((j) => set.has(j)) || before.every((j, i) => visits[i] === j)) continue;
    const cost = s.routes[r].cost;
    const fixed = s.routes[r].fixed;
    // The previous order had no breaks (callers pass visits only): each goes back where it waits least.
    let ok = s.setJobs(r, before.slice()) && loadsFit(p, r, before);
    for (const b of now) {
      if (!ok || p.isBreak[b] === 0) continue;
      bestInsertion(p, s.routes[r], b, undefined, 0, insertion);
      ok = insertion.position >= 0;
      if (ok) insertAt(s, r, b, insertion.position);
    }
    if (!(ok && s.routes[r].cost <= cost + 1e-9)) s.setJobs(r, now);
    s.routes[r].fixed = fixed;
  }
}
