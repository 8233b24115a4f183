import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LoginRequest, LoginResponse, SessionUser } from '../contract/auth.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { bearerToken, requireUser } from './auth-hook.ts';
import { ErrorBody } from './schemas.ts';

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], body: LoginRequest, response: { 200: LoginResponse, 401: ErrorBody } } },
    async (req, reply) => {
      const session = await auth.login(req.body.email, req.body.password);
      if (!session) return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'wrong email or password' });
      return session;
    },
  );

  app.get('/api/auth/me', { preHandler: requireUser(auth), schema: { tags: ['auth'], response: { 200: SessionUser } } }, async (req) => req.user);

  app.post('/api/auth/logout', { preHandler: requireUser(auth), schema: { tags: ['auth'], response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (req) => {
    await auth.logout(bearerToken(req)!);
    return { ok: true };
  });
};
