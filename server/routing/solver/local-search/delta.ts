import type { Route } from '../solution/route.ts';
import type { SearchContext } from './context.ts';

/**
 * Closed-form cost changes of the common moves: the arcs a move drops and adds
 * plus prefix sums for the pieces it keeps (or reverses). They give the same
 * figure as costing the moved routes as chains, with a handful of reads instead
 * of a walk over every piece, which matters because most candidate moves are
 * rejected on cost alone. Valid only when ctx.closedForm holds: with breaks a
 * location is carried past a break, and with several cost matrices a moved
 * piece costs what its new vehicle pays.
 */

/** Cost of driving positions i..j of a route (i ≤ j), forward or backward. */
function inner(route: Route, i: number, j: number, reversed: boolean): number {
  return reversed ? route.revCost[j] - route.revCost[i] : route.cumCost[j] - route.cumCost[i];
}

/**
 * Relocate (or-opt): positions pu..end of route ru, as is or reversed, inserted
 * after position q of route rv (rv may be ru, with q outside pu−1..end).
 */
export function relocateDelta(ctx: SearchContext, ru: number, pu: number, end: number, reversed: boolean, rv: number, q: number): number {
  const U = ctx.solution.routes[ru].loc;
  const V = ctx.solution.routes[rv].loc;
  const routeU = ctx.solution.routes[ru];
  const first = reversed ? U[end] : U[pu];
  const last = reversed ? U[pu] : U[end];
  const removed = ctx.arc(U[pu - 1], U[end + 1]) - ctx.arc(U[pu - 1], U[pu]) - ctx.arc(U[end], U[end + 1]) - inner(routeU, pu, end, false);
  const inserted = ctx.arc(V[q], first) + inner(routeU, pu, end, reversed) + ctx.arc(last, V[q + 1]) - ctx.arc(V[q], V[q + 1]);
  return removed + inserted;
}

/** Swap of the single jobs at pu (route ru) and pv (route rv), ru ≠ rv. */
export function exchangeDelta(ctx: SearchContext, ru: number, pu: number, rv: number, pv: number): number {
  const U = ctx.solution.routes[ru].loc;
  const V = ctx.solution.routes[rv].loc;
  return (
    ctx.arc(U[pu - 1], V[pv]) + ctx.arc(V[pv], U[pu + 1]) - ctx.arc(U[pu - 1], U[pu]) - ctx.arc(U[pu], U[pu + 1]) +
    ctx.arc(V[pv - 1], U[pu]) + ctx.arc(U[pu], V[pv + 1]) - ctx.arc(V[pv - 1], V[pv]) - ctx.arc(V[pv], V[pv + 1])
  );
}

/** CROSS-exchange of positions pu..eu of route ru with pv..ev of route rv (ru ≠ rv): the inner costs cancel. */
export function crossDelta(ctx: SearchContext, ru: number, pu: number, eu: number, rv: number, pv: number, ev: number): number {
  const U = ctx.solution.routes[ru].loc;
  const V = ctx.solution.routes[rv].loc;
  return (
    ctx.arc(U[pu - 1], V[pv]) + ctx.arc(V[ev], U[eu + 1]) - ctx.arc(U[pu - 1], U[pu]) - ctx.arc(U[eu], U[eu + 1]) +
    ctx.arc(V[pv - 1], U[pu]) + ctx.arc(U[eu], V[ev + 1]) - ctx.arc(V[pv - 1], V[pv]) - ctx.arc(V[ev], V[ev + 1])
  );
}

/** Driving from location `at` through positions from..size of a route, then to location `end`. */
function tail(ctx: SearchContext, route: Route, from: number, at: number, end: number): number {
  const n = route.size;
  if (from > n) return ctx.arc(at, end);
  return ctx.arc(at, route.loc[from]) + route.cumCost[n] - route.cumCost[from] + ctx.arc(route.loc[n], end);
}

/** 2-opt*: route ru keeps 1..ku then rv's kv+1.., route rv keeps 1..kv then ru's ku+1.. (ru ≠ rv). */
export function twoOptStarDelta(ctx: SearchContext, ru: number, ku: number, rv: number, kv: number): number {
  const routeU = ctx.solution.routes[ru];
  const routeV = ctx.solution.routes[rv];
  const endU = routeU.loc[routeU.size + 1];
  const endV = routeV.loc[routeV.size + 1];
  const a = routeU.cumCost[ku] + tail(ctx, routeV, kv + 1, routeU.loc[ku], endU);
  const b = routeV.cumCost[kv] + tail(ctx, routeU, ku + 1, routeV.loc[kv], endV);
  return a + b - routeU.cost - routeV.cost;
}

/** 2-opt: positions i..j of route r reversed. */
export function twoOptDelta(ctx: SearchContext, r: number, i: number, j: number): number {
  const route = ctx.solution.routes[r];
  const L = route.loc;
  return ctx.arc(L[i - 1], L[j]) + ctx.arc(L[i], L[j + 1]) - ctx.arc(L[i - 1], L[i]) - ctx.arc(L[j], L[j + 1]) +
    inner(route, i, j, true) - inner(route, i, j, false);
}
