import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { SCOPE_REFUSALS, type SessionUser } from '../contract/auth.ts';
import {
  CollectorPlanSettings,
  DayPlans,
  DayPlansQuery,
  OptimizeRequest,
  PLAN_REFUSALS,
  PlanDateParams,
  PlanOut,
  PlanQuery,
  ReassignRequest,
  TeamPlanSettings,
  TeamPlanSettingsOut,
  UNASSIGNED_REASONS,
  VisitPlanSettings,
} from '../contract/plan.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { assertCanWrite, assertCanWriteRecord, collectorScope, ownTeam, readScope, readsTeam, type Actor } from '../operations/actor.ts';
import { notFound, refusal } from '../operations/errors.ts';
import { assertTeamExists, teamDeletedMeanwhile, teamNotFound } from '../operations/missing-team.ts';
import { loadTeamPlanning, saveCollectorSettings, saveTeamSettings, setVisitFlags, teamSettingsOut } from '../plans/plan.repository.ts';
import { ownRoute } from '../plans/own-route.ts';
import type { PlanService } from '../plans/plan.service.ts';
import { DAY_READERS, READERS, WRITERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

/** The team a request acts on: a user's own, or for admins and managers the one they name. */
function teamOf(user: SessionUser, teamId: number | undefined): number {
  if (readScope(user) === null) {
    if (teamId === undefined) throw refusal(PLAN_REFUSALS, 'team_required', 'teamId is required', {});
    return teamId;
  }
  return ownTeam(user, teamId);
}

const actorOf = (user: SessionUser): Actor => ({ kind: 'user', user });

/** A plan as the user reads it: a collector's own route only (ownRoute). */
const asSeenBy = (user: SessionUser, plan: PlanOut): PlanOut => {
  const self = collectorScope(user);
  return self === null ? plan : ownRoute(plan, self);
};

/** Issue 4: day plans, their reassignment, and the planning settings the optimizer reads. */
export const planRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; auth: AuthService; plans: PlanService }> = async (app, { db, auth, plans }) => {
  const readers = requireUser(auth, READERS);
  const dayReaders = requireUser(auth, DAY_READERS);
  const writers = requireUser(auth, WRITERS);

  app.post(
    '/api/plans/optimize',
    {
      onRequest: writers,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(
          PLAN_REFUSALS,
          ['team_required', 'no_open_visits', 'changed'],
          SCOPE_REFUSALS,
          ['not_in_a_team', 'not_your_team', 'team_not_found'],
          REQUEST_REFUSALS,
          ['collector_not_found'],
        ),
        body: OptimizeRequest,
        response: { 200: PlanOut, ...Errors },
      },
    },
    async (req) => plans.optimize(actorOf(req.user), teamOf(req.user, req.body.teamId), req.body),
  );

  app.get(
    '/api/plans',
    {
      onRequest: dayReaders,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(PLAN_REFUSALS, ['team_required'], SCOPE_REFUSALS, ['not_in_a_team', 'not_your_team']),
        querystring: DayPlansQuery,
        response: { 200: DayPlans, ...Errors },
      },
    },
    async (req) => {
      const everyTeam = readScope(req.user) === null && req.query.teamId === undefined;
      const day = await plans.ofDay(everyTeam ? null : teamOf(req.user, req.query.teamId), req.query.date);
      return { plans: day.map((plan) => asSeenBy(req.user, plan)) };
    },
  );

  app.get(
    '/api/plans/:date',
    {
      onRequest: dayReaders,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(PLAN_REFUSALS, ['team_required', 'plan_not_found'], SCOPE_REFUSALS, ['not_in_a_team', 'not_your_team', 'team_not_found']),
        params: PlanDateParams,
        querystring: PlanQuery,
        response: { 200: PlanOut, ...Errors },
      },
    },
    async (req) => asSeenBy(req.user, await plans.current(teamOf(req.user, req.query.teamId), req.params.date)),
  );

  app.post(
    '/api/plans/:date/reassign',
    {
      onRequest: writers,
      schema: {
        tags: ['plans'],
        description:
          "Moves, reorders, locks or cancels visits and re-plans the collectors they touch, all in one: if the re-plan fails, nothing changes. A visit another route's re-plan can no longer hold (its day ran late) is left unassigned, named in `unassigned` with `fromCollectorId`.\n\n" +
          refusalsDoc(
            PLAN_REFUSALS,
            [
              'team_required',
              'visit_repeated',
              'nothing_to_change',
              'moved_visit_not_reordered',
              'visit_of_other_date',
              'no_plan_yet',
              'version',
              'closed',
              'not_on_route',
              'changed',
              ...UNASSIGNED_REASONS,
            ],
            SCOPE_REFUSALS,
            ['not_in_a_team', 'not_your_team', 'team_not_found'],
            REQUEST_REFUSALS,
            ['visit_not_found', 'collector_not_found'],
          ),
        params: PlanDateParams,
        body: ReassignRequest,
        response: { 200: PlanOut, ...Errors },
      },
    },
    async (req) => plans.reassign(actorOf(req.user), teamOf(req.user, req.body.teamId), req.params.date, req.body),
  );

  app.get(
    '/api/plans/settings/teams/:teamId',
    {
      onRequest: readers,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(SCOPE_REFUSALS, ['team_not_found']),
        params: Type.Object({ teamId: Type.Integer() }),
        response: { 200: TeamPlanSettingsOut, ...Errors },
      },
    },
    async (req) => {
      // Another team's settings are as unknown as a team that does not exist.
      if (!readsTeam(req.user, req.params.teamId)) throw teamNotFound(req.params.teamId);
      return teamSettingsOut(await loadTeamPlanning(db, req.params.teamId));
    },
  );

  app.put(
    '/api/plans/settings/teams/:teamId',
    {
      onRequest: writers,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(PLAN_REFUSALS, ['break_ends_before_start', 'shift_ends_before_start'], SCOPE_REFUSALS, ['not_in_a_team', 'not_your_team', 'team_not_found']),
        params: Type.Object({ teamId: Type.Integer() }),
        body: TeamPlanSettings,
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (req, reply) => {
      const { teamId } = req.params;
      assertCanWrite(actorOf(req.user), teamId);
      await assertTeamExists(db, teamId);
      await saveTeamSettings(db, teamId, req.body).catch((e: unknown) => {
        throw teamDeletedMeanwhile(e, 'team_plan_settings', teamId) ?? e;
      });
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/plans/settings/collectors/:collectorId',
    {
      onRequest: writers,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(PLAN_REFUSALS, ['shift_ends_before_start'], REQUEST_REFUSALS, ['collector_not_found']),
        params: Type.Object({ collectorId: Type.Integer() }),
        body: CollectorPlanSettings,
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (req, reply) => {
      const c = await db.selectFrom('collectors').select('team_id').where('id', '=', req.params.collectorId).executeTakeFirst();
      if (!c || c.team_id === null) throw notFound('collector', req.params.collectorId);
      assertCanWriteRecord(actorOf(req.user), c.team_id, 'collector', req.params.collectorId);
      await saveCollectorSettings(db, req.params.collectorId, req.body);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/plans/settings/visits/:visitId',
    {
      onRequest: writers,
      schema: {
        tags: ['plans'],
        description: refusalsDoc(REQUEST_REFUSALS, ['visit_not_found']),
        params: Type.Object({ visitId: Type.Integer() }),
        body: VisitPlanSettings,
        response: { 204: Type.Null(), ...Errors },
      },
    },
    async (req, reply) => {
      const v = await db.selectFrom('visits').select('team_id').where('id', '=', req.params.visitId).executeTakeFirst();
      if (!v) throw notFound('visit', req.params.visitId);
      assertCanWriteRecord(actorOf(req.user), v.team_id, 'visit', req.params.visitId);
      await setVisitFlags(db, req.params.visitId, req.body);
      return reply.code(204).send(null);
    },
  );
};
