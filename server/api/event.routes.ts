import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { SCOPE_REFUSALS, type SessionUser } from '../contract/auth.ts';
import { DeviationRulesPatch, DeviationRulesSchema, EventListQuery, EventOut } from '../contract/event.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import type { DeviationService } from '../deviations/deviation.service.ts';
import { acknowledgeEvent, getEvent, listEvents } from '../deviations/event.repository.ts';
import { actorLabel, assertCanWrite, assertCanWriteRecord, notYourTeam, ownQuery, readScope } from '../operations/actor.ts';
import { notFound } from '../operations/errors.ts';
import { assertTeamExists, teamDeletedMeanwhile } from '../operations/missing-team.ts';
import { DAY_READERS, READERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const Id = Type.Object({ id: Type.Integer() });
/** Issue 5: a supervisor acknowledges deviations; admins may too. */
const ACKERS = ['admin', 'supervisor'] as const;

export interface EventRoutesOptions {
  db: Kysely<Database>;
  auth: AuthService;
  deviations: DeviationService;
  /** Streams an acknowledged event to the wall (SPEC §7 `event`). */
  emit(teamId: number, event: EventOut): void;
}

export const eventRoutes: FastifyPluginAsyncTypebox<EventRoutesOptions> = async (app, { db, auth, deviations, emit }) => {
  const readers = requireUser(auth, READERS);
  const assertCanRead = (user: SessionUser, teamId: number) => {
    const scope = readScope(user);
    if (scope !== null && scope !== teamId) throw notYourTeam(teamId);
  };

  app.get(
    '/api/events',
    { onRequest: requireUser(auth, DAY_READERS), schema: { tags: ['events'], querystring: EventListQuery, response: { 200: Type.Object({ events: Type.Array(EventOut) }), ...Errors } } },
    async (req) => ({ events: await listEvents(db, ownQuery(req.user, req.query), readScope(req.user)) }),
  );

  app.post(
    '/api/events/:id/ack',
    { onRequest: requireUser(auth, ACKERS), schema: { tags: ['events'], description: refusalsDoc(REQUEST_REFUSALS, ['event_not_found']), params: Id, response: { 200: EventOut, ...Errors } } },
    async (req) => {
      const existing = await getEvent(db, req.params.id);
      if (!existing) throw notFound('event', req.params.id);
      assertCanWriteRecord({ kind: 'user', user: req.user }, existing.teamId, 'event', req.params.id);
      const acked = (await acknowledgeEvent(db, existing.id, actorLabel({ kind: 'user', user: req.user })))!;
      if (existing.acknowledgedAt === null) emit(acked.teamId, acked);
      return acked;
    },
  );

  app.get(
    '/api/teams/:id/deviation-rules',
    {
      onRequest: readers,
      schema: { tags: ['events'], description: refusalsDoc(SCOPE_REFUSALS, ['not_your_team', 'team_not_found']), params: Id, response: { 200: DeviationRulesSchema, ...Errors } },
    },
    async (req) => {
      assertCanRead(req.user, req.params.id);
      await assertTeamExists(db, req.params.id);
      return deviations.rulesOf(req.params.id);
    },
  );

  // PATCH: the body is merged into the current settings, field by field.
  app.patch(
    '/api/teams/:id/deviation-rules',
    {
      onRequest: requireUser(auth, ACKERS),
      schema: {
        tags: ['events'],
        description: refusalsDoc(SCOPE_REFUSALS, ['not_in_a_team', 'not_your_team', 'team_not_found']),
        params: Id,
        body: DeviationRulesPatch,
        response: { 200: DeviationRulesSchema, ...Errors },
      },
    },
    async (req) => {
      const teamId = req.params.id;
      assertCanWrite({ kind: 'user', user: req.user }, teamId);
      await assertTeamExists(db, teamId);
      return deviations.updateRules(teamId, req.body, actorLabel({ kind: 'user', user: req.user })).catch((e: unknown) => {
        throw teamDeletedMeanwhile(e, 'deviation_rules', teamId) ?? e;
      });
    },
  );
};
