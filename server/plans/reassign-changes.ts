import { sql, type Transaction } from 'kysely';
import { PLAN_REFUSALS, type ReassignConflictCode, type ReassignRequest, type UnassignedReasonCode } from '../contract/plan.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import { VISIT_TRANSITIONS } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { actorLabel, assertCanWrite, type Actor } from '../operations/actor.ts';
import { notFound, refusal } from '../operations/errors.ts';
import { assertTransition } from '../operations/visit.service.ts';
import { minutesToHhmm } from './local-time.ts';
import type { ComputedPlan } from './plan-builder.ts';
import { loadOpenVisits, setVisitFlags } from './plan.repository.ts';
import { currentOrder, type PlanningVisit } from './planning-problem.ts';

export interface AppliedChanges {
  /** Collectors whose route must be re-planned. */
  affected: Set<number>;
  /** Visits moved to another collector: construction places them in their new route. */
  moved: Set<number>;
  /** Of the moved visits, the collector each was taken from (for their own live stream). */
  takenFrom: Map<number, number>;
  cancelled: Set<number>;
  /** A dispatcher's order for a collector, kept as given (its visits still open). */
  orders: Map<number, number[]>;
}

const OPEN = new Set(['planned', 'assigned', 'en_route', 'arrived']);

/** A 409 with its `reason`, for the board to say what happened rather than blame another dispatcher. */
const outdated = (message: string, reason: ReassignConflictCode) => refusal(PLAN_REFUSALS, reason, message, {});

/** A collector a plan names that is not an active one of the team: as unknown as one that does not exist. */
export const notActiveCollector = (collectorId: number, teamId: number) =>
  refusal(REQUEST_REFUSALS, 'collector_not_found', `active collector ${collectorId} of team ${teamId} does not exist`, { collectorId, teamId });

/**
 * Applies a dispatcher's reassignment inside `tx` (issue 4), the caller's
 * transaction, so that the changes and the plan that follows them commit
 * together. Moves and cancels carry the version the dispatcher saw; the rows
 * are locked, so of two dispatchers moving the same visit at once the second
 * waits, then finds a newer version and gets a 409 naming who changed it.
 */
