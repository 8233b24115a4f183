import { twoOptDelta } from './delta.ts';
import type { SearchContext } from './context.ts';

/**
 * 2-opt (Croes 1958) within one route, the two reversals that make u and v
 * adjacent (u first, v second position-wise: lo < hi):
 * reverse lo+1..hi (drops lo→lo+1 and hi→hi+1), or reverse lo..hi−1 (drops
 * lo−1→lo and hi−1→hi).
 */
export function twoOpt(ctx: SearchContext, u: number, v: number): boolean {
  const s = ctx.solution;
  const ru = s.routeOf[u];
  if (ru !== s.routeOf[v]) return false;
  const route = s.routes[ru];
  const lo = Math.min(s.posOf[u], s.posOf[v]);
  const hi = Math.max(s.posOf[u], s.posOf[v]);
  if (hi === lo + 1) return false;
  const closed = ctx.closedForm;
  if (lo >= route.fixed && (!closed || twoOptDelta(ctx, ru, lo + 1, hi) < -ctx.epsilon)) {
    ctx.a.clear().add(ru, 1, lo).add(ru, lo + 1, hi, true).add(ru, hi + 1, route.size);
    if (closed ? ctx.commitOne(ru) : ctx.tryOne(ru)) return true;
  }
  if (lo - 1 >= route.fixed && (!closed || twoOptDelta(ctx, ru, lo, hi - 1) < -ctx.epsilon)) {
    ctx.a.clear().add(ru, 1, lo - 1).add(ru, lo, hi - 1, true).add(ru, hi, route.size);
    if (closed ? ctx.commitOne(ru) : ctx.tryOne(ru)) return true;
  }
  return false;
}
