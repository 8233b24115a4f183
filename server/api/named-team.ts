import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { SessionUser } from '../contract/auth.ts';
import type { Database } from '../db/database.ts';
import { ownTeam, readScope } from '../operations/actor.ts';
import { assertTeamExists } from '../operations/missing-team.ts';

/**
 * preHandler hook: a read that names a team (`?teamId=`) is answered for that team or refused, on every
 * route alike. One of a team's people naming another team gets a 403 not_your_team (whether it exists
 * or not: theirs is the only one they know of), those who read every team naming one that does not
 * exist a 404 team_not_found. The lists (accounts, visits, payments…) used to answer another team with
 * an empty list, and an unknown one too, where plans and metrics refused it (an API probe).
 */
export function refuseUnreadableTeam(db: Kysely<Database>) {
  return async (req: FastifyRequest): Promise<void> => {
    const user = (req as { user?: SessionUser }).user;
    const teamId = (req.query as { teamId?: unknown } | undefined)?.teamId;
    if (req.method !== 'GET' || user === undefined || typeof teamId !== 'number') return;
    if (readScope(user) === null) return assertTeamExists(db, teamId);
    ownTeam(user, teamId);
  };
}

/** Whether a route's query string takes `teamId`, and so may be refused by refuseUnreadableTeam (for its docs). */
export const namesATeam = (method: string | string[], querystring: unknown): boolean =>
  [method].flat().includes('GET') && (querystring as { properties?: Record<string, unknown> } | undefined)?.properties?.teamId !== undefined;