export async function applyReassign(tx: Transaction<Database>, teamId: number, date: string, req: ReassignRequest, actor: Actor): Promise<AppliedChanges> {
  const moves = req.moves ?? [];
  const cancels = req.cancel ?? [];
  const locks = req.lock ?? [];
  const versioned = [...moves.map((m) => m.visitId), ...cancels.map((c) => c.visitId)];
  const dup = versioned.find((id, i) => versioned.indexOf(id) !== i);
  if (dup !== undefined) throw refusal(PLAN_REFUSALS, 'visit_repeated', `visit ${dup} is moved or cancelled more than once in one request`, { visitId: dup });
  const ids = [...new Set([...versioned, ...locks, ...(req.reorder?.visitIds ?? [])])];
  if (ids.length === 0) throw refusal(PLAN_REFUSALS, 'nothing_to_change', 'nothing to change: send moves, reorder, lock or cancel', {});
  const movedVisitId = req.reorder?.movedVisitId;
  if (movedVisitId !== undefined && !req.reorder!.visitIds.includes(movedVisitId)) throw refusal(PLAN_REFUSALS, 'moved_visit_not_reordered', `the reorder's moved visit ${movedVisitId} is not one of its visits`, { visitId: movedVisitId });
  assertCanWrite(actor, teamId);

  const rows = await tx
    .selectFrom('visits')
    .select(['id', 'team_id', 'collector_id', 'status', 'version', 'updated_by', 'updated_at', sql<string>`to_char(visit_date, 'YYYY-MM-DD')`.as('date')])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  const byId = new Map(rows.map((r) => [r.id, { ...r }]));
  for (const id of ids) {
    const r = byId.get(id);
    if (!r || r.team_id !== teamId) throw notFound('visit', id);
    if (r.date !== date) throw refusal(PLAN_REFUSALS, 'visit_of_other_date', `visit ${id} is planned for ${r.date}, not ${date}`, { visitId: id, date: r.date });
  }
  const stale = (id: number, version: number) => {
    const r = byId.get(id)!;
    if (r.version === version) return;
    throw outdated(
      `visit ${id} was changed by ${r.updated_by} at ${new Date(r.updated_at).toISOString()} (it is now version ${r.version}, your change was made on version ${version}); reload the plan and try again`,
      'version',
    );
  };
  const collectorIds = [...new Set([...moves.map((m) => m.toCollectorId), ...(req.reorder ? [req.reorder.collectorId] : [])])];
  // FOR SHARE: a collector being deactivated or moved (collector-change.ts) takes no visit until that is settled.
  const active = collectorIds.length
    ? new Set((await tx.selectFrom('collectors').select('id').where('id', 'in', collectorIds).where('team_id', '=', teamId).where('active', '=', true).forShare().execute()).map((c) => c.id))
    : new Set<number>();
  for (const c of collectorIds) if (!active.has(c)) throw notActiveCollector(c, teamId);

  const out: AppliedChanges = { affected: new Set(), moved: new Set(), takenFrom: new Map(), cancelled: new Set(), orders: new Map() };
  const by = actorLabel(actor);
  const now = new Date();
  for (const m of moves) {
    stale(m.visitId, m.version);
    const r = byId.get(m.visitId)!;
    if (VISIT_TRANSITIONS[r.status].length === 0) throw outdated(`visit ${m.visitId} is ${r.status}; it can no longer be reassigned`, 'closed');
    if (r.collector_id === m.toCollectorId) continue;
    if (r.collector_id !== null) {
      out.affected.add(r.collector_id);
      out.takenFrom.set(m.visitId, r.collector_id);
    }
    out.affected.add(m.toCollectorId);
    out.moved.add(m.visitId);
    // A visit under way may move (issue 5): it starts again from "assigned" with its new collector.
    await tx
      .updateTable('visits')
      .set({ collector_id: m.toCollectorId, status: 'assigned', version: sql`version + 1`, updated_by: by, updated_at: now })
      .where('id', '=', m.visitId)
      .execute();
    // The dispatcher chose this collector: later optimizations keep it there; a lock on the old route no longer applies.
    await setVisitFlags(tx, m.visitId, { pinned: true, locked: false });
    r.collector_id = m.toCollectorId;
    r.status = 'assigned';
  }
  for (const c of cancels) {
    stale(c.visitId, c.version);
    const r = byId.get(c.visitId)!;
    if (VISIT_TRANSITIONS[r.status].length === 0) throw outdated(`visit ${c.visitId} is ${r.status}; it can no longer be cancelled`, 'closed');
    assertTransition(c.visitId, r.status, 'cancelled');
    if (r.collector_id !== null) out.affected.add(r.collector_id);
    out.cancelled.add(c.visitId);
    await tx.updateTable('visits').set({ status: 'cancelled', version: sql`version + 1`, updated_by: by, updated_at: now }).where('id', '=', c.visitId).execute();
    r.status = 'cancelled';
  }
  for (const id of locks) {
    const r = byId.get(id)!;
    if (!OPEN.has(r.status)) throw outdated(`visit ${id} is ${r.status}; only a visit on a route can be locked`, 'closed');
    if (r.collector_id === null) throw outdated(`visit ${id} is on no route; only a visit on a route can be locked`, 'not_on_route');
    out.affected.add(r.collector_id);
    await setVisitFlags(tx, id, { locked: true });
  }
  if (req.reorder) {
    const { collectorId, visitIds } = req.reorder;
    for (const id of visitIds) {
      if (byId.get(id)!.collector_id !== collectorId) throw outdated(`visit ${id} is not on collector ${collectorId}'s route; move it there first`, 'not_on_route');
    }
    // A visit done since the dispatcher's board drew the route is history, not part of the order: passed
    // over, not refused as a conflict (a board a moment behind could not reorder the route at all).
    const listed = visitIds.filter((id) => OPEN.has(byId.get(id)!.status));
    out.affected.add(collectorId);
    if (listed.length > 0) {
      out.orders.set(collectorId, listed);
      // The order outlives this re-plan: the visit it moved is locked in its new place, so the next change to
      // the route (a visit moved onto it, say) keeps it and every visit before it where the dispatcher put them.
      const open = (await loadOpenVisits(tx, teamId, date, [collectorId], false)).filter((v) => !out.moved.has(v.id));
      const anchor = reorderAnchor(currentOrder(open).order.map((v) => v.id), listed, movedVisitId);
      if (anchor !== null) await setVisitFlags(tx, anchor, { locked: true });
    }
  }
  return out;
}

