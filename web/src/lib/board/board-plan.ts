import type { Role } from '$contract/auth.ts';
import type { PlanOut, PlanRoute, PlanStop, ReassignConflictCode } from '$contract/plan.ts';
import type { TimeWindow, VisitOut, VisitStatus } from '$contract/visit.ts';
import { todayIn } from '../replay/track.ts';

/**
 * Who opens the dispatch board: those who plan the team's day, and managers, who review it. Not
 * collectors: the API answers them with their own route only, and their day is on the wall.
 */
export const BOARD_USERS: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'manager'];

/** Statuses a dispatcher can still move, reorder, lock or cancel (server/plans/reassign-changes.ts `OPEN`). */
export const OPEN_STATUSES: ReadonlySet<VisitStatus> = new Set(['planned', 'assigned', 'en_route', 'arrived']);

/**
 * One colour per route, by the collector's place in the plan, shared by the list
 * and the map so a pin is found in its column at a glance. Picked to stay apart
 * on the dark theme and from the state colours of the wall.
 */
export const ROUTE_COLORS = ['#38bdf8', '#f472b6', '#a3e635', '#fb923c', '#c084fc', '#facc15', '#2dd4bf', '#f87171', '#818cf8', '#4ade80', '#e879f9', '#fcd34d'] as const;
export const UNASSIGNED_COLOR = '#94a3b8';

export function routeColor(index: number): string {
  return ROUTE_COLORS[index % ROUTE_COLORS.length];
}

/** Where a visit sits in a plan: on a collector's route (with its stop), or left unassigned. */
export type Placement = { collectorId: number; stop: PlanStop; index: number } | { collectorId: null; stop: null; index: number };

export function placementOf(plan: PlanOut, visitId: number): Placement | null {
  for (const route of plan.routes) {
    const index = route.stops.findIndex((s) => s.visitId === visitId);
    if (index >= 0) return { collectorId: route.collectorId, stop: route.stops[index], index };
  }
  const index = plan.unassigned.findIndex((u) => u.visitId === visitId);
  return index >= 0 ? { collectorId: null, stop: null, index } : null;
}

/**
 * Whether a stop is still open, by its status now: the board's `statusOf`, which follows the live
 * stream. The plan's copy of a status can be older (a visit done since the plan was made), and an
 * order built on it asked the server to place a visit already done.
 */
export type IsOpen = (stop: PlanStop) => boolean;

/** The route's visits still open, in the plan's order: the list a reorder speaks of. */
export function openVisitIds(route: PlanRoute, isOpen: IsOpen): number[] {
  return route.stops.filter(isOpen).map((s) => s.visitId);
}

/**
 * The route's open visits in the order the dispatcher asks for: `visitId` taken
 * out and put at `toIndex` (an index into the open visits, clamped). Visits
 * already done stay out of the request: the server keeps them where they are.
 */
export function reorderedIds(route: PlanRoute, isOpen: IsOpen, visitId: number, toIndex: number): number[] {
  const open = openVisitIds(route, isOpen);
  const from = open.indexOf(visitId);
  if (from < 0) return open;
  open.splice(from, 1);
  open.splice(Math.max(0, Math.min(toIndex, open.length)), 0, visitId);
  return open;
}

/** The visit's index among the route's open visits, the index `reorderedIds` speaks in (−1 when not open). */
export function openIndexOf(route: PlanRoute, isOpen: IsOpen, visitId: number): number {
  return openVisitIds(route, isOpen).indexOf(visitId);
}

/**
 * The open index (as `reorderedIds` takes it) that puts `visitId` just before
 * `beforeVisitId` on the route, or last when that is null: what a drop on a
 * card of the same column means. The visits done stand above the open ones
 * (`routeDay`), so a drop on one of them puts the visit first; on itself, it stays.
 */
export function dropIndex(route: PlanRoute, isOpen: IsOpen, visitId: number, beforeVisitId: number | null): number {
  const others = route.stops.filter((s) => isOpen(s) && s.visitId !== visitId);
  if (beforeVisitId === null) return others.length;
  if (beforeVisitId === visitId) return Math.max(0, openIndexOf(route, isOpen, visitId));
  const at = others.findIndex((s) => s.visitId === beforeVisitId);
  if (at >= 0) return at;
  const finished = route.stops.some((s) => s.visitId === beforeVisitId) || (route.done ?? []).some((d) => d.visitId === beforeVisitId);
  return finished ? 0 : others.length;
}

