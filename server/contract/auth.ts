import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { RefusalTable } from './refusal.ts';

export const ROLES = ['admin', 'supervisor', 'dispatcher', 'manager', 'collector'] as const;
export type Role = (typeof ROLES)[number];

export const LoginRequest = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export type LoginRequest = Static<typeof LoginRequest>;

export const SessionUser = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  /** The collector this user is (a collector's login): with the collector role, the only one whose devices and trail they see. */
  collectorId: Type.Union([Type.Integer(), Type.Null()]),
});
export type SessionUser = Static<typeof SessionUser>;

/**
 * Who may act on which team (operations/actor.ts, operations/missing-team.ts): the refusals any route
 * that takes a team, or writes a team's records, gives with the same code. A device's are over MQTT:
 * the record they refuse is kept with the message (GET /api/records/rejected).
 */
export const SCOPE_REFUSALS = {
  not_your_team: { status: 403, values: ['teamId'], when: "one of a team's people (a supervisor, dispatcher or collector) names a team other than their own, to write or to read" },
  not_in_a_team: { status: 403, values: ['role'], when: 'the role works in one team (supervisor, dispatcher, collector) and the caller belongs to none: an admin gives their login a team' },
  role_may_not_change: { status: 403, values: ['role', 'teamId'], when: "the role reads the team's records but does not change them (a manager; a collector, whose records come from their devices)" },
  device_of_no_team: { status: 403, values: ['uniqueId'], when: 'a device given to no collector, or to a collector of no team, sends a record' },
  device_of_other_team: { status: 403, values: ['uniqueId', 'teamId', 'deviceTeamId'], when: "a device sends a record of a team (`teamId`) other than its collector's (`deviceTeamId`)" },
  // The one declaration of the code: the collectors', users' and teams' routes answer it too (their wording maps it in their own terms).
  team_not_found: {
    status: 404,
    values: ['teamId'],
    when:
      'no team has this id (the team a route names, or the one a collector, user or account is added or moved to), ' +
      "or it is another team's and the caller does not see it (its plan settings), or it was deleted while the request was under way",
  },
} as const satisfies RefusalTable;
/** team_not_found, which the collectors', users' and teams' routes answer besides their own codes (their clients word it with them). */
export type TeamNotFound = 'team_not_found' & keyof typeof SCOPE_REFUSALS;

/** Signing in and changing one's password (server/api/auth.routes.ts). */
export const AUTH_REFUSALS = {
  wrong_credentials: { status: 401, values: [], when: 'no active user has this email and password (which of the two is wrong is not said)' },
  wrong_password: { status: 403, values: [], when: "a password change whose `current` is not the user's password" },
} as const satisfies RefusalTable;

export const LoginResponse = Type.Object({ token: Type.String(), user: SessionUser });
export type LoginResponse = Static<typeof LoginResponse>;

/**
 * `T | null`, with null tried first: the API coerces query strings, and a
 * coercing validator would otherwise turn a JSON null into 0 or "".
 */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);
