import { relocateDelta } from './delta.ts';
import type { SearchContext } from './context.ts';

/**
 * Relocate and or-opt (Or 1976): move the segment of 1–3 jobs starting at u,
 * as is or reversed, right after or right before its neighbour v, within u's
 * route or into v's route.
 */
export function relocate(ctx: SearchContext, u: number, v: number): boolean {
  const s = ctx.solution;
  const ru = s.routeOf[u];
  const rv = s.routeOf[v];
  const routeU = s.routes[ru];
  const routeV = s.routes[rv];
  const pu = s.posOf[u];
  const pv = s.posOf[v];
  if (pu <= routeU.fixed) return false;
  const closed = ctx.closedForm;
  for (let len = 1; len <= 3; len++) {
    const end = pu + len - 1;
    if (end > routeU.size) return false;
    if (ru === rv && pv >= pu && pv <= end) return false;
    if (ru !== rv && !ctx.hasRoom(rv, len)) return false;
    const costU = ru !== rv && !closed ? ctx.a.clear().add(ru, 1, pu - 1).add(ru, end + 1, routeU.size).cost(routeU.vehicle) : 0;
    const penalty = ru === rv ? 0 : s.excessCost(ru, routeU.size - len) + s.excessCost(rv, routeV.size + len);
    for (let rev = 0; rev < (len === 1 ? 1 : 2); rev++) {
      for (let side = 0; side < 2; side++) {
        const q = side === 0 ? pv : pv - 1; // insert after position q
        if (q < routeV.fixed) continue;
        if (ru === rv && q >= pu - 1 && q <= end) continue;
        if (closed && !(relocateDelta(ctx, ru, pu, end, rev === 1, rv, q) + penalty < -ctx.epsilon)) continue;
        if (ru !== rv) {
          if (closed) ctx.a.clear().add(ru, 1, pu - 1).add(ru, end + 1, routeU.size);
          ctx.b.clear().add(rv, 1, q).add(ru, pu, end, rev === 1).add(rv, q + 1, routeV.size);
          if (closed ? ctx.commitTwo(ru, rv) : ctx.tryTwo(ru, rv, costU)) return true;
        } else {
          const a = ctx.a.clear();
          if (q < pu) a.add(ru, 1, q).add(ru, pu, end, rev === 1).add(ru, q + 1, pu - 1).add(ru, end + 1, routeU.size);
          else a.add(ru, 1, pu - 1).add(ru, end + 1, q).add(ru, pu, end, rev === 1).add(ru, q + 1, routeU.size);
          if (closed ? ctx.commitOne(ru) : ctx.tryOne(ru)) return true;
        }
      }
    }
  }
  return false;
}

/** Moves u into an empty route of each vehicle class (at most one try per class). */
export function relocateToEmpty(ctx: SearchContext, u: number, seen: Uint8Array): boolean {
  const s = ctx.solution;
  const p = ctx.problem;
  const ru = s.routeOf[u];
  const routeU = s.routes[ru];
  const pu = s.posOf[u];
  if (pu <= routeU.fixed) return false;
  seen.fill(0);
  for (let r = 0; r < s.routes.length; r++) {
    const route = s.routes[r];
    const cls = p.vehicleClass[route.vehicle];
    if (route.size > 0 || r === ru || seen[cls] === 1 || !ctx.hasRoom(r, 1)) continue;
    if (p.compatible[u * p.vehicleCount + route.vehicle] === 0) continue;
    seen[cls] = 1;
    ctx.a.clear().add(ru, 1, pu - 1).add(ru, pu + 1, routeU.size);
    ctx.b.clear().add(ru, pu, pu);
    if (ctx.tryTwo(ru, r)) return true;
  }
  return false;
}
