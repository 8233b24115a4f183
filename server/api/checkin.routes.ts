import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { CHECKIN_REFUSALS, CheckinIn, CheckinListQuery, CheckinOut, CheckinResult, DEVICE_RECORD_REJECTIONS, RejectedRecordPage, RejectedRecordQuery } from '../contract/checkin.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { ownQuery, readScope } from '../operations/actor.ts';
import { listCheckins, recordCheckin, type CheckinOptions } from '../operations/checkin.service.ts';
import type { NotifyRecord } from '../operations/live-events.ts';
import { DAY_READERS, WRITERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

/** Who reads what devices sent and could not be stored: those who look after the devices (the web's devices page). */
const REJECTED_READERS = ['admin', 'supervisor'] as const;

interface Deps {
  db: Kysely<Database>;
  auth: AuthService;
  notify: NotifyRecord;
  checkin: CheckinOptions;
}

/** Check-ins entered by the office (a call, a visit the phone could not report); phones use MQTT (SPEC §5). */
export const checkinRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, { db, auth, notify, checkin }) => {

  app.post(
    '/api/checkins',
    {
      onRequest: requireUser(auth, WRITERS),
      schema: {
        tags: ['checkins'],
        description:
          'Idempotent on `id`: a resend answers 200 with `duplicate: true` and changes nothing; another check-in under a used `id` is 409.\n\n' +
          refusalsDoc(CHECKIN_REFUSALS, ['invalid_ts', 'promise_incomplete', 'promise_not_a_promise', 'promise_date_out_of_range', 'id_taken'], REQUEST_REFUSALS, ['visit_not_found']),
        body: CheckinIn,
        response: { 200: CheckinResult, 201: CheckinResult, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const r = await recordCheckin(db, req.body, { actor: { kind: 'user', user: req.user }, deviceId: null, collectorId: null }, checkin);
      if (!r.duplicate) {
        notify('checkin', r.checkin.teamId, r.checkin);
        if (r.visit) notify('visit', r.visit.teamId, r.visit);
      }
      return reply.code(r.duplicate ? 200 : 201).send({ duplicate: r.duplicate, checkin: r.checkin });
    },
  );

  app.get(
    '/api/checkins',
    { onRequest: requireUser(auth, DAY_READERS), schema: { tags: ['checkins'], querystring: CheckinListQuery, response: { 200: Type.Object({ checkins: Type.Array(CheckinOut) }) } } },
    async (req) => ({ checkins: await listCheckins(db, ownQuery(req.user, req.query), readScope(req.user)) }),
  );

  app.get(
    '/api/records/rejected',
    {
      onRequest: requireUser(auth, REJECTED_READERS),
      schema: {
        tags: ['checkins', 'payments'],
        description:
          'Check-ins and payments devices sent that could not be stored (acknowledged so the phone stops resending), newest first: ' +
          "a supervisor's are those of their team's collectors' devices. `code` is the refusal the API would answer for the same record, or one of: " +
          Object.entries(DEVICE_RECORD_REJECTIONS)
            .map(([code, { when }]) => `\`${code}\` (${when})`)
            .join('; ') +
          '. Pages of `limit` (1000 unless given) with `before` the last id seen; `total` counts them all.',
        querystring: RejectedRecordQuery,
        response: { 200: RejectedRecordPage, 400: ErrorBody },
      },
    },
    async (req) => {
      const scope = readScope(req.user);
      let q = db
        .selectFrom('rejected_records as r')
        .leftJoin('devices as d', 'd.id', 'r.device_id')
        .leftJoin('collectors as c', 'c.id', 'd.collector_id');
      if (scope !== null) q = q.where('c.team_id', '=', scope);
      const page = req.query.before === undefined ? q : q.where('r.id', '<', req.query.before);
      const [rows, count] = await Promise.all([
        page
          .select(['r.id', 'd.unique_id', 'c.id as collector_id', 'r.kind', 'r.payload', 'r.reason', 'r.code', 'r.code_values', 'r.received_at'])
          .orderBy('r.id', 'desc')
          .limit(req.query.limit ?? 1000)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        total: Number(count.n),
        records: rows.map((r) => ({
          id: r.id,
          uniqueId: r.unique_id,
          collectorId: r.collector_id,
          kind: r.kind,
          payload: r.payload,
          reason: r.reason,
          code: r.code,
          values: r.code_values ?? {},
          receivedAt: new Date(r.received_at).toISOString(),
        })),
      };
    },
  );
};
