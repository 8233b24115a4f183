import type { Chain } from './chain.ts';
import type { SearchContext } from './context.ts';

const TOP = 3;

/**
 * SWAP* (Vidal 2022): exchange u and v between their routes, each inserted at its
 * best place in the other route rather than in the other's old place. The three
 * cheapest places per job are found by cost in O(route length), then the
 * combinations are timed in order of cost until one is feasible.
 */
export class SwapStar {
  private readonly gapU = new Int32Array(TOP);
  private readonly costU = new Float64Array(TOP);
  private readonly gapV = new Int32Array(TOP);
  private readonly costV = new Float64Array(TOP);

  run(ctx: SearchContext, u: number, v: number): boolean {
    const s = ctx.solution;
    const p = ctx.problem;
    const ru = s.routeOf[u];
    const rv = s.routeOf[v];
    if (ru === rv || !ctx.movable(u) || !ctx.movable(v)) return false;
    const routeU = s.routes[ru];
    const routeV = s.routes[rv];
    if (!p.allCompatible) {
      const V = p.vehicleCount;
      if (p.compatible[u * V + routeV.vehicle] === 0 || p.compatible[v * V + routeU.vehicle] === 0) return false;
    }
    const pu = s.posOf[u];
    const pv = s.posOf[v];
    const removeU = removal(ctx, ru, pu);
    const removeV = removal(ctx, rv, pv);
    const nu = bestGaps(ctx, p.jobLocation[u], rv, pv, this.gapU, this.costU);
    // Inserting v costs at least 0 where travel obeys the triangle inequality:
    // skip the second scan when u's cheapest place already eats the savings.
    if (nu === 0 || removeU + removeV - this.costU[0] <= ctx.epsilon) return false;
    const nv = bestGaps(ctx, p.jobLocation[v], ru, pu, this.gapV, this.costV);
    const before = routeU.cost + routeV.cost;
    let bestEstimate = before - ctx.epsilon;
    let bi = -1;
    let bk = -1;
    // Try combinations cheapest first until one is feasible.
    for (let round = 0; round < nu * nv; round++) {
      bestEstimate = before - ctx.epsilon;
      bi = -1;
      for (let i = 0; i < nu; i++) {
        for (let k = 0; k < nv; k++) {
          if (this.costU[i] === Infinity || this.costV[k] === Infinity) continue;
          const est = before - removeU - removeV + this.costU[i] + this.costV[k];
          if (est < bestEstimate) {
            bestEstimate = est;
            bi = i;
            bk = k;
          }
        }
      }
      if (bi < 0) return false;
      const b = insertInto(ctx.b.clear(), rv, pv, this.gapU[bi], ru, pu, routeV.size);
      if (!b.feasible(routeV.vehicle)) {
        this.costU[bi] = Infinity;
        continue;
      }
      const a = insertInto(ctx.a.clear(), ru, pu, this.gapV[bk], rv, pv, routeU.size);
      if (!a.feasible(routeU.vehicle)) {
        this.costV[bk] = Infinity;
        continue;
      }
      return ctx.tryTwo(ru, rv);
    }
    return false;
  }
}

/** Cost saved by removing the job at position q of route r. */
function removal(ctx: SearchContext, r: number, q: number): number {
  const route = ctx.solution.routes[r];
  const C = ctx.problem.costs[route.vehicle];
  const side = ctx.problem.side;
  const loc = route.loc;
  return C[loc[q - 1] * side + loc[q]] + C[loc[q] * side + loc[q + 1]] - C[loc[q - 1] * side + loc[q + 1]];
}

/**
 * The TOP cheapest gaps of route r without its job at position out, for a job at
 * location l. Gap q means "after position q" (q = out − 1 is the hole left by the removed job).
 */
function bestGaps(ctx: SearchContext, l: number, r: number, out: number, gaps: Int32Array, costs: Float64Array): number {
  const route = ctx.solution.routes[r];
  const C = ctx.problem.costs[route.vehicle];
  const side = ctx.problem.side;
  const loc = route.loc;
  costs.fill(Infinity);
  gaps.fill(-1);
  for (let q = route.fixed; q <= route.size; q++) {
    if (q === out) continue;
    const a = loc[q];
    const b = q === out - 1 ? loc[out + 1] : loc[q + 1];
    const c = C[a * side + l] + C[l * side + b] - C[a * side + b];
    if (c >= costs[TOP - 1]) continue;
    let i = TOP - 1;
    while (i > 0 && costs[i - 1] > c) {
      costs[i] = costs[i - 1];
      gaps[i] = gaps[i - 1];
      i--;
    }
    costs[i] = c;
    gaps[i] = q;
  }
  let n = 0;
  while (n < TOP && gaps[n] >= 0) n++;
  return n;
}

/** Chain for route r without its job at position out, with the job at (rj, pj) inserted after position q. */
function insertInto(chain: Chain, r: number, out: number, q: number, rj: number, pj: number, size: number): Chain {
  if (q < out) return chain.add(r, 1, q).add(rj, pj, pj).add(r, q + 1, out - 1).add(r, out + 1, size);
  return chain.add(r, 1, out - 1).add(r, out + 1, q).add(rj, pj, pj).add(r, q + 1, size);
}
