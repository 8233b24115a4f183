import { twoOptStarDelta } from './delta.ts';
import type { SearchContext } from './context.ts';

/**
 * 2-opt* (Potvin & Rousseau 1995): exchange the tails of u's and v's routes so
 * that u is followed by v (then, symmetrically, v by u). Tails of unequal length
 * change route sizes, so a relaxed max tasks (solve.ts) is paid for here.
 */
export function twoOptStar(ctx: SearchContext, u: number, v: number): boolean {
  const s = ctx.solution;
  const ru = s.routeOf[u];
  const rv = s.routeOf[v];
  if (ru === rv) return false;
  const sizeU = s.routes[ru].size;
  const sizeV = s.routes[rv].size;
  const pu = s.posOf[u];
  const pv = s.posOf[v];
  // u → v: U keeps 1..pu then V's pv..; V keeps 1..pv-1 then U's pu+1..
  const closed = ctx.closedForm;
  const penaltyUV = s.excessCost(ru, pu + sizeV - pv + 1) + s.excessCost(rv, pv - 1 + sizeU - pu);
  if (pu >= s.routes[ru].fixed && pv - 1 >= s.routes[rv].fixed && (!closed || twoOptStarDelta(ctx, ru, pu, rv, pv - 1) + penaltyUV < -ctx.epsilon)) {
    ctx.a.clear().add(ru, 1, pu).add(rv, pv, sizeV);
    ctx.b.clear().add(rv, 1, pv - 1).add(ru, pu + 1, sizeU);
    if (closed ? ctx.commitTwo(ru, rv) : ctx.tryTwo(ru, rv)) return true;
  }
  // v → u: V keeps 1..pv then U's pu..; U keeps 1..pu-1 then V's pv+1..
  const penaltyVU = s.excessCost(ru, pu - 1 + sizeV - pv) + s.excessCost(rv, pv + sizeU - pu + 1);
  if (pv >= s.routes[rv].fixed && pu - 1 >= s.routes[ru].fixed && (!closed || twoOptStarDelta(ctx, ru, pu - 1, rv, pv) + penaltyVU < -ctx.epsilon)) {
    ctx.a.clear().add(ru, 1, pu - 1).add(rv, pv + 1, sizeV);
    ctx.b.clear().add(rv, 1, pv).add(ru, pu, sizeU);
    if (closed ? ctx.commitTwo(ru, rv) : ctx.tryTwo(ru, rv)) return true;
  }
  return false;
}
