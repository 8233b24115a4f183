import { crossDelta } from './delta.ts';
import type { SearchContext } from './context.ts';

/**
 * CROSS-exchange (Taillard et al. 1997): swap the segment of 1–3 jobs starting
 * at u with the segment of 1–3 jobs starting at v, between two routes (the 1–1
 * case is left to exchange).
 */
export function crossExchange(ctx: SearchContext, u: number, v: number): boolean {
  const s = ctx.solution;
  const ru = s.routeOf[u];
  const rv = s.routeOf[v];
  if (ru === rv || !ctx.movable(u) || !ctx.movable(v)) return false;
  const sizeU = s.routes[ru].size;
  const sizeV = s.routes[rv].size;
  const pu = s.posOf[u];
  const pv = s.posOf[v];
  for (let lu = 1; lu <= 3 && pu + lu - 1 <= sizeU; lu++) {
    for (let lv = 1; lv <= 3 && pv + lv - 1 <= sizeV; lv++) {
      if ((lu === 1 && lv === 1) || (lv > lu && !ctx.hasRoom(ru, lv - lu)) || (lu > lv && !ctx.hasRoom(rv, lu - lv))) continue;
      const eu = pu + lu - 1;
      const ev = pv + lv - 1;
      const penalty = lu === lv ? 0 : s.excessCost(ru, sizeU - lu + lv) + s.excessCost(rv, sizeV - lv + lu);
      if (ctx.closedForm && !(crossDelta(ctx, ru, pu, eu, rv, pv, ev) + penalty < -ctx.epsilon)) continue;
      ctx.a.clear().add(ru, 1, pu - 1).add(rv, pv, ev).add(ru, eu + 1, sizeU);
      ctx.b.clear().add(rv, 1, pv - 1).add(ru, pu, eu).add(rv, ev + 1, sizeV);
      if (ctx.closedForm ? ctx.commitTwo(ru, rv) : ctx.tryTwo(ru, rv)) return true;
    }
  }
  return false;
}
