import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuthService } from '../auth/auth.service.ts';
import type { UserService } from '../auth/user.service.ts';
import { SCOPE_REFUSALS } from '../contract/auth.ts';
import { CreateUser, USER_REFUSALS, UserList, UserListQuery, UserOut, UserPatch } from '../contract/user.ts';
import { bearerToken, requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** The placement checks' codes, in their order (UserService.checkPlacement); its team_not_found is SCOPE_REFUSALS'. */
const PLACEMENT: readonly (keyof typeof USER_REFUSALS)[] = [
  'team_required',
  'team_not_allowed',
  'collector_not_allowed',
  'collector_required',
  'collector_not_found',
  'collector_not_in_team',
  'collector_has_login',
];

/**
 * User management (SPEC §6 roles), for admins only: a login decides what its holder sees
 * of every team, so handing one out stays with those who already see everything. Teams and
 * collectors are made with their own routes first.
 */
export const userRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; users: UserService }> = async (app, { auth, users }) => {
  const admins = requireUser(auth, ['admin']);

  app.get('/api/users', { onRequest: admins, schema: { tags: ['users'], querystring: UserListQuery, response: { 200: UserList } } }, async (req) => ({
    users: await users.list(req.query),
  }));

  app.post(
    '/api/users',
    {
      onRequest: admins,
      schema: { tags: ['users'], description: refusalsDoc(USER_REFUSALS, [...PLACEMENT, 'email_taken'], SCOPE_REFUSALS, ['team_not_found']), body: CreateUser, response: { 201: UserOut, ...Errors } },
    },
    async (req, reply) => reply.code(201).send(await users.create(req.body)),
  );

  app.patch(
    '/api/users/:id',
    {
      onRequest: admins,
      schema: {
        tags: ['users'],
        description: `A new password, \`active: false\` or a new role, team or collector ends the user's sessions (tokens and live connections).\n\n${refusalsDoc(
          USER_REFUSALS,
          ['user_not_found', ...PLACEMENT, 'last_admin', 'email_taken'],
          SCOPE_REFUSALS,
          ['team_not_found'],
        )}`,
        params: Type.Object({ id: Type.Integer() }),
        body: UserPatch,
        response: { 200: UserOut, ...Errors },
      },
    },
    async (req) => users.update(req.params.id, req.body, { user: req.user, token: bearerToken(req)! }),
  );
};
