import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { SCOPE_REFUSALS, type SessionUser } from '../contract/auth.ts';
import { DeviationRulesPatch, DeviationRulesSchema, EventListQuery, EventOut, type DeviationRules } from '../contract/event.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import type { DeviationService } from '../deviations/deviation.service.ts';
import { acknowledgeEvent, getEvent, listEvents, loadTeamRules } from '../deviations/event.repository.ts';
import { actorLabel, assertCanWrite, assertCanWriteRecord, notYourTeam, ownQuery, readScope } from '../operations/actor.ts';
import { notFound, refusal } from '../operations/errors.ts';
import { assertTeamExists, teamDeletedMeanwhile } from '../operations/missing-team.ts';
import { DAY_READERS, READERS } from './account.routes.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const Id = Type.Object({ id: Type.Integer() });
/**
 * Thresholds that only work as a pair, each field of which its schema bounds alone: a hysteresis as
 * wide as the corridor never lets an off-route incident close, a leave radius inside the arrive
 * radius reads every fix as leaving, a battery that closes below where it opens flaps.
 * `[section, field, the other field, how the first must stand to it]`.
 */
const PAIRS: [keyof DeviationRules, string, string, 'below' | 'at least'][] = [
  ['offRoute', 'hysteresisM', 'corridorM', 'below'],
  ['arrivedNoCheckin', 'leaveRadiusM', 'radiusM', 'at least'],
  ['lowBattery', 'closeAbovePct', 'openBelowPct', 'at least'],
];

/** The rules a patch would make of the stored ones, refused when a pair no longer works; as `updateRules` merges them. */
function assertPairsHold(current: DeviationRules, patch: DeviationRulesPatch): void {
  for (const [section, field, other, how] of PAIRS) {
    const changed = (patch[section] ?? {}) as Record<string, number | undefined>;
    if (changed[field] === undefined && changed[other] === undefined) continue;
    const merged = { ...current[section], ...changed } as unknown as Record<string, number>;
    const ok = how === 'below' ? merged[field] < merged[other] : merged[field] >= merged[other];
    if (ok) continue;
    const named = changed[field] !== undefined ? field : other;
    throw refusal(
      REQUEST_REFUSALS,
      'invalid_request',
      `body/${section}/${named}: ${field} (${merged[field]}) must be ${how} ${other} (${merged[other]})${changed[other] === undefined ? `, the team's ${other} now` : ''}`,
      {},
    );
  }
}

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
      assertPairsHold((await loadTeamRules(db, teamId)).get(teamId) ?? deviations.rulesOf(teamId), req.body);
      return deviations.updateRules(teamId, req.body, actorLabel({ kind: 'user', user: req.user })).catch((e: unknown) => {
        throw teamDeletedMeanwhile(e, 'deviation_rules', teamId) ?? e;
      });
    },
  );
};
