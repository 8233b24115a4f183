import type { Problem } from '../problem/problem.ts';
import type { Solution } from '../solution/solution.ts';
import { Chain } from './chain.ts';

/** What every operator needs: the solution, two scratch chains, and the commit step. */
export class SearchContext {
  readonly a: Chain;
  readonly b: Chain;
  /** Moves count as improving only beyond this (absorbs float noise). */
  readonly epsilon: number;
  /** Whether operators may cost moves in closed form (delta.ts): no breaks, one cost matrix. */
  readonly closedForm: boolean;
  private readonly costs: Float64Array;
  private readonly side: number;

  constructor(
    readonly problem: Problem,
    readonly solution: Solution,
    readonly neighbours: readonly Int32Array[],
  ) {
    this.a = new Chain(problem, solution);
    this.b = new Chain(problem, solution);
    this.epsilon = 1e-6;
    this.closedForm = !problem.hasBreaks && problem.uniformCosts;
    this.costs = problem.costs[0] ?? new Float64Array(0);
    this.side = problem.side;
  }

  /** Travel cost from location a to b (closed-form costing only). */
  arc(a: number, b: number): number {
    return this.costs[a * this.side + b];
  }

  /** Position of job j in its route (1-based) and whether it may move. */
  movable(j: number): boolean {
    const s = this.solution;
    return s.posOf[j] > s.routes[s.routeOf[j]].fixed;
  }

  /** Replaces route r by chain a when that is feasible and cheaper by more than epsilon. */
  tryOne(r: number): boolean {
    const route = this.solution.routes[r];
    const v = route.vehicle;
    if (!(this.a.cost(v) < route.cost - this.epsilon)) return false;
    return this.commitOne(r);
  }

  /** Replaces route r by chain a when that is feasible; the caller has checked that it pays. */
  commitOne(r: number): boolean {
    const v = this.solution.routes[r].vehicle;
    if (!this.a.feasible(v) || !this.a.loadsFit(v)) return false;
    this.solution.setJobs(r, this.a.jobs());
    return true;
  }

  /** Whether route r may grow by `extra` jobs (max tasks). */
  hasRoom(r: number, extra: number): boolean {
    const route = this.solution.routes[r];
    return route.size + extra <= this.solution.taskLimit[route.vehicle];
  }

  /**
   * Replaces routes ra and rb by chains a and b when both are feasible and their sum is
   * cheaper by more than epsilon. `costA` lets a caller reuse chain a's cost across moves.
   */
  tryTwo(ra: number, rb: number, costA = this.a.cost(this.solution.routes[ra].vehicle)): boolean {
    const routeA = this.solution.routes[ra];
    const routeB = this.solution.routes[rb];
    const va = routeA.vehicle;
    const vb = routeB.vehicle;
    const s = this.solution;
    const penalty = s.taskPenalty === 0 ? 0 : s.excessCost(ra, this.a.size()) + s.excessCost(rb, this.b.size());
    if (!(costA + this.b.cost(vb) + penalty < routeA.cost + routeB.cost - this.epsilon)) return false;
    return this.commitTwo(ra, rb);
  }

  /** Replaces routes ra and rb by chains a and b when both are feasible; the caller has checked that it pays. */
  commitTwo(ra: number, rb: number): boolean {
    const va = this.solution.routes[ra].vehicle;
    const vb = this.solution.routes[rb].vehicle;
    if (!this.a.feasible(va) || !this.b.feasible(vb) || !this.a.loadsFit(va) || !this.b.loadsFit(vb)) return false;
    const jobsA = this.a.jobs();
    const jobsB = this.b.jobs();
    this.solution.setJobs(ra, jobsA);
    this.solution.setJobs(rb, jobsB);
    return true;
  }
}
