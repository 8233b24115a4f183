import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { SCOPE_REFUSALS, type SessionUser } from '../contract/auth.ts';
import { MetricsQuery, MetricsResponse, MetricsSummaryQuery, MetricsSummaryResponse } from '../contract/metrics.ts';
import type { Database } from '../db/database.ts';
import { ownCollector, readScope } from '../operations/actor.ts';
import { refusal } from '../operations/errors.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import { DAY_READERS } from './account.routes.ts';
import { metricsToCsv } from '../metrics/metrics-csv.ts';
import { collectorDayMetrics, collectorDayMetricsJson, metricsSummaryJson, type MetricsFilter } from '../metrics/metrics.repository.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const MAX_DAYS = 366;

export const metricsRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService; currency: string }> = async (
  app,
  { db, auth, currency },
) => {
  const readers = requireUser(auth, DAY_READERS);

  function filter(q: MetricsQuery, user: SessionUser): MetricsFilter {
    const scope = readScope(user);
    // Naming another team is refused before this (named-team.ts).
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    // invalid_request, as the lists whose schema refuses a reversed range (validation.ts) answer it.
    // Each says which is wrong: one message for both read "from must not be after to" of a range in order.
    if (days < 0) throw refusal(REQUEST_REFUSALS, 'invalid_request', `querystring/from must not be after to (from ${q.from}, to ${q.to})`, {});
    if (days >= MAX_DAYS) {
      throw refusal(REQUEST_REFUSALS, 'invalid_request', `the range from ${q.from} to ${q.to} is ${days + 1} days long; it may be at most ${MAX_DAYS}`, {});
    }
    // A collector's figures are their own; the team's and their teammates' are the office's.
    return { from: q.from, to: q.to, teamId: scope ?? q.teamId, collectorId: ownCollector(user, q.collectorId) };
  }
  /** What filter refuses, on each of the three routes. */
  const refusals = refusalsDoc(SCOPE_REFUSALS, ['not_your_team'], REQUEST_REFUSALS, ['invalid_request']);
  const money = (asked: string | undefined) => ({ asked: asked ?? null, fallback: currency });

  app.get(
    '/api/metrics/collectors',
    { onRequest: readers, schema: { tags: ['metrics'], description: refusals, querystring: MetricsQuery, response: { 200: MetricsResponse, 400: ErrorBody, 403: ErrorBody } } },
    async (req, reply) => {
      const started = performance.now();
      const f = filter(req.query, req.user);
      const a = await collectorDayMetricsJson(db, f, money(req.query.currency));
      // The query's share of the answer, for the browser's network panel and bench:web (issue 6's "server time").
      reply.header('server-timing', `db;dur=${(performance.now() - started).toFixed(1)}`);
      const head = JSON.stringify({ from: f.from, to: f.to, currency: a.currency, currencies: a.currencies }).slice(0, -1);
      // `rows` is already the JSON of CollectorDayMetrics[] (see collectorDayMetricsJson): sent as it came from the
      // database, not re-serialized. The schema still documents the answer; the integration test checks it.
      const body = `${head},"rows":${a.rows}}`;
      return reply.type('application/json; charset=utf-8').serializer((text: string) => text).send(body as unknown as MetricsResponse);
    },
  );

  app.get(
    '/api/metrics/summary',
    {
      onRequest: readers,
      schema: { tags: ['metrics'], description: refusals, querystring: MetricsSummaryQuery, response: { 200: MetricsSummaryResponse, 400: ErrorBody, 403: ErrorBody } },
    },
    async (req, reply) => {
      const started = performance.now();
      const f = filter(req.query, req.user);
      const a = await metricsSummaryJson(db, f, req.query.groupBy, money(req.query.currency));
      reply.header('server-timing', `db;dur=${(performance.now() - started).toFixed(1)}`);
      const head = JSON.stringify({ from: f.from, to: f.to, currency: a.currency, currencies: a.currencies, groupBy: req.query.groupBy }).slice(0, -1);
      // As for /collectors: the rows are JSON from the database, in the contract's shape.
      return reply.type('application/json; charset=utf-8').serializer((text: string) => text).send(`${head},"rows":${a.rows}}` as unknown as MetricsSummaryResponse);
    },
  );

  app.get(
    '/api/metrics/collectors.csv',
    {
      onRequest: readers,
      schema: {
        tags: ['metrics'],
        description: refusals,
        querystring: MetricsQuery,
        // The media type per response, not the route's `produces`: that one labelled the JSON refusals text/csv too.
        response: {
          200: { description: 'One line per collector and day, UTF-8 with a byte-order mark', content: { 'text/csv': { schema: Type.String() } } },
          400: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const f = filter(req.query, req.user);
      const { rows, currency: chosen } = await collectorDayMetrics(db, f, money(req.query.currency));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="ronda-metrics-${req.query.from}-${req.query.to}-${chosen}.csv"`)
        .send(metricsToCsv(rows, chosen));
    },
  );
};
