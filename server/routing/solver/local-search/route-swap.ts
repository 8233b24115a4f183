import type { SearchContext } from './context.ts';

/**
 * Route swap: two vehicles trade their whole routes, each driven as is or reversed
 * (the cheapest feasible of the four), which changes only the legs from and to their
 * depots. With one depot per vehicle this decides which depot serves which area, a
 * move no granular operator makes in one step. Pairs of interchangeable vehicles are
 * skipped (nothing to gain), and so are routes with frozen jobs.
 *
 * Every local-search pass tries all pairs, and most passes change a few routes only:
 * a pair whose two job lists (never mutated in place) and task limits are those it
 * last found nothing for is not costed again (13 % of a warm re-plan's time before).
 */
export class RouteSwap {
  private readonly costs = [0, 0, 0, 0];
  private readonly order = [0, 1, 2, 3];
  private checkedA: (readonly number[] | undefined)[] = [];
  private checkedB: (readonly number[] | undefined)[] = [];
  private limits = new Int32Array(0);

  run(ctx: SearchContext): boolean {
    const s = ctx.solution;
    const p = ctx.problem;
    const R = s.routes.length;
    if (this.checkedA.length !== R * R) {
      this.checkedA = new Array(R * R);
      this.checkedB = new Array(R * R);
      this.limits = new Int32Array(2 * R * R);
    }
    const { costs, order } = this;
    let improved = false;
    for (let ra = 0; ra < R; ra++) {
      for (let rb = ra + 1; rb < R; rb++) {
        const A = s.routes[ra];
        const B = s.routes[rb];
        if (A.fixed > 0 || B.fixed > 0 || (A.size === 0 && B.size === 0)) continue;
        if (p.vehicleClass[A.vehicle] === p.vehicleClass[B.vehicle]) continue;
        const pair = ra * R + rb;
        const limitA = s.taskLimit[A.vehicle];
        const limitB = s.taskLimit[B.vehicle];
        if (this.checkedA[pair] === A.jobs && this.checkedB[pair] === B.jobs &&
          this.limits[2 * pair] === limitA && this.limits[2 * pair + 1] === limitB) continue;
        // Under the max-tasks relaxation the trade pays for overfilling as every other move does:
        // ignoring it, a swap and a relocate undid each other forever (a vehicle with max_tasks 0).
        const before = A.cost + B.cost - ctx.epsilon - s.excessCost(ra, B.size) - s.excessCost(rb, A.size);
        // Bit 1: A's new route (B's jobs) reversed; bit 2: B's new route reversed.
        for (let k = 0; k < 4; k++) costs[k] = chains(ctx, ra, rb, k).a.cost(A.vehicle) + ctx.b.cost(B.vehicle);
        order.sort((x, y) => costs[x] - costs[y]);
        let swapped = false;
        for (const k of order) {
          if (!(costs[k] < before)) break;
          if (chains(ctx, ra, rb, k).commitTwo(ra, rb)) {
            swapped = true;
            break;
          }
        }
        if (swapped) {
          improved = true;
          continue;
        }
        this.checkedA[pair] = A.jobs;
        this.checkedB[pair] = B.jobs;
        this.limits[2 * pair] = limitA;
        this.limits[2 * pair + 1] = limitB;
      }
    }
    return improved;
  }
}

function chains(ctx: SearchContext, ra: number, rb: number, k: number): SearchContext {
  const s = ctx.solution;
  ctx.a.clear().add(rb, 1, s.routes[rb].size, (k & 1) === 1);
  ctx.b.clear().add(ra, 1, s.routes[ra].size, (k & 2) === 2);
  return ctx;
}
