import { sql, type Transaction } from 'kysely';
import type { LiveVisit } from '../contract/live.ts';
import type { PlanOut } from '../contract/plan.ts';
import type { Database } from '../db/database.ts';
import { clearPlacements, storePlanWithout, toPlanOut, visitStates } from '../plans/plan.repository.ts';
import { actorLabel, type Actor } from './actor.ts';
import { toVisitOut, visitQuery } from './visit.repository.ts';
import { withFormer } from './visit.service.ts';

/**
 * Visits no one has set out for yet. One under way (`en_route`, `arrived`) is the collector's at the
 * debtor's door: it ends where it started, and is history after that, as the closed ones are.
 */
const NOT_STARTED = ['planned', 'assigned'] as const;
const CHUNK = 500;

/** What moving accounts did to their visits, for the live stream and the phones once it commits. */
export interface VisitsMoved {
  /** Each visit as it is now, in its new team, naming the collector it was taken from (LiveVisit); `fromTeamId` is the team it left. */
  visits: { visit: LiveVisit; fromTeamId: number }[];
  /** The new version of each day of the teams left whose plan held one of them. */
  plans: PlanOut[];
}

export const nothingMoved = (): VisitsMoved => ({ visits: [], plans: [] });

/**
 * Locks, in id order, the visits a move of these accounts may take, before the accounts are written:
 * a check-in locks its visit and then writes its account, so a move that locked the account first
 * and then waited for the visit deadlocked with it (PostgreSQL's deadlock_timeout, 1 s, before one gave
 * way). Taken in the check-in's order, the one that comes second waits for the other to commit.
 */
export async function lockMovableVisits(tx: Transaction<Database>, accountIds: readonly number[]): Promise<void> {
  for (let i = 0; i < accountIds.length; i += CHUNK) {
    await tx
      .selectFrom('visits as v')
      .innerJoin('teams as t', 't.id', 'v.team_id')
      .select('v.id')
      .where('v.account_id', 'in', accountIds.slice(i, i + CHUNK))
      .where('v.status', 'in', [...NOT_STARTED])
      .where('v.visit_date', '>=', sql<string>`(now() at time zone t.time_zone)::date`)
      .orderBy('v.id')
      .forUpdate('v')
      .execute();
  }
}

/**
 * Call in the transaction that moved the accounts (their team_id already written): each of their
 * visits not started, of today (in the team it was in) or later, that is still in another team than
 * its account goes to the account's team, with no collector (the old team's cannot serve another
 * team's debtor), `planned` and a new version, and off the old team's plans. Earlier and closed
 * visits stay: they are history.
 *
 * The caller locks them first (lockMovableVisits) and runs the whole in transactionRetryingDeadlock
 * (the metrics rollup's triggers can still meet a check-in's in another order). A check-in that
 * commits first closes the visit, which then stays (the lock re-reads its status).
 */
export async function moveOpenVisits(tx: Transaction<Database>, accountIds: readonly number[], actor: Actor): Promise<VisitsMoved> {
  const by = actorLabel(actor);
  const now = new Date();
  const left: { id: number; team_id: number; collector_id: number | null; date: string }[] = [];
  for (let i = 0; i < accountIds.length; i += CHUNK) {
    const rows = await tx
      .selectFrom('visits as v')
      .innerJoin('accounts as a', 'a.id', 'v.account_id')
      .innerJoin('teams as t', 't.id', 'v.team_id')
      .select(['v.id', 'v.team_id', 'v.collector_id', sql<string>`to_char(v.visit_date, 'YYYY-MM-DD')`.as('date')])
      .where('v.account_id', 'in', accountIds.slice(i, i + CHUNK))
      .whereRef('v.team_id', '<>', 'a.team_id')
      .where('v.status', 'in', [...NOT_STARTED])
      .where('v.visit_date', '>=', sql<string>`(now() at time zone t.time_zone)::date`)
      .orderBy('v.id')
      .forUpdate('v')
      .execute();
    left.push(...rows);
  }
  if (left.length === 0) return nothingMoved();
  const ids = left.map((v) => v.id);
  for (let i = 0; i < ids.length; i += CHUNK) {
    await tx
      .updateTable('visits as v')
      .from('accounts as a')
      .set({ team_id: sql`a.team_id`, collector_id: null, status: 'planned', version: sql`v.version + 1`, updated_by: by, updated_at: now })
      .whereRef('a.id', '=', 'v.account_id')
      .where('v.id', 'in', ids.slice(i, i + CHUNK))
      .execute();
  }
  await clearPlacements(tx, ids);

  const plans: PlanOut[] = [];
  const days = new Map<string, { teamId: number; date: string; visitIds: Set<number> }>();
  for (const v of left) {
    const key = `${v.team_id}:${v.date}`;
    const day = days.get(key) ?? { teamId: v.team_id, date: v.date, visitIds: new Set<number>() };
    day.visitIds.add(v.id);
    days.set(key, day);
  }
  const zones = new Map(
    (await tx.selectFrom('teams').select(['id', 'time_zone']).where('id', 'in', [...new Set(left.map((v) => v.team_id))]).execute()).map((t) => [t.id, t.time_zone]),
  );
  for (const { teamId, date, visitIds } of days.values()) {
    const stored = await storePlanWithout(tx, teamId, date, visitIds, by);
    if (stored) plans.push(toPlanOut(stored.plan, { id: teamId, timeZone: zones.get(teamId)! }, date, stored.changed, await visitStates(tx, teamId, date)));
  }

  const before = new Map(left.map((v) => [v.id, v]));
  const visits: VisitsMoved['visits'] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const row of await visitQuery(tx).where('v.id', 'in', ids.slice(i, i + CHUNK)).orderBy('v.id').execute()) {
      const was = before.get(row.id)!;
      visits.push({ visit: withFormer(toVisitOut(row), was.collector_id), fromTeamId: was.team_id });
    }
  }
  return { visits, plans };
}
