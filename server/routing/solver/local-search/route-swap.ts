import type { SearchContext } from './context.ts';

/**
 * Route swap: two vehicles trade their whole routes, each driven as is or reversed
 * (the cheapest feasible of the four), which changes only the legs from and to their
 * depots. With one depot per vehicle this decides which depot serves which area, a
 * move no granular operator makes in one step. Pairs of interchangeable vehicles are
 * skipped (nothing to gain), and so are routes with frozen jobs.
 */
export function routeSwap(ctx: SearchContext): boolean {
  const s = ctx.solution;
  const p = ctx.problem;
  const R = s.routes.length;
  const costs = [0, 0, 0, 0];
  const order = [0, 1, 2, 3];
  let improved = false;
  for (let ra = 0; ra < R; ra++) {
    for (let rb = ra + 1; rb < R; rb++) {
      const A = s.routes[ra];
      const B = s.routes[rb];
      if (A.fixed > 0 || B.fixed > 0 || (A.size === 0 && B.size === 0)) continue;
      if (p.vehicleClass[A.vehicle] === p.vehicleClass[B.vehicle]) continue;
      const before = A.cost + B.cost - ctx.epsilon;
      // Bit 1: A's new route (B's jobs) reversed; bit 2: B's new route reversed.
      for (let k = 0; k < 4; k++) costs[k] = chains(ctx, ra, rb, k).a.cost(A.vehicle) + ctx.b.cost(B.vehicle);
      order.sort((x, y) => costs[x] - costs[y]);
      for (const k of order) {
        if (!(costs[k] < before)) break;
        if (chains(ctx, ra, rb, k).commitTwo(ra, rb)) {
          improved = true;
          break;
        }
      }
    }
  }
  return improved;
}

function chains(ctx: SearchContext, ra: number, rb: number, k: number): SearchContext {
  const s = ctx.solution;
  ctx.a.clear().add(rb, 1, s.routes[rb].size, (k & 1) === 1);
  ctx.b.clear().add(ra, 1, s.routes[ra].size, (k & 2) === 2);
  return ctx;
}
