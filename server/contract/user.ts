import { Type, type Static } from '@sinclair/typebox';
import { Nullable, ROLES, type TeamNotFound } from './auth.ts';

/** Shorter is refused when a password is set through the API (the bootstrap admin's comes from ADMIN_PASSWORD). */
export const MIN_PASSWORD_LENGTH = 8;

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Email = Type.String({ format: 'email', maxLength: 200, description: 'unique in any letter case; stored in lower case' });
const Name = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 200 });

/** A user as admins see it: never the password or its hash. */
export const UserOut = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  collectorId: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserOut = Static<typeof UserOut>;

export const UserList = Type.Object({ users: Type.Array(UserOut) });

export const UserListQuery = Type.Object({
  role: Type.Optional(Role),
  teamId: Type.Optional(Type.Integer()),
  active: Type.Optional(Type.Boolean()),
});
export type UserListQuery = Static<typeof UserListQuery>;

const TEAM_RULE =
  'supervisor, dispatcher and collector need a team; admin and manager work across every team (teamId null); a collector login names its collector (collectorId, of the same team)';

export const CreateUser = Type.Object(
  {
    email: Email,
    name: Name,
    role: Role,
    teamId: Type.Optional(Nullable(Type.Integer({ description: `${TEAM_RULE}. For a collector, omitted = the collector's team` }))),
    password: Password,
    collectorId: Type.Optional(Nullable(Type.Integer())),
  },
  { additionalProperties: false },
);
export type CreateUser = Static<typeof CreateUser>;

/** Any of these; a new password, deactivation or a change of role, team or collector ends the user's sessions. */
export const UserPatch = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(Name),
    role: Type.Optional(Role),
    teamId: Type.Optional(Nullable(Type.Integer({ description: TEAM_RULE }))),
    collectorId: Type.Optional(Nullable(Type.Integer())),
    active: Type.Optional(Type.Boolean({ description: 'false: cannot log in; their sessions end' })),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserPatch = Static<typeof UserPatch>;

/**
 * Why the user API refuses a change (ErrorBody `reason`), with its status, what its `values`
 * name and when it happens: a client words each in its own language (web/src/lib/users/user-refusals.ts).
 * Placement codes follow the service's checks in order, so a body with several faults names the first.
 */
export const USER_REFUSALS = {
  team_required: { status: 400, values: ['role'], when: 'the role (supervisor, dispatcher, collector) works in one team and teamId is null or omitted' },
  team_not_allowed: { status: 400, values: ['role', 'teamId'], when: 'the role (admin, manager) works across every team and teamId is not null' },
  collector_not_allowed: { status: 400, values: ['role', 'collectorId'], when: 'collectorId is set for a role other than collector' },
  collector_required: { status: 400, values: [], when: 'role collector without collectorId' },
  collector_not_found: { status: 404, values: ['collectorId'], when: 'no collector has this collectorId' },
  collector_not_in_team: { status: 400, values: ['collectorId', 'teamId'], when: "the collector is of another team than teamId (`values.collectorTeamId`: its team, absent when it has none)" },
  collector_has_login: { status: 409, values: ['collectorId', 'userId', 'email'], when: 'another active user is already this collector\'s login (`values.userId`, `values.email`: that user)' },
  email_taken: { status: 409, values: ['email'], when: 'another user has this email, in any letter case (`values.email`: the email in lower case)' },
  user_not_found: { status: 404, values: ['userId'], when: 'no user has this id' },
  last_admin: { status: 409, values: ['userId'], when: 'deactivating or demoting the only active admin: make another admin first' },
} as const satisfies Record<string, { status: 400 | 404 | 409; values: readonly string[]; when: string }>;
/** The codes these routes answer, each of which a client words: the table's, and the shared team_not_found (SCOPE_REFUSALS). */
export type UserRefusal = keyof typeof USER_REFUSALS | TeamNotFound;
/** The table's codes: team_not_found is SCOPE_REFUSALS'. */
export const USER_REFUSAL_CODES = Object.keys(USER_REFUSALS) as (keyof typeof USER_REFUSALS)[];
/** The `values` a refusal always carries (some carry more, as `when` says). */
export type UserRefusalValues<R extends keyof typeof USER_REFUSALS> = Record<(typeof USER_REFUSALS)[R]['values'][number], string | number>;

/** A user's own change of password. */
export const PasswordChange = Type.Object(
  {
    current: Type.String({ minLength: 1, maxLength: 200 }),
    new: Password,
  },
  { additionalProperties: false },
);
export type PasswordChange = Static<typeof PasswordChange>;