/** A visit of the route's day already done, missed or cancelled, and when (null: not known yet). */
export interface FinishedVisit {
  visitId: number;
  accountName: string;
  address: string;
  status: VisitStatus;
  window: TimeWindow | null;
  doneAtMs: number | null;
}

/**
 * A route's column, the collector's whole day: the visits finished, in the order they were done (the
 * plan's `done`, which a re-plan no longer routes, and the stops closed since it was made), then the
 * stops still open in the plan's order. `doneAtOf` is when a visit was done: the plan's word, else
 * what the live stream said since.
 */
export function routeDay(
  route: PlanRoute,
  statusOf: (stop: PlanStop) => VisitStatus,
  doneAtOf: (visitId: number, fromPlan: string | undefined) => number | null,
): { finished: FinishedVisit[]; open: PlanStop[] } {
  const finished: FinishedVisit[] = (route.done ?? []).map((d) => ({ ...d, doneAtMs: doneAtOf(d.visitId, d.doneAt) }));
  const open: PlanStop[] = [];
  for (const stop of route.stops) {
    const status = statusOf(stop);
    if (OPEN_STATUSES.has(status)) open.push(stop);
    else finished.push({ visitId: stop.visitId, accountName: stop.accountName, address: stop.address, status, window: stop.window, doneAtMs: doneAtOf(stop.visitId, stop.doneAt) });
  }
  // Stable: of two with no time yet, the plan's order.
  finished.sort((a, b) => (a.doneAtMs ?? Infinity) - (b.doneAtMs ?? Infinity));
  return { finished, open };
}

/**
 * Each visit's number in the collector's day, as the board's column and the collector's own list ("Tu ruta
 * de hoy", and their map's pins) show it, so "go to stop 3" means one visit to both: those closed (not
 * cancelled) in the order they closed, then the open ones in the plan's order. Not the plan's `sequence`,
 * which a re-plan restarts at its first open stop while an untouched route keeps counting its done ones.
 */
export function dayNumbers(day: { finished: readonly Pick<FinishedVisit, 'visitId' | 'status'>[]; open: readonly Pick<PlanStop, 'visitId'>[] }): Map<number, number> {
  const numbers = new Map<number, number>();
  for (const f of day.finished) if (f.status !== 'cancelled') numbers.set(f.visitId, numbers.size + 1);
  for (const s of day.open) numbers.set(s.visitId, numbers.size + 1);
  return numbers;
}

/** The visits the new plan took off a route and left unassigned (the re-plan could no longer hold them), with whose they were. */
export function droppedVisits(plan: PlanOut): { visitId: number; accountName: string; collectorName: string }[] {
  const names = new Map(plan.routes.map((r) => [r.collectorId, r.collectorName]));
  return plan.unassigned
    .filter((u) => u.fromCollectorId !== undefined)
    .map((u) => ({ visitId: u.visitId, accountName: u.accountName, collectorName: names.get(u.fromCollectorId!) ?? `#${u.fromCollectorId}` }));
}

/** Whether `incoming` (a live `plan` event or an answer) should replace what the board shows. */
export function isNewerPlan(current: PlanOut | null, incoming: PlanOut, teamId: number, date: string): boolean {
  if (incoming.teamId !== teamId || incoming.date !== date) return false;
  return current === null || incoming.version > current.version;
}

/**
 * Who made the change a 409 refers to, read from the server's message
 * ("visit 12 was changed by Dora Dispatcher (dispatcher) at 2030-…Z (it is now
 * version 4, …)", server/plans/reassign-changes.ts), so the board can say it in
 * the user's language. Null for the other conflicts (a visit no longer open…).
 */
