import { sql, type Kysely, type Transaction } from 'kysely';
import type { SessionUser } from '../contract/auth.ts';
import { COLLECTOR_REFUSALS, type CollectorCreate, type CollectorOut, type CollectorPatch } from '../contract/collector.ts';
import { VISIT_STATUSES, VISIT_TRANSITIONS } from '../contract/visit.ts';
import type { RefusalValues } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { assertCanWrite, readsTeam } from './actor.ts';
import { refusal } from './errors.ts';
import { assertTeamExists, teamDeletedMeanwhile } from './missing-team.ts';

/** A refusal with its code (contract/collector.ts COLLECTOR_REFUSALS), which also decides its status. */
const refuse = <R extends keyof typeof COLLECTOR_REFUSALS>(reason: R, message: string, values: RefusalValues<typeof COLLECTOR_REFUSALS, R> & Record<string, string | number>) =>
  refusal(COLLECTOR_REFUSALS, reason, message, values);
const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

/** What a change did beyond the collector's row. */
export interface CollectorChanged {
  collector: CollectorOut;
  /** Logins that moved team with them or were deactivated with them: their sessions must end. */
  endedLogins: number[];
  /** Teams whose list of collectors changed: theirs, and on a move the one they left (null: no team). */
  teamIds: (number | null)[];
}

/** The name as stored: trimmed, and never blank (the list, the board and every picker show it). */
export function collectorName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw refuse('collector_name_blank', 'name is blank: a collector needs a name that is not only spaces', {});
  return trimmed;
}

/** A new collector; the write rule every operation uses (a supervisor: their own team), and no team at all is for admins. */
export async function addCollector(db: Kysely<Database>, body: CollectorCreate, user: SessionUser): Promise<number> {
  const name = collectorName(body.name);
  if (body.teamId === null && user.role !== 'admin') throw refuse('no_team_for_admins', 'only an admin adds a collector to no team', {});
  if (body.teamId !== null) {
    const teamId = body.teamId;
    // The route lets admins and supervisors in: the one refusal left is another team's supervisor (not_your_team).
    assertCanWrite({ kind: 'user', user }, teamId);
    await assertTeamExists(db, teamId);
  }
  try {
    const row = await db
      .insertInto('collectors')
      .values({ name, team_id: body.teamId, phone: body.phone ?? null, external_id: body.externalId ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (e) {
    const gone = teamDeletedMeanwhile(e, 'collectors', body.teamId);
    if (gone) throw gone;
    // external_id is the only unique column a new collector can clash on.
    if (isUniqueViolation(e) && body.externalId !== undefined) {
      throw refuse('external_id_taken', `another collector has the externalId ${body.externalId}`, { externalId: body.externalId });
    }
    throw e;
  }
}

/**
 * Renames, moves or (de)activates a collector. Deactivating one deactivates their login too: someone
 * who left the lender must not sign in (bringing the collector back leaves the login to an admin).
 * Leaving or moving is refused while they hold visits still to do today or later: those would stay
 * on a route nobody drives, or on another team's board. The collector's row is locked first, and giving them a visit reads it FOR SHARE
 * (visit.service, reassign-changes), so no visit can slip in between the count and the change.
 */
export async function changeCollector(db: Kysely<Database>, id: number, patch: CollectorPatch, user: SessionUser): Promise<CollectorChanged> {
  const name = patch.name !== undefined ? collectorName(patch.name) : undefined;
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('collectors').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    // Another team's collector is as unknown as a missing one, as with every other record.
    if (!row || !readsTeam(user, row.team_id)) throw refuse('collector_not_found', `collector ${id} does not exist`, { collectorId: id });
    if (row.team_id !== null) assertCanWrite({ kind: 'user', user }, row.team_id);

    const moving = patch.teamId !== undefined && patch.teamId !== row.team_id;
    if (moving && user.role !== 'admin') throw refuse('move_for_admins', 'only an admin moves a collector to another team', { collectorId: id });
    if (moving) await assertTeamExists(tx, patch.teamId!);
    const leaving = patch.active === false && row.active;
    if (moving || leaving) {
      const visits = await pendingVisits(tx, id);
      if (visits > 0) {
        const act = leaving ? 'deactivating' : 'moving';
        throw refuse(
          'collector_has_visits',
          `collector ${id} still holds ${visits} ${visits === 1 ? 'visit' : 'visits'} not done for today or a later day: move them to another collector on the board before ${act} them`,
          { visits },
        );
      }
    }

    const updated = await tx
      .updateTable('collectors')
      .set({
        ...(name !== undefined ? { name } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(moving ? { team_id: patch.teamId } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      })
      .where('id', '=', id)
      .returning(['id', 'name', 'phone', 'team_id', 'active'])
      .executeTakeFirstOrThrow();
    // A collector's login is of their team (UserService.checkPlacement): it moves with them.
    const moved = moving ? await tx.updateTable('users').set({ team_id: patch.teamId! }).where('collector_id', '=', id).returning('id').execute() : [];
    // On leaving only: a login an admin re-enabled for a collector already inactive stays so when a form sends `active: false` again.
    const deactivated = leaving
      ? await tx.updateTable('users').set({ active: false }).where('collector_id', '=', id).where('active', '=', true).returning('id').execute()
      : [];
    return {
      collector: { id: updated.id, name: updated.name, phone: updated.phone, teamId: updated.team_id, active: updated.active },
      endedLogins: [...new Set([...moved, ...deactivated].map((u) => u.id))],
      teamIds: [...new Set([row.team_id, updated.team_id])],
    };
  }).catch((e: unknown) => {
    throw teamDeletedMeanwhile(e, 'collectors', patch.teamId) ?? e;
  });
}

const DONE = VISIT_STATUSES.filter((s) => VISIT_TRANSITIONS[s].length === 0);

/** Visits given to the collector and not yet done, of today or later in their team's time zone; earlier ones are history. */
async function pendingVisits(tx: Transaction<Database>, collectorId: number): Promise<number> {
  const row = await tx
    .selectFrom('visits as v')
    .innerJoin('teams as t', 't.id', 'v.team_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('v.collector_id', '=', collectorId)
    .where('v.status', 'not in', DONE)
    .where('v.visit_date', '>=', sql<string>`(now() at time zone t.time_zone)::date`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