/**
 * The visit a dispatcher's order moved, to lock in its new place (a locked visit keeps its place with
 * every visit before it, planning-problem.ts `currentOrder`): one whose removal leaves the route's order
 * as it was, `moved` (the one the dispatcher named) when it is such a visit, else the later of two
 * (swapped neighbours: either moved). An order that moved several visits at once gives the last place it
 * changed. Null when the order changes nothing. `given` may list only the first visits: the others
 * follow in their current order.
 */
export function reorderAnchor(current: readonly number[], given: readonly number[], moved?: number): number | null {
  const listed = new Set(given);
  const after = [...given, ...current.filter((id) => !listed.has(id))];
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((id, i) => id === b[i]);
  if (same(after, current)) return null;
  const explains = (id: number) => same(after.filter((x) => x !== id), current.filter((x) => x !== id));
  if (moved !== undefined && listed.has(moved) && explains(moved)) return moved;
  for (let i = after.length - 1; i >= 0; i--) if (explains(after[i])) return after[i];
  for (let i = after.length - 1; i >= 0; i--) if (after[i] !== current[i]) return after[i];
  return null;
}

const WHY_NOT: Record<UnassignedReasonCode, string> = {
  skill: 'the collector lacks the skills it needs',
  window: 'the collector cannot reach it within its window and the shift',
  capacity: 'it exceeds what the collector can carry',
  max_tasks: 'the collector takes no more visits',
  shift_full: "it does not fit in the collector's shift beside the visits they keep",
  no_location: 'its account has no location',
  no_collector: 'no collector can take it',
};

/**
 * A dispatcher's explicit change that the re-plan could not keep is refused (422, with the
 * cause as `reason`), not stored: a moved visit left on no route or pushing another off its new
 * one, a locked one moved off its place, an order whose windows cannot all be met (kept as given,
 * it emptied the rest of the day).
 */
export function assertChangesKept(req: ReassignRequest, computed: ComputedPlan, visits: readonly PlanningVisit[]): void {
  const left = new Map(computed.unassigned.map((u) => [u.visit.id, u.reason]));
  for (const m of req.moves ?? []) {
    const reason = left.get(m.visitId);
    if (reason) throw refusal(PLAN_REFUSALS, reason, `visit ${m.visitId} cannot go to collector ${m.toCollectorId}: ${WHY_NOT[reason]}`, {});
  }
  // No other visit gives way to a moved one: a visit the receiving route held in the plan that the re-plan
  // leaves out means the route has no room for the move. (Left out of a route that only gave a visit away,
  // it no longer fit there anyway: the day ran late. Refusing would leave a late collector's day beyond relief,
  // as every move off it would be refused; the plan names it instead, UnassignedVisit `fromCollectorId`.)
  const receiving = new Map((req.moves ?? []).map((m) => [m.toCollectorId, m.visitId]));
  const moved = new Set((req.moves ?? []).map((m) => m.visitId));
  for (const { visit, reason } of computed.unassigned) {
    const incoming = visit.collectorId === null ? undefined : receiving.get(visit.collectorId);
    if (incoming === undefined || moved.has(visit.id) || visit.sequence === null) continue;
    throw refusal(PLAN_REFUSALS, reason, `visit ${incoming} cannot go to collector ${visit.collectorId}: visit ${visit.id} would have to leave the route (${WHY_NOT[reason]})`, {});
  }
  for (const id of req.lock ?? []) {
    const reason = left.get(id);
    if (reason) throw refusal(PLAN_REFUSALS, reason, `visit ${id} cannot be locked where it is: ${WHY_NOT[reason]}`, {});
  }
  if (req.reorder) {
    const { collectorId } = req.reorder;
    // The visits of the order still open (applyReassign passes over those done meanwhile), as the re-plan kept them.
    const open = new Set(visits.map((v) => v.id));
    const visitIds = req.reorder.visitIds.filter((id) => open.has(id));
    const stops = computed.routes.get(collectorId)?.stops ?? [];
    const at = visitIds.findIndex((id, i) => stops[i]?.visitId !== id);
    if (at >= 0) {
      const v = visits.find((x) => x.id === visitIds[at]);
      const window = v && v.windowStartMin !== null && v.windowEndMin !== null ? `within its window ${minutesToHhmm(v.windowStartMin)}–${minutesToHhmm(v.windowEndMin)}` : 'before the end of the shift';
      throw refusal(PLAN_REFUSALS, 'window', `that order cannot be kept: visit ${visitIds[at]}, at place ${at + 1}, would not be reached ${window}`, {});
    }
  }
}