export function conflictAuthor(message: string): { by: string; at: Date } | null {
  const m = /was changed by (.+) at (\d{4}-\d{2}-\d{2}T[\d:.]+Z) \(/.exec(message);
  if (!m) return null;
  const at = new Date(m[2]);
  return Number.isNaN(at.getTime()) ? null : { by: m[1], at };
}

/**
 * What a 409 answer to a board action means (server/contract/plan.ts `REASSIGN_CONFLICTS`):
 * `version`, someone changed the visit after the board read it (the only case that is another
 * person's edit winning); `closed`, the visit was finished or cancelled meanwhile; `not_on_route`,
 * it is no longer on the route the action named; `changed`, the day changed while the re-plan
 * was computed (a check-in, say). Null for a 409 without one of these (the day has no plan yet):
 * the server's own words are all there is to say.
 */
export type ConflictKind = ReassignConflictCode;
const CONFLICT_KINDS = ['version', 'closed', 'not_on_route', 'changed'] as const satisfies readonly ReassignConflictCode[];

export function conflictKind(reason: string | undefined): ConflictKind | null {
  return CONFLICT_KINDS.find((k) => k === reason) ?? null;
}

/** How a re-plan changed one route: metres driven and when the collector is back, later (+) or earlier (−). */
export interface RouteDelta {
  distanceM: number;
  endS: number;
}

/**
 * What the new version changed on each route it re-planned, against the
 * version the board showed before: the dispatcher sees the cost of a move at once.
 */
export function routeDeltas(before: PlanOut | null, after: PlanOut): Map<number, RouteDelta> {
  const deltas = new Map<number, RouteDelta>();
  if (!before) return deltas;
  for (const collectorId of after.changedCollectorIds) {
    const old = before.routes.find((r) => r.collectorId === collectorId);
    const now = after.routes.find((r) => r.collectorId === collectorId);
    if (!old || !now) continue;
    deltas.set(collectorId, { distanceM: now.distanceM - old.distanceM, endS: (Date.parse(now.end.at) - Date.parse(old.end.at)) / 1000 });
  }
  return deltas;
}

/** A visit still waiting for a collector: the unassigned column's and the map's hollow pins. */
export function isWaiting(v: VisitOut): boolean {
  return v.status === 'planned' && v.collectorId === null;
}

/**
 * The team's visits of the day by id: a GET /api/visits answer, corrected by the
 * live `visit` events, whichever is the newer version of each visit. The answer
 * may have been read before an event the board already applied (a visit created
 * meanwhile, one assigned, or one whose account moved to another team), and must
 * not undo it: a visit whose newest version is another team's or day's is not the
 * day's any more (the wall drops it alike, operations.svelte.ts `#putVisit`).
 */
export function newestOfDay(fetched: readonly VisitOut[], live: Iterable<VisitOut>, day: { teamId: number; date: string }): Map<number, VisitOut> {
  const newest = new Map(fetched.map((v) => [v.id, v]));
  for (const v of live) {
    const known = newest.get(v.id);
    if (!known || v.version > known.version) newest.set(v.id, v);
  }
  return new Map([...newest].filter(([, v]) => v.teamId === day.teamId && v.date === day.date));
}

/** The day's visits still waiting for a collector, by id (see newestOfDay). */
export function mergeWaiting(fetched: readonly VisitOut[], live: Iterable<VisitOut>, day: { teamId: number; date: string }): Map<number, VisitOut> {
  return new Map([...newestOfDay(fetched, live, day)].filter(([, v]) => isWaiting(v)));
}

/** A visit not yet reached this long after its planned start is late on the board. */
const LATE_AFTER_MS = 10 * 60_000;
const NOT_REACHED: ReadonlySet<VisitStatus> = new Set(['planned', 'assigned', 'en_route']);

/**
 * Whole minutes a visit is behind its planned start, or null when it is not late:
 * reached already (arrived, closed) or within LATE_AFTER_MS of the ETA. The plan's
 * ETAs are not rewritten as the day slips; this tells the dispatcher which ones did.
 */
export function lateMinutes(status: VisitStatus, etaMs: number, nowMs: number): number | null {
  if (!NOT_REACHED.has(status) || nowMs - etaMs < LATE_AFTER_MS) return null;
  return Math.floor((nowMs - etaMs) / 60_000);
}

/** `YYYY-MM-DD` of `at` in `timeZone`: the board opens on the team's today. */
export function localDate(timeZone: string, at: Date = new Date()): string {
  return todayIn(timeZone, at.getTime());
}
