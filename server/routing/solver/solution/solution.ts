import type { Problem } from '../problem/problem.ts';
import { Route } from './route.ts';

/**
 * The objective, compared lexicographically (issue 4): highest total priority of
 * served jobs, then most jobs served, then least travel cost.
 */
export interface Objective {
  priority: number;
  served: number;
  cost: number;
}

const EPS = 1e-7;

export function better(a: Objective, b: Objective): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.served !== b.served) return a.served > b.served;
  return a.cost < b.cost - EPS * Math.max(1, Math.abs(b.cost));
}

export class Solution {
  readonly routes: Route[];
  /** Route index of each job, −1 when unassigned. */
  readonly routeOf: Int32Array;
  /** 1-based position of each job in its route. */
  readonly posOf: Int32Array;
  /** Jobs whose neighbourhood changed since local search last looked at them. */
  readonly dirty: Uint8Array;
  /**
   * Per route, how many jobs it may hold during search: max tasks, plus a slack while
   * the search may overfill routes at `taskPenalty` per job over max tasks.
   */
  readonly taskLimit: Int32Array;
  taskPenalty = 0;

  constructor(readonly problem: Problem) {
    this.routes = Array.from({ length: problem.vehicleCount }, (_, v) => new Route(problem, v));
    this.routeOf = new Int32Array(problem.jobCount).fill(-1);
    this.posOf = new Int32Array(problem.jobCount);
    this.dirty = new Uint8Array(problem.jobCount);
    this.taskLimit = Int32Array.from(problem.maxTasks);
    for (const r of this.routes) {
      // A second store makes V8 track `fixed` as mutable from the first solve on. Left
      // const-tracked, the first warm start's store would deoptimize every hot function
      // that reads it, and re-optimizing costs ~100 ms: most of a re-plan's budget.
      r.fixed = 0;
      r.update();
    }
  }

  /**
   * Replaces route r's jobs and refreshes its caches. Jobs whose predecessor or
   * successor changed are marked dirty (don't-look bits, Bentley 1992).
   */
  setJobs(r: number, jobs: number[]): boolean {
    const route = this.routes[r];
    const old = route.jobs;
    for (let i = 0; i < old.length; i++) {
      const j = old[i];
      if (this.routeOf[j] === r) this.routeOf[j] = -1;
    }
    route.jobs = jobs;
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i];
      const was = this.posOf[j];
      const moved = this.routeOf[j] !== -1 || was - 1 >= old.length || old[was - 1] !== j;
      const prevChanged = i === 0 ? was !== 1 : old[was - 2] !== jobs[i - 1];
      const nextChanged = i === jobs.length - 1 ? was !== old.length : old[was] !== jobs[i + 1];
      if (moved || prevChanged || nextChanged) this.dirty[j] = 1;
      this.routeOf[j] = r;
      this.posOf[j] = i + 1;
    }
    return route.update();
  }

  objective(): Objective {
    const p = this.problem;
    let priority = 0;
    let served = 0;
    let cost = 0;
    for (const r of this.routes) {
      cost += r.cost;
      served += r.jobs.length;
      for (const j of r.jobs) priority += p.jobPriority[j];
    }
    return { priority, served, cost };
  }

  /** Jobs over max tasks, summed over routes (0 when feasible). */
  excess(): number {
    let n = 0;
    for (const r of this.routes) n += Math.max(0, r.jobs.length - this.problem.maxTasks[r.vehicle]);
    return n;
  }

  /** Penalty change when route r goes from its size to `size` jobs. */
  excessCost(r: number, size: number): number {
    if (this.taskPenalty === 0) return 0;
    const max = this.problem.maxTasks[this.routes[r].vehicle];
    return this.taskPenalty * (Math.max(0, size - max) - Math.max(0, this.routes[r].jobs.length - max));
  }

  unassigned(): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.problem.jobCount; j++) if (this.routeOf[j] < 0) out.push(j);
    return out;
  }

  /** Removes job j from its route (caches refreshed). */
  remove(j: number): void {
    const r = this.routeOf[j];
    if (r < 0) return;
    const jobs = this.routes[r].jobs.slice();
    jobs.splice(this.posOf[j] - 1, 1);
    this.setJobs(r, jobs);
    this.routeOf[j] = -1;
  }

  snapshot(): number[][] {
    return this.routes.map((r) => r.jobs.slice());
  }

  restore(routes: readonly (readonly number[])[]): void {
    this.routeOf.fill(-1);
    routes.forEach((jobs, r) => {
      this.routes[r].jobs = [];
      this.setJobs(r, jobs.slice());
    });
  }

  /** Frozen prefix per route (number of leading jobs nobody may move). */
  setFixed(fixed: readonly number[]): void {
    fixed.forEach((f, r) => (this.routes[r].fixed = f));
  }
}
