import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { CashQuery, CashSummary, PAYMENT_REFUSALS, PaymentIn, PaymentListQuery, PaymentOut, PaymentResult } from '../contract/payment.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { ownQuery, readScope } from '../operations/actor.ts';
import type { NotifyRecord } from '../operations/live-events.ts';
import { cashByCollector, listPayments, recordPayment } from '../operations/payment.service.ts';
import { DAY_READERS, WRITERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

export const paymentRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService; notify: NotifyRecord }> = async (app, { db, auth, notify }) => {
  const readers = requireUser(auth, DAY_READERS);

  app.post(
    '/api/payments',
    {
      onRequest: requireUser(auth, WRITERS),
      schema: {
        tags: ['payments'],
        description:
          'Idempotent on `id`: a resend answers 200 with `duplicate: true` and the same receipt number; another payment under a used `id` is 409.\n\n' +
          refusalsDoc(PAYMENT_REFUSALS, ['invalid_ts', 'visit_or_account_required', 'visit_of_other_account', 'currency_mismatch', 'id_taken'], REQUEST_REFUSALS, ['visit_not_found', 'account_not_found']),
        body: PaymentIn,
        response: { 200: PaymentResult, 201: PaymentResult, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const r = await recordPayment(db, req.body, { actor: { kind: 'user', user: req.user }, deviceId: null, collectorId: null });
      if (!r.duplicate) notify('payment', r.payment.teamId, r.payment);
      return reply.code(r.duplicate ? 200 : 201).send(r);
    },
  );

  app.get('/api/payments', { onRequest: readers, schema: { tags: ['payments'], querystring: PaymentListQuery, response: { 200: Type.Object({ payments: Type.Array(PaymentOut) }) } } }, async (req) => ({
    payments: await listPayments(db, ownQuery(req.user, req.query), readScope(req.user)),
  }));

  app.get(
    '/api/payments/cash',
    {
      onRequest: readers,
      schema: { tags: ['payments'], description: 'Cash collected per collector on a day, for end-of-day reconciliation.', querystring: CashQuery, response: { 200: Type.Object({ cash: Type.Array(CashSummary) }) } },
    },
    async (req) => ({ cash: await cashByCollector(db, ownQuery(req.user, req.query), readScope(req.user)) }),
  );
};
