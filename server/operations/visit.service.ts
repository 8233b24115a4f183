import { sql, type Kysely, type Transaction } from 'kysely';
import { visitStatusAfter, type CheckinOutcome } from '../contract/checkin.ts';
import type { LiveVisit } from '../contract/live.ts';
import type { ReassignConflictCode } from '../contract/plan.ts';
import { VISIT_REFUSALS, VISIT_TRANSITIONS, type CreateVisit, type VisitOut, type VisitPatch, type VisitStatus } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import type { VisitTable } from '../db/tables/visit.table.ts';
import { actorLabel, assertCanWriteRecord, readsTeam, type Actor } from './actor.ts';
import { notFound, refusal } from './errors.ts';
import { getVisit, hhmmToMinutes } from './visit.repository.ts';
import { visitPriority } from './visit-priority.ts';

type Tx = Transaction<Database>;

export function assertTransition(id: number, from: VisitStatus, to: VisitStatus): void {
  if (VISIT_TRANSITIONS[from].includes(to)) return;
  const allowed = VISIT_TRANSITIONS[from];
  throw refusal(VISIT_REFUSALS, 'transition_not_allowed', `visit ${id} is ${from}; it cannot become ${to} (${allowed.length ? `allowed: ${allowed.join(', ')}` : `${from} is final`})`, { visitId: id, from, to });
}

function windowColumns(w: { start: string; end: string } | null | undefined) {
  if (w === undefined) return {};
  if (w === null) return { window_start_min: null, window_end_min: null };
  const start = hhmmToMinutes(w.start);
  const end = hhmmToMinutes(w.end);
  if (end <= start) throw refusal(VISIT_REFUSALS, 'window_ends_before_start', `time window ${w.start}–${w.end} ends before it starts`, {});
  return { window_start_min: start, window_end_min: end };
}

/** A collector may take a team's visit only if active and in that team; one the actor cannot see is as unknown as a missing one. */
async function assertCollector(tx: Tx, collectorId: number, teamId: number, actor: Actor): Promise<void> {
  // FOR SHARE: a deactivation or move in progress (collector-change.ts) counts this collector's visits; wait for it.
  const c = await tx.selectFrom('collectors').select(['team_id', 'active']).where('id', '=', collectorId).forShare().executeTakeFirst();
  if (!c || !c.active || (actor.kind === 'user' && !readsTeam(actor.user, c.team_id))) throw notFound('collector', collectorId);
  if (c.team_id !== teamId) throw refusal(VISIT_REFUSALS, 'collector_of_other_team', `collector ${collectorId} is not in team ${teamId}`, { collectorId, teamId });
}

