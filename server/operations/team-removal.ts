import { sql, type Kysely } from 'kysely';
import { TEAM_REFUSALS } from '../contract/team.ts';
import type { Database } from '../db/database.ts';
import { violatesForeignKey } from '../db/sqlstate.ts';
import { refusal, type OperationError } from './errors.ts';
import { teamNotFound } from './missing-team.ts';

/**
 * What a team holds that a lender would lose with it, in the order the refusal names them.
 * Every table whose team_id references teams (server/db/migrations) is here or in CONFIGURATION;
 * devices, metrics and plan routes hang off collectors and plans, so those block for them.
 */
const HOLDINGS = [
  ['collectors', 'collector', 'collectors'],
  ['users', 'user', 'users'],
  ['accounts', 'account', 'accounts'],
  ['visits', 'visit', 'visits'],
  ['plans', 'plan', 'plans'],
  ['events', 'event', 'events'],
  ['checkins', 'check-in', 'check-ins'],
  ['payments', 'payment', 'payments'],
  ['promises', 'promise', 'promises'],
] as const;

type Holding = (typeof HOLDINGS)[number][0];

/** Rows that only configure the team: they go with it. A receipt counter without payments numbers nothing. */
const CONFIGURATION = ['team_plan_settings', 'deviation_rules', 'receipt_counters'] as const;

/**
 * Deletes an empty team with its settings, or refuses with a 409 naming what it still holds.
 * The team's row is locked first: a collector, user or account being added to it waits for
 * the key-share lock and then fails its own foreign key, so the count cannot go stale under us.
 */
export async function deleteTeam(db: Kysely<Database>, teamId: number): Promise<void> {
  try {
    await db.transaction().execute(async (tx) => {
      const team = await tx.selectFrom('teams').select('id').where('id', '=', teamId).forUpdate().executeTakeFirst();
      if (!team) throw teamNotFound(teamId);
      const held = await holdingsOf(tx, teamId);
      if (Object.keys(held).length > 0) throw notEmpty(teamId, held);
      for (const table of CONFIGURATION) await tx.deleteFrom(table).where('team_id', '=', teamId).execute();
      await tx.deleteFrom('teams').where('id', '=', teamId).execute();
    });
  } catch (e) {
    // A database that does not lock as above (or a holding table added later without a line here):
    // the foreign key still refuses, and the caller gets the same answer with what is there now.
    if (!violatesForeignKey(e)) throw e;
    throw notEmpty(teamId, await holdingsOf(db, teamId));
  }
}

/** The non-zero counts only, keyed by table. */
async function holdingsOf(db: Kysely<Database>, teamId: number): Promise<Partial<Record<Holding, number>>> {
  const counts = HOLDINGS.map(([table]) => sql<number>`(select count(*)::int from ${sql.table(table)} where team_id = ${teamId})`.as(table));
  const row = (await db.selectNoFrom(counts).executeTakeFirstOrThrow()) as Record<Holding, number>;
  return Object.fromEntries(HOLDINGS.filter(([table]) => row[table] > 0).map(([table]) => [table, row[table]]));
}

function notEmpty(teamId: number, held: Partial<Record<Holding, number>>): OperationError {
  const parts = HOLDINGS.filter(([table]) => held[table] !== undefined).map(([table, one, many]) => `${held[table]} ${held[table] === 1 ? one : many}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? 'rows added meanwhile');
  return refusal(TEAM_REFUSALS, 'team_not_empty', `team ${teamId} still has ${list}: move or remove them first`, held as Record<string, number>);
}
