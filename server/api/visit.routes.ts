import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { CancelVisit, CreateVisit, GenerateReport, GenerateVisits, ReassignVisit, TransitionVisit, VISIT_REFUSALS, VisitListQuery, VisitOut, VisitPatch } from '../contract/visit.ts';
import { SCOPE_REFUSALS, type SessionUser } from '../contract/auth.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { collectorScope, notInATeam, ownQuery, readScope, type Actor } from '../operations/actor.ts';
import { notFound } from '../operations/errors.ts';
import type { NotifyRecord } from '../operations/live-events.ts';
import { getVisit, listVisits } from '../operations/visit.repository.ts';
import { generateVisits } from '../operations/visit-generate.ts';
import { cancelVisit, createVisit, patchVisit, reassignVisit, transitionVisit } from '../operations/visit.service.ts';
import { DAY_READERS, WRITERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const Id = Type.Object({ id: Type.Integer() });

export const visitRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService; notify: NotifyRecord }> = async (app, { db, auth, notify }) => {
  const readers = requireUser(auth, DAY_READERS);
  const writers = requireUser(auth, WRITERS);
  const actor = (user: SessionUser): Actor => ({ kind: 'user', user });
  const changed = (v: VisitOut) => {
    notify('visit', v.teamId, v);
    return v;
  };

  app.get('/api/visits', { onRequest: readers, schema: { tags: ['visits'], querystring: VisitListQuery, response: { 200: Type.Object({ visits: Type.Array(VisitOut) }) } } }, async (req) => ({
    visits: await listVisits(db, ownQuery(req.user, req.query), readScope(req.user)),
  }));

  app.get(
    '/api/visits/:id',
    { onRequest: readers, schema: { tags: ['visits'], description: refusalsDoc(REQUEST_REFUSALS, ['visit_not_found']), params: Id, response: { 200: VisitOut, ...Errors } } },
    async (req) => {
      const visit = await getVisit(db, req.params.id, readScope(req.user));
      // A teammate's visit is as unknown to a collector as another team's.
      const self = collectorScope(req.user);
      if (self !== null && visit.collectorId !== self) throw notFound('visit', req.params.id);
      return visit;
    },
  );

  app.post(
    '/api/visits',
    {
      onRequest: writers,
      schema: { tags: ['visits'], description: refusalsDoc(VISIT_REFUSALS, ['window_ends_before_start', 'collector_of_other_team'], REQUEST_REFUSALS, ['account_not_found', 'collector_not_found']), body: CreateVisit, response: { 201: VisitOut, ...Errors } },
    },
    async (req, reply) => reply.code(201).send(changed(await createVisit(db, req.body, actor(req.user)))),
  );

  app.patch(
    '/api/visits/:id',
    {
      onRequest: writers,
      schema: { tags: ['visits'], description: refusalsDoc(VISIT_REFUSALS, ['version', 'closed', 'window_ends_before_start'], REQUEST_REFUSALS, ['visit_not_found']), params: Id, body: VisitPatch, response: { 200: VisitOut, ...Errors } },
    },
    async (req) => changed(await patchVisit(db, req.params.id, req.body, actor(req.user))),
  );

  app.post(
    '/api/visits/:id/reassign',
    {
      onRequest: writers,
      schema: {
        tags: ['visits'],
        description:
          "Changes the visit's collector only: the day's plan and the collectors' phones keep their routes until the next re-plan (POST /api/plans/{date}/reassign moves and re-plans at once).\n\n" +
          refusalsDoc(VISIT_REFUSALS, ['version', 'closed', 'collector_of_other_team'], REQUEST_REFUSALS, ['visit_not_found', 'collector_not_found']),
        params: Id,
        body: ReassignVisit,
        response: { 200: VisitOut, ...Errors },
      },
    },
    async (req) => changed(await reassignVisit(db, req.params.id, req.body.collectorId, req.body.version, actor(req.user))),
  );

  app.post(
    '/api/visits/:id/cancel',
    { onRequest: writers, schema: { tags: ['visits'], description: refusalsDoc(VISIT_REFUSALS, ['version', 'transition_not_allowed'], REQUEST_REFUSALS, ['visit_not_found']), params: Id, body: CancelVisit, response: { 200: VisitOut, ...Errors } } },
    async (req) => changed(await cancelVisit(db, req.params.id, req.body.version, req.body.note, actor(req.user))),
  );

  app.post(
    '/api/visits/:id/status',
    {
      onRequest: writers,
      schema: {
        tags: ['visits'],
        description: `Moves a visit along its lifecycle.\n\n${refusalsDoc(VISIT_REFUSALS, ['version', 'transition_not_allowed', 'visit_has_no_collector', 'outcome_not_for_status'], REQUEST_REFUSALS, ['visit_not_found'])}`,
        params: Id,
        body: TransitionVisit,
        response: { 200: VisitOut, ...Errors },
      },
    },
    async (req) => changed(await transitionVisit(db, req.params.id, req.body.status, req.body.version, req.body.outcome, actor(req.user))),
  );

  app.post(
    '/api/visits/generate',
    {
      onRequest: writers,
      schema: { tags: ['visits'], description: refusalsDoc(SCOPE_REFUSALS, ['not_in_a_team', 'not_your_team']), body: GenerateVisits, response: { 200: GenerateReport, ...Errors } },
    },
    async (req) => {
      const { date, teamId, maxPerCollector = 30 } = req.body;
      let teamIds: number[];
      if (teamId !== undefined) teamIds = [teamId];
      else if (req.user.role !== 'admin') {
        if (req.user.teamId === null) throw notInATeam(req.user.role);
        teamIds = [req.user.teamId];
      } else teamIds = (await db.selectFrom('teams').select('id').orderBy('id').execute()).map((t) => t.id);
      const report = await generateVisits(db, { date, teamIds, maxPerCollector, actor: actor(req.user) });
      for (const v of report.visits) notify('visit', v.teamId, v);
      return report;
    },
  );
};
