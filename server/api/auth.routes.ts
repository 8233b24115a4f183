import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AUTH_REFUSALS, LoginRequest, LoginResponse, SessionUser } from '../contract/auth.ts';
import { PasswordChange } from '../contract/user.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { errorBody, refusal } from '../operations/errors.ts';
import { bearerToken, requireUser } from './auth-hook.ts';
import { ErrorBody } from './schemas.ts';

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], body: LoginRequest, response: { 200: LoginResponse, 401: ErrorBody } } },
    async (req, reply) => {
      const session = await auth.login(req.body.email, req.body.password);
      if (!session) return reply.code(401).send(errorBody(refusal(AUTH_REFUSALS, 'wrong_credentials', 'wrong email or password', {})));
      return session;
    },
  );

  app.get('/api/auth/me', { onRequest: requireUser(auth), schema: { tags: ['auth'], response: { 200: SessionUser } } }, async (req) => req.user);

  app.post('/api/auth/logout', { onRequest: requireUser(auth), schema: { tags: ['auth'], response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (req) => {
    await auth.logout(bearerToken(req)!);
    return { ok: true };
  });

  // Any user, their own password: this session goes on, every other one of theirs ends.
  app.post(
    '/api/auth/password',
    {
      onRequest: requireUser(auth),
      schema: { tags: ['auth'], body: PasswordChange, response: { 200: Type.Object({ ok: Type.Boolean() }), 403: ErrorBody } },
    },
    async (req, reply) => {
      if (!(await auth.changePassword(req.user.id, req.body.current, req.body.new, bearerToken(req)!))) {
        return reply.code(403).send(errorBody(refusal(AUTH_REFUSALS, 'wrong_password', 'the current password is wrong', {})));
      }
      return { ok: true };
    },
  );
};