export async function computedPriority(db: Kysely<Database> | Tx, accountId: number, now = new Date()): Promise<number> {
  const a = await db
    .selectFrom('accounts')
    .select(['balance_due', 'days_past_due', 'broken_promises', 'last_contact_at'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return visitPriority({ balanceDue: a.balance_due, daysPastDue: a.days_past_due, brokenPromises: a.broken_promises, lastContactAt: a.last_contact_at, now });
}

export async function createVisit(db: Kysely<Database>, input: CreateVisit, actor: Actor): Promise<VisitOut> {
  return db.transaction().execute(async (tx) => {
    const account = await tx.selectFrom('accounts').select(['id', 'team_id']).where('id', '=', input.accountId).executeTakeFirst();
    if (!account) throw notFound('account', input.accountId);
    assertCanWriteRecord(actor, account.team_id, 'account', input.accountId);
    const collectorId = input.collectorId ?? null;
    if (collectorId !== null) await assertCollector(tx, collectorId, account.team_id, actor);
    const row = await tx
      .insertInto('visits')
      .values({
        account_id: account.id,
        team_id: account.team_id,
        collector_id: collectorId,
        visit_date: input.date,
        priority: input.priority ?? (await computedPriority(tx, account.id)),
        priority_override: input.priority !== undefined,
        ...windowColumns(input.window),
        service_minutes: input.serviceMinutes,
        status: collectorId === null ? 'planned' : 'assigned',
        updated_by: actorLabel(actor),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return getVisit(tx, row.id);
  });
}

/**
 * Optimistic concurrency (issue 5): every change names the version it was
 * made from. The row is locked, so of two dispatchers sending the same
 * version at once the second waits, then finds a newer version and is told
 * who changed it.
 */
async function changeVisit(
  db: Kysely<Database>,
  id: number,
  version: number,
  actor: Actor,
  change: (current: { status: VisitStatus; team_id: number; collector_id: number | null; account_id: number }, tx: Tx) => Promise<Partial<Record<keyof VisitTable, unknown>>>,
): Promise<LiveVisit> {
  return db.transaction().execute(async (tx) => {
    const cur = await tx
      .selectFrom('visits')
      .select(['status', 'team_id', 'collector_id', 'account_id', 'version', 'updated_by', 'updated_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!cur) throw notFound('visit', id);
    assertCanWriteRecord(actor, cur.team_id, 'visit', id);
    if (cur.version !== version) {
      throw refusal(
        VISIT_REFUSALS,
        // The codes a board already words for the same conflicts met by a plan change (REASSIGN_CONFLICTS).
        'version' satisfies ReassignConflictCode,
        `visit ${id} was changed by ${cur.updated_by} at ${new Date(cur.updated_at).toISOString()} (it is now version ${cur.version}, your change was made on version ${version}); reload the visit and try again`,
        { visitId: id, version: cur.version },
      );
    }
    const set = await change(cur, tx);
    await tx
      .updateTable('visits')
      .set({ ...(set as object), version: sql`version + 1`, updated_by: actorLabel(actor), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    return withFormer(await getVisit(tx, id), cur.collector_id);
  });
}

/** The visit, naming the collector it was taken from when that changed (LiveVisit). */
export function withFormer(visit: VisitOut, before: number | null | undefined): LiveVisit {
  return before != null && before !== visit.collectorId ? { ...visit, formerCollectorId: before } : visit;
}

export function reassignVisit(db: Kysely<Database>, id: number, collectorId: number | null, version: number, actor: Actor): Promise<LiveVisit> {
  return changeVisit(db, id, version, actor, async (cur, tx) => {
    if (VISIT_TRANSITIONS[cur.status].length === 0) throw refusal(VISIT_REFUSALS, 'closed' satisfies ReassignConflictCode, `visit ${id} is ${cur.status}; it can no longer be reassigned`, { visitId: id, from: cur.status });
    if (collectorId !== null) await assertCollector(tx, collectorId, cur.team_id, actor);
    // A visit under way may move to another collector: it starts again from "assigned".
    return { collector_id: collectorId, status: collectorId === null ? 'planned' : 'assigned' };
  });
}

export function cancelVisit(db: Kysely<Database>, id: number, version: number, note: string | undefined, actor: Actor): Promise<LiveVisit> {
  return changeVisit(db, id, version, actor, async (cur) => {
    assertTransition(id, cur.status, 'cancelled');
    return { status: 'cancelled', ...(note !== undefined ? { note } : {}) };
  });
}

export function transitionVisit(db: Kysely<Database>, id: number, to: VisitStatus, version: number, outcome: CheckinOutcome | null | undefined, actor: Actor): Promise<LiveVisit> {
  return changeVisit(db, id, version, actor, async (cur) => {
    if (outcome != null && visitStatusAfter(outcome) !== to) {
      throw refusal(VISIT_REFUSALS, 'outcome_not_for_status', `a visit ${to} has no outcome ${outcome}: ${outcome} ends a visit ${visitStatusAfter(outcome)}`, { status: to, outcome });
    }
    assertTransition(id, cur.status, to);
    if (to === 'assigned' && cur.collector_id === null) throw refusal(VISIT_REFUSALS, 'visit_has_no_collector', `visit ${id} has no collector: reassign it to one instead`, { visitId: id });
    return { status: to, ...(to === 'planned' ? { collector_id: null } : {}), ...(outcome !== undefined ? { outcome } : {}) };
  });
}

export function patchVisit(db: Kysely<Database>, id: number, patch: VisitPatch, actor: Actor): Promise<LiveVisit> {
  return changeVisit(db, id, patch.version, actor, async (cur, tx) => {
    const set: Partial<Record<keyof VisitTable, unknown>> = { ...windowColumns(patch.window) };
    if (patch.priority !== undefined) {
      set.priority = patch.priority ?? (await computedPriority(tx, cur.account_id));
      set.priority_override = patch.priority !== null;
    }
    if (patch.serviceMinutes !== undefined) set.service_minutes = patch.serviceMinutes;
    if (patch.note !== undefined) set.note = patch.note;
    if (patch.date !== undefined) {
      if (['completed', 'missed', 'cancelled'].includes(cur.status)) throw refusal(VISIT_REFUSALS, 'closed' satisfies ReassignConflictCode, `visit ${id} is ${cur.status}; its date can no longer change`, { visitId: id, status: cur.status });
      set.visit_date = patch.date;
    }
    return set;
  });
}
