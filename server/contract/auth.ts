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
 * The refusal every route that takes a team gives one of a team's people (a supervisor, dispatcher or
 * collector) naming another team, whether to write or to read (operations/actor.ts notYourTeam).
 */
export const SCOPE_REFUSALS = {
  not_your_team: { status: 403, values: ['teamId'], when: "the request names a team other than the caller's own" },
} as const satisfies RefusalTable;

export const LoginResponse = Type.Object({ token: Type.String(), user: SessionUser });
export type LoginResponse = Static<typeof LoginResponse>;

/**
 * `T | null`, with null tried first: the API coerces query strings, and a
 * coercing validator would otherwise turn a JSON null into 0 or "".
 */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);
