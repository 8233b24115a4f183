import { exchangeDelta } from './delta.ts';
import type { SearchContext } from './context.ts';

/** Exchange (swap) jobs u and v, within a route or between two routes. */
export function exchange(ctx: SearchContext, u: number, v: number): boolean {
  const s = ctx.solution;
  if (!ctx.movable(u) || !ctx.movable(v)) return false;
  const ru = s.routeOf[u];
  const rv = s.routeOf[v];
  const pu = s.posOf[u];
  const pv = s.posOf[v];
  if (ru !== rv) {
    if (ctx.closedForm && !(exchangeDelta(ctx, ru, pu, rv, pv) < -ctx.epsilon)) return false;
    ctx.a.clear().add(ru, 1, pu - 1).add(rv, pv, pv).add(ru, pu + 1, s.routes[ru].size);
    ctx.b.clear().add(rv, 1, pv - 1).add(ru, pu, pu).add(rv, pv + 1, s.routes[rv].size);
    return ctx.closedForm ? ctx.commitTwo(ru, rv) : ctx.tryTwo(ru, rv);
  }
  const lo = Math.min(pu, pv);
  const hi = Math.max(pu, pv);
  ctx.a.clear().add(ru, 1, lo - 1).add(ru, hi, hi).add(ru, lo + 1, hi - 1).add(ru, lo, lo).add(ru, hi + 1, s.routes[ru].size);
  return ctx.tryOne(ru);
}
