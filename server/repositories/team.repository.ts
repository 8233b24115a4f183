import type { Kysely } from 'kysely';
import type { TeamOut } from '../contract/team.ts';
import type { Database } from '../db/database.ts';
import type { Team } from '../db/tables/team.table.ts';

/** A team's row as GET /api/teams lists it and the live stream carries it. */
export const toTeamOut = (t: Pick<Team, 'id' | 'name' | 'time_zone' | 'currency'>): TeamOut => ({ id: t.id, name: t.name, timeZone: t.time_zone, currency: t.currency });

export async function findTeam(db: Kysely<Database>, id: number): Promise<TeamOut | undefined> {
  const row = await db.selectFrom('teams').select(['id', 'name', 'time_zone', 'currency']).where('id', '=', id).executeTakeFirst();
  return row && toTeamOut(row);
}
