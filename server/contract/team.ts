import { Type, type Static } from '@sinclair/typebox';
import type { TeamNotFound } from './auth.ts';
import type { RefusalTable } from './refusal.ts';

/** A team as GET /api/teams lists it; its people's dashboards show times in its zone and money in its currency (SPEC §1). */
export const TeamOut = Type.Object({ id: Type.Integer(), name: Type.String(), timeZone: Type.String(), currency: Type.String() });
export type TeamOut = Static<typeof TeamOut>;

/**
 * Why the team routes (POST, PATCH, DELETE /api/teams) refuse a change (ErrorBody `reason`), with
 * its status, what its `values` name and when it happens: a client words each in its own language
 * (web/src/lib/team/team-refusals.ts).
 */
export const TEAM_REFUSALS = {
  team_name_taken: {
    status: 409,
    values: ['name'],
    when: "another team has this name, in any letter case (migration 0011): `values.name` is that team's name as stored, `values.teamId` its id (absent if it was renamed or deleted meanwhile)",
  },
  unknown_time_zone: { status: 400, values: ['timeZone'], when: 'not an IANA time zone both the dashboard (Intl) and PostgreSQL know, such as America/Tijuana' },
  unknown_currency: { status: 400, values: ['currency'], when: 'not an ISO 4217 currency code in use, such as MXN, USD or COP' },
  team_not_empty: {
    status: 409,
    values: [],
    when:
      'the team still holds records a lender would lose: `values` counts those above zero by kind (collectors, users, accounts, visits, plans, events, checkins, payments, promises); ' +
      'none when they were added and removed while it was deleted',
  },
} as const satisfies RefusalTable;
/** The codes these routes answer, each of which a client words: the table's, and the shared team_not_found (SCOPE_REFUSALS). */
export type TeamRefusal = keyof typeof TEAM_REFUSALS | TeamNotFound;
/** The table's codes: team_not_found is SCOPE_REFUSALS'. */
export const TEAM_REFUSAL_CODES = Object.keys(TEAM_REFUSALS) as (keyof typeof TEAM_REFUSALS)[];
