import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { MetricsQuery, MetricsResponse } from '../contract/metrics.ts';
import type { Database } from '../db/database.ts';
import { readScope } from '../operations/actor.ts';
import { metricsToCsv } from '../metrics/metrics-csv.ts';
import { collectorDayMetrics } from '../metrics/metrics.repository.ts';
import { requireUser } from './auth-hook.ts';
import { ErrorBody } from './schemas.ts';

const MAX_DAYS = 366;

export const metricsRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService; timeZone: string; currency: string }> = async (
  app,
  { db, auth, timeZone, currency },
) => {
  const readers = requireUser(auth, ['admin', 'manager', 'supervisor', 'dispatcher']);

  async function load(q: MetricsQuery, scope: number | null) {
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (!(days >= 0 && days < MAX_DAYS)) return null;
    return collectorDayMetrics(db, { from: q.from, to: q.to, timeZone, teamId: scope ?? q.teamId, collectorId: q.collectorId });
  }

  app.get(
    '/api/metrics/collectors',
    { preHandler: readers, schema: { tags: ['metrics'], querystring: MetricsQuery, response: { 200: MetricsResponse, 400: ErrorBody } } },
    async (req, reply) => {
      const started = performance.now();
      const rows = await load(req.query, readScope(req.user));
      if (!rows) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `from must not be after to, and the range at most ${MAX_DAYS} days` });
      // The query's share of the answer, for the browser's network panel and bench:web (issue 6's "server time").
      reply.header('server-timing', `db;dur=${(performance.now() - started).toFixed(1)}`);
      const body: MetricsResponse = { from: req.query.from, to: req.query.to, currency, rows };
      // A month of 500 collectors is 15,000 rows: the schema's serializer (nullable unions) takes 3-5 times as
      // long as JSON.stringify on them. The schema still documents the answer; the type above still checks it.
      return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(body);
    },
  );

  app.get(
    '/api/metrics/collectors.csv',
    { preHandler: readers, schema: { tags: ['metrics'], querystring: MetricsQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      const rows = await load(req.query, readScope(req.user));
      if (!rows) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `from must not be after to, and the range at most ${MAX_DAYS} days` });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="ronda-metrics-${req.query.from}-${req.query.to}.csv"`)
        .send(metricsToCsv(rows));
    },
  );
};
