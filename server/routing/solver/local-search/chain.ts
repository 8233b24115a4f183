import { startAfter, type Problem } from '../problem/problem.ts';
import type { Solution } from '../solution/solution.ts';
import { loadsFit } from '../solution/route.ts';

/**
 * Every operator describes the route(s) it would produce as a chain of pieces:
 * ranges of positions of existing routes, forward or reversed. A chain is costed
 * in O(pieces) from the routes' prefix costs and timed in O(1) at its ends
 * (a route prefix reuses its departure time, a route suffix its latest start)
 * and by walking only the pieces in between, which are short under granular
 * neighbourhoods.
 */
export class Chain {
  private readonly route = new Int32Array(8);
  private readonly from = new Int32Array(8);
  private readonly to = new Int32Array(8);
  private readonly reversed = new Uint8Array(8);
  private count = 0;
  private readonly load: Float64Array;

  constructor(
    private readonly problem: Problem,
    private readonly solution: Solution,
  ) {
    this.load = new Float64Array(problem.dimensions * 2);
  }

  clear(): this {
    this.count = 0;
    return this;
  }

  /** Positions from..to (1-based, inclusive) of route r; empty when from > to. */
  add(r: number, from: number, to: number, reversed = false): this {
    if (from > to) return this;
    const k = this.count++;
    this.route[k] = r;
    this.from[k] = from;
    this.to[k] = to;
    this.reversed[k] = reversed ? 1 : 0;
    return this;
  }

  /** Travel cost of the chain driven by vehicle v (no feasibility check). */
  cost(v: number): number {
    const p = this.problem;
    const routes = this.solution.routes;
    const side = p.side;
    const C = p.costs[v];
    let cost = 0;
    let at = p.vehicleStart[v];
    for (let k = 0; k < this.count; k++) {
      const route = routes[this.route[k]];
      let from = this.from[k];
      const to = this.to[k];
      const rev = this.reversed[k] === 1;
      // Breaks heading a piece are taken where the chain is (cost 0); the piece's cached costs apply from its first visit on.
      if (p.hasBreaks && !rev) while (from <= to && p.isBreak[route.jobs[from - 1]] === 1) from++;
      if (from > to) continue;
      cost += C[at * side + (rev ? route.loc[to] : route.loc[from])];
      if (p.uniformCosts || route.vehicle === v) {
        cost += rev ? route.revCost[to] - route.revCost[from] : route.cumCost[to] - route.cumCost[from];
      } else {
        for (let q = from; q < to; q++) {
          if (p.isBreak[route.jobs[q]] === 1) continue;
          cost += rev ? C[route.loc[q + 1] * side + route.loc[q]] : C[route.loc[q] * side + route.loc[q + 1]];
        }
      }
      at = rev ? route.loc[from] : route.loc[to];
    }
    return cost + C[at * side + p.vehicleEnd[v]];
  }

  /** Whether vehicle v can drive the chain: windows, shift, capacity, max tasks, skills. */
  feasible(v: number): boolean {
    const p = this.problem;
    const routes = this.solution.routes;
    const side = p.side;
    const D = p.durations[v];
    const V = p.vehicleCount;
    const dims = p.dimensions;
    const load = this.load;
    load.fill(0);
    let t = p.shiftStart[v];
    let at = p.vehicleStart[v];
    let tasks = 0;
    let timed = false;
    const last = this.count - 1;
    for (let k = 0; k <= last; k++) {
      const route = routes[this.route[k]];
      const from = this.from[k];
      const to = this.to[k];
      tasks += to - from + 1;
      for (let d = 0; d < dims; d++) {
        load[d] += route.cumDelivery[to * dims + d] - route.cumDelivery[(from - 1) * dims + d];
        load[dims + d] += route.cumPickup[to * dims + d] - route.cumPickup[(from - 1) * dims + d];
      }
    }
    if (tasks > this.solution.taskLimit[v]) return false;
    for (let d = 0; d < dims; d++) {
      const cap = p.capacity[v * dims + d];
      if (load[d] > cap || load[dims + d] > cap) return false;
    }
    const isBreak = p.isBreak;
    for (let k = 0; k <= last; k++) {
      const route = routes[this.route[k]];
      let from = this.from[k];
      const to = this.to[k];
      const rev = this.reversed[k] === 1;
      const rv = route.vehicle;
      if (rv !== v && !p.allCompatible) {
        for (let q = from; q <= to; q++) if (p.compatible[route.jobs[q - 1] * V + v] === 0) return false;
      }
      // Breaks heading a piece are taken where the chain is: timed here, then the piece goes on from its first visit.
      if (p.hasBreaks && !rev && !(k === 0 && from === 1 && p.sameHead[rv * V + v] === 1)) {
        while (from <= to && isBreak[route.jobs[from - 1]] === 1) {
          const s = startAfter(p, route.jobs[from - 1], t);
          if (s === Infinity) return false;
          t = s + p.jobService[route.jobs[from - 1]];
          from++;
        }
        if (from > to) continue;
      }
      if (!rev && k === 0 && from === 1 && p.sameHead[rv * V + v] === 1) {
        t = route.departure[to];
      } else if (!rev && k === last && to === route.jobs.length && p.sameTail[rv * V + v] === 1) {
        if (t + D[at * side + route.loc[from]] > route.latest[from]) return false;
        timed = true;
      } else if (rev) {
        for (let q = to; q >= from; q--) {
          const j = route.jobs[q - 1];
          // A break belongs after the step it follows; reversing would move it to the other end of a leg.
          if (isBreak[j] === 1) return false;
          const s = startAfter(p, j, t + D[at * side + route.loc[q]]);
          if (s === Infinity) return false;
          t = s + p.jobService[j];
          at = route.loc[q];
        }
      } else {
        for (let q = from; q <= to; q++) {
          const j = route.jobs[q - 1];
          const s = startAfter(p, j, isBreak[j] === 1 ? t : t + D[at * side + route.loc[q]]);
          if (s === Infinity) return false;
          t = s + p.jobService[j];
          at = route.loc[q];
        }
      }
      at = rev ? route.loc[from] : route.loc[to];
    }
    return timed || t + D[at * side + p.vehicleEnd[v]] <= p.shiftEnd[v];
  }

  /** Number of jobs in the chain. */
  size(): number {
    let n = 0;
    for (let k = 0; k < this.count; k++) n += this.to[k] - this.from[k] + 1;
    return n;
  }

  /** The chain as a job list (allocates: call only for a move being applied). */
  jobs(): number[] {
    const out: number[] = [];
    const routes = this.solution.routes;
    for (let k = 0; k < this.count; k++) {
      const jobs = routes[this.route[k]].jobs;
      if (this.reversed[k] === 1) for (let q = this.to[k]; q >= this.from[k]; q--) out.push(jobs[q - 1]);
      else for (let q = this.from[k]; q <= this.to[k]; q++) out.push(jobs[q - 1]);
    }
    return out;
  }

  /** Exact peak-load check, needed only when pickups and deliveries mix. */
  loadsFit(v: number): boolean {
    return !this.problem.mixedLoads || loadsFit(this.problem, v, this.jobs());
  }
}
