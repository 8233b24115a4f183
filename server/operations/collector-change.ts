import { sql, type Kysely, type Transaction } from 'kysely';
import type { SessionUser } from '../contract/auth.ts';
import type { CollectorOut, CollectorPatch } from '../contract/collector.ts';
import { VISIT_STATUSES, VISIT_TRANSITIONS } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { assertCanWrite, readsTeam } from './actor.ts';
import { OperationError, notFound } from './errors.ts';

/** What a change did beyond the collector's row: the logins that moved team with them, whose sessions must end. */
export interface CollectorChanged {
  collector: CollectorOut;
  movedLogins: number[];
}

/**
 * Renames, moves or (de)activates a collector. Leaving or moving is refused while they hold
 * visits still to do today or later: those would stay on a route nobody drives, or on another
 * team's board. The collector's row is locked first, and giving them a visit reads it FOR SHARE
 * (visit.service, reassign-changes), so no visit can slip in between the count and the change.
 */
export async function changeCollector(db: Kysely<Database>, id: number, patch: CollectorPatch, user: SessionUser): Promise<CollectorChanged> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('collectors').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    // Another team's collector is as unknown as a missing one, as with every other record.
    if (!row || !readsTeam(user, row.team_id)) throw notFound(`collector ${id}`);
    if (row.team_id !== null) assertCanWrite({ kind: 'user', user }, row.team_id);

    const moving = patch.teamId !== undefined && patch.teamId !== row.team_id;
    if (moving && user.role !== 'admin') throw new OperationError(403, 'only an admin moves a collector to another team');
    if (moving && !(await tx.selectFrom('teams').select('id').where('id', '=', patch.teamId!).executeTakeFirst())) throw notFound(`team ${patch.teamId}`);
    const leaving = patch.active === false && row.active;
    if (moving || leaving) {
      const visits = await pendingVisits(tx, id);
      if (visits > 0) {
        const act = leaving ? 'deactivating' : 'moving';
        throw new OperationError(
          409,
          `collector ${id} still holds ${visits} ${visits === 1 ? 'visit' : 'visits'} not done for today or a later day: move them to another collector on the board before ${act} them`,
          'collector_has_visits',
          { visits },
        );
      }
    }

    const updated = await tx
      .updateTable('collectors')
      .set({
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(moving ? { team_id: patch.teamId } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      })
      .where('id', '=', id)
      .returning(['id', 'name', 'phone', 'team_id', 'active'])
      .executeTakeFirstOrThrow();
    // A collector's login is of their team (UserService.checkPlacement): it moves with them.
    const movedLogins = moving ? (await tx.updateTable('users').set({ team_id: patch.teamId! }).where('collector_id', '=', id).returning('id').execute()).map((u) => u.id) : [];
    return { collector: { id: updated.id, name: updated.name, phone: updated.phone, teamId: updated.team_id, active: updated.active }, movedLogins };
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
