import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { PromiseListQuery, PromiseOut } from '../contract/checkin.ts';
import type { Database } from '../db/database.ts';
import { readScope } from '../operations/actor.ts';
import { listPromises, settlePromises } from '../operations/promise.service.ts';
import { READERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';

export const promiseRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService }> = async (app, { db, auth }) => {
  app.get('/api/promises', { onRequest: requireUser(auth, READERS), schema: { tags: ['promises'], querystring: PromiseListQuery, response: { 200: Type.Object({ promises: Type.Array(PromiseOut) }) } } }, async (req) => ({
    promises: await listPromises(db, req.query, readScope(req.user)),
  }));

  // The server settles every 10 minutes; an admin need not wait.
  app.post(
    '/api/promises/settle',
    { onRequest: requireUser(auth, ['admin']), schema: { tags: ['promises'], response: { 200: Type.Object({ kept: Type.Integer(), broken: Type.Integer() }) } } },
    async () => settlePromises(db),
  );
};
