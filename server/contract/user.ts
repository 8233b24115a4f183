import { Type, type Static } from '@sinclair/typebox';
import { Nullable, ROLES } from './auth.ts';

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

/** A user's own change of password. */
export const PasswordChange = Type.Object(
  {
    current: Type.String({ minLength: 1, maxLength: 200 }),
    new: Password,
  },
  { additionalProperties: false },
);
export type PasswordChange = Static<typeof PasswordChange>;
