import type { Kysely } from 'kysely';
import { SCOPE_REFUSALS } from '../contract/auth.ts';
import type { Database } from '../db/database.ts';
import { violatesForeignKey } from '../db/sqlstate.ts';
import { refusal, type OperationError } from './errors.ts';

/**
 * No team has this id: every route that takes one answers so, with the one team_not_found of
 * SCOPE_REFUSALS. `meanwhile`: it was there when the request looked it up.
 */
export const teamNotFound = (teamId: number, meanwhile = false): OperationError =>
  refusal(SCOPE_REFUSALS, 'team_not_found', `team ${teamId} does not exist${meanwhile ? ': it was deleted meanwhile' : ''}`, { teamId });

/** `db` may be a transaction. */
export async function assertTeamExists(db: Kysely<Database>, teamId: number): Promise<void> {
  if (!(await db.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst())) throw teamNotFound(teamId);
}

/** The tables whose rows name a team: `team_id references teams`, whose constraint PostgreSQL names `<table>_team_id_fkey`. */
export type TeamRows = { [T in keyof Database]: 'team_id' extends keyof Database[T] ? T : never }[keyof Database];

/**
 * A write to `table` that found its team, then lost it to a DELETE /api/teams/{id} committing before
 * the write (team-removal.ts): the row's foreign key refuses it, which the API would otherwise answer
 * as an uncoded 409 conflict. The answer is the one a request a moment later gets, team_not_found.
 * `teamId`: the team the row named; when a write names several (an import), the violation's DETAIL
 * says which ("Key (team_id)=(42) is not present…", of which the column and value are never
 * translated). Undefined for any other error.
 */
export function teamDeletedMeanwhile(e: unknown, table: TeamRows, teamId?: number | null): OperationError | undefined {
  if (!violatesForeignKey(e, `${table}_team_id_fkey`)) return undefined;
  const named = teamId ?? Number(/\(team_id\)=\((\d+)\)/.exec(String((e as { detail?: unknown }).detail))?.[1]);
  return Number.isInteger(named) ? teamNotFound(named, true) : undefined;
}
