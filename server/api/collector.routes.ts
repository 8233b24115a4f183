import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { SCOPE_REFUSALS } from '../contract/auth.ts';
import { COLLECTOR_REFUSALS, CollectorCreate, CollectorList, CollectorListQuery, CollectorOut, CollectorPatch } from '../contract/collector.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import { TEAM_REFUSALS, TeamOut } from '../contract/team.ts';
import type { Database } from '../db/database.ts';
import { isKnownCurrency } from '../lib/currency.ts';
import { collectorScope, readScope } from '../operations/actor.ts';
import { addCollector, changeCollector } from '../operations/collector-change.ts';
import { refusal, type OperationError } from '../operations/errors.ts';
import { teamNotFound } from '../operations/missing-team.ts';
import { deleteTeam } from '../operations/team-removal.ts';
import { lastPositions } from '../repositories/position.repository.ts';
import { toTeamOut } from '../repositories/team.repository.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

const TeamFields = {
  name: Type.String({ minLength: 1, maxLength: 120, description: 'trimmed; a name of spaces only is refused' }),
  /** IANA zone: the team's plans, days and metrics are cut in it. */
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
};

export interface TeamDefaults {
  timeZone: string;
  currency: string;
}

/** A zone both Intl (the dashboard) and PostgreSQL (the days in the database, which checks too) know. */
const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const unknownZone = (timeZone: string) => refusal(TEAM_REFUSALS, 'unknown_time_zone', `unknown time zone "${timeZone}" (an IANA name such as America/Tijuana)`, { timeZone });
/** ISO 4217 codes in use, as Intl (which formats the team's money on the dashboard) knows them. */
const unknownCurrency = (currency: string) => refusal(TEAM_REFUSALS, 'unknown_currency', `unknown currency "${currency}" (an ISO 4217 code such as MXN, USD or COP)`, { currency });
const isCheckViolation = (e: unknown) => (e as { code?: string }).code === '23514';
const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

/**
 * Another team has the name (migration 0011's trigger, or the exact-name constraint): the refusal
 * names that team, in words; the database's ('duplicate key value violates unique constraint
 * "teams_name_key"') went out as the message, on a rename as on a new team.
 */
async function nameTaken(db: Kysely<Database>, name: string, self: number | null): Promise<OperationError> {
  let q = db.selectFrom('teams').select(['id', 'name']).where(sql<string>`lower(name)`, '=', sql<string>`lower(${name})`);
  if (self !== null) q = q.where('id', '<>', self);
  const other = await q.executeTakeFirst();
  return other
    ? refusal(TEAM_REFUSALS, 'team_name_taken', `team ${other.id} is named "${other.name}"${other.name === name ? '' : ': team names must differ by more than letter case'}`, {
        name: other.name,
        teamId: other.id,
      })
    : refusal(TEAM_REFUSALS, 'team_name_taken', `another team is named "${name}"`, { name });
}

/**
 * A team's name as stored: trimmed, and never blank (" Centro  " was kept with its spaces, and "   "
 * made a team no list could show), as a collector's is. A schema pattern would say "must match pattern".
 */
function teamName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw refusal(REQUEST_REFUSALS, 'invalid_request', 'body/name is blank: a team needs a name that is not only spaces', {});
  return trimmed;
}

export interface CollectorRoutesOptions {
  db: Kysely<Database>;
  auth: AuthService;
  teamDefaults: TeamDefaults;
  /** Collectors or teams changed; `teamIds`: the teams whose list of collectors did, or the team created or deleted (null: collectors of no team). */
  onChanged(teamIds: (number | null)[]): void;
  /** A team's own fields changed (PATCH /api/teams/{id}): its dashboards format with its zone and currency. */
  onTeamChanged(team: TeamOut): void;
}

export const collectorRoutes: FastifyPluginAsyncTypebox<CollectorRoutesOptions> = async (app, { db, auth, teamDefaults, onChanged, onTeamChanged }) => {
  const anyone = requireUser(auth);
  const admins = requireUser(auth, ['admin', 'supervisor']);

  // A collector sees themself only: their teammates' whereabouts are the office's to watch. Deactivated
  // collectors only when asked for: the wall and every picker list the people still working.
  app.get('/api/collectors', { onRequest: anyone, schema: { tags: ['collectors'], querystring: CollectorListQuery, response: { 200: CollectorList } } }, async (req) => {
    const team = readScope(req.user);
    const self = collectorScope(req.user);
    let q = db
      .selectFrom('collectors as c')
      .leftJoin('teams as t', 't.id', 'c.team_id')
      .select(['c.id', 'c.name', 'c.phone', 'c.team_id', 'c.active', 't.name as team_name', 't.time_zone'])
      .orderBy('c.name');
    if (!req.query.includeInactive) q = q.where('c.active', '=', true);
    if (team !== null) q = q.where('c.team_id', '=', team);
    if (self !== null) q = q.where('c.id', '=', self);
    const [rows, devices, last] = await Promise.all([
      q.execute(),
      // Enabled devices first: the replay opens on the first when none has reported.
      db.selectFrom('devices').select(['unique_id', 'protocol', 'collector_id', 'active']).where('collector_id', 'is not', null).orderBy('active', 'desc').orderBy('unique_id').execute(),
      lastPositions(db, team),
    ]);
    const devicesOf = groupBy(devices, (d) => d.collector_id!);
    // A collector with a phone and a tracker shows whichever reported last; a disabled device is no longer
    // theirs to report (lastPositions leaves it out), though it stays listed for its past trail.
    const lastOf = new Map<number, (typeof last)[number]>();
    for (const p of last) {
      if (p.collectorId === null) continue;
      const prev = lastOf.get(p.collectorId);
      if (!prev || p.ts > prev.ts) lastOf.set(p.collectorId, p);
    }
    return {
      collectors: rows.map((c) => ({
        id: c.id,
        name: c.name,
        phone: c.phone,
        teamId: c.team_id,
        teamName: c.team_name,
        timeZone: c.time_zone,
        active: c.active,
        devices: (devicesOf.get(c.id) ?? []).map((d) => ({ uniqueId: d.unique_id, protocol: d.protocol, active: d.active })),
        last: lastOf.get(c.id) ?? null,
      })),
    };
  });

  app.post(
    '/api/collectors',
    {
      onRequest: admins,
      schema: {
        tags: ['collectors'],
        description: refusalsDoc(COLLECTOR_REFUSALS, ['collector_name_blank', 'no_team_for_admins', 'not_your_team', 'external_id_taken'], SCOPE_REFUSALS, ['not_in_a_team', 'team_not_found']),
        body: CollectorCreate,
        response: { 201: Type.Object({ id: Type.Integer() }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const id = await addCollector(db, req.body, req.user);
      onChanged([req.body.teamId]);
      return reply.code(201).send({ id });
    },
  );

  app.patch(
    '/api/collectors/:id',
    {
      onRequest: admins,
      schema: {
        tags: ['collectors'],
        description:
          "Rename, change the phone, move to another team (`teamId`, admins only: the collector's login moves too, and its sessions end) or deactivate " +
          '(`active: false`: no longer planned, and their login is deactivated and its sessions end; their devices stay registered). ' +
          'Bringing a collector back (`active: true`) does not bring their login back: an admin does that with PATCH /api/users/{id}. ' +
          "A supervisor changes their own team's collectors only.\n\n" +
          refusalsDoc(COLLECTOR_REFUSALS, ['collector_not_found', 'collector_name_blank', 'move_for_admins', 'collector_has_visits'], SCOPE_REFUSALS, ['team_not_found']),
        params: Type.Object({ id: Type.Integer() }),
        body: CollectorPatch,
        response: { 200: CollectorOut, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req) => {
      const { collector, endedLogins, teamIds } = await changeCollector(db, req.params.id, req.body, req.user);
      // A moved login's cached session still says the old team (as PATCH /api/users does on a new team); a deactivated one must stop at once.
      for (const userId of endedLogins) await auth.endSessions(userId);
      onChanged(teamIds);
      return collector;
    },
  );

  // Scoped like every other read: a team's people pick from their own team only (the board's and metrics' filters).
  app.get('/api/teams', { onRequest: anyone, schema: { tags: ['teams'], response: { 200: Type.Object({ teams: Type.Array(TeamOut) }) } } }, async (req) => {
    const team = readScope(req.user);
    let q = db.selectFrom('teams').selectAll().orderBy('name');
    if (team !== null) q = q.where('id', '=', team);
    const rows = await q.execute();
    return { teams: rows.map(toTeamOut) };
  });

  const teamAdmins = requireUser(auth, ['admin']);
  app.post(
    '/api/teams',
    {
      onRequest: teamAdmins,
      schema: {
        tags: ['teams'],
        description: refusalsDoc(TEAM_REFUSALS, ['team_name_taken', 'unknown_time_zone', 'unknown_currency']),
        body: Type.Object({ name: TeamFields.name, timeZone: Type.Optional(TeamFields.timeZone), currency: Type.Optional(TeamFields.currency) }),
        response: { 201: Type.Object({ id: Type.Integer() }), 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const { timeZone = teamDefaults.timeZone, currency = teamDefaults.currency } = req.body;
      const name = teamName(req.body.name);
      if (!knownZone(timeZone)) throw unknownZone(timeZone);
      if (req.body.currency !== undefined && !isKnownCurrency(currency)) throw unknownCurrency(currency);
      try {
        const row = await db.insertInto('teams').values({ name, time_zone: timeZone, currency }).returning('id').executeTakeFirstOrThrow();
        // Other admins' team pages list the teams and offer them in the pickers: they reload on it.
        onChanged([row.id]);
        return reply.code(201).send({ id: row.id });
      } catch (e) {
        if (isCheckViolation(e)) throw unknownZone(timeZone);
        if (isUniqueViolation(e)) throw await nameTaken(db, name, null);
        throw e;
      }
    },
  );

  // A new zone re-cuts the team's days: metrics of past days move with it (migration 0009).
  app.patch(
    '/api/teams/:id',
    {
      onRequest: teamAdmins,
      schema: {
        tags: ['teams'],
        description: refusalsDoc(TEAM_REFUSALS, ['team_name_taken', 'unknown_time_zone', 'unknown_currency'], SCOPE_REFUSALS, ['team_not_found']),
        params: Type.Object({ id: Type.Integer() }),
        body: Type.Partial(Type.Object(TeamFields), { minProperties: 1, additionalProperties: false }),
        response: { 200: TeamOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req) => {
      const { timeZone, currency } = req.body;
      const name = req.body.name === undefined ? undefined : teamName(req.body.name);
      if (timeZone !== undefined && !knownZone(timeZone)) throw unknownZone(timeZone);
      if (currency !== undefined && !isKnownCurrency(currency)) throw unknownCurrency(currency);
      try {
        const row = await db
          .updateTable('teams')
          .set({ name, time_zone: timeZone, currency })
          .where('id', '=', req.params.id)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw teamNotFound(req.params.id);
        // Its collectors' rows show the team's name and zone; a new currency is not on them.
        onChanged(name !== undefined || timeZone !== undefined ? [row.id] : []);
        const team = toTeamOut(row);
        onTeamChanged(team);
        return team;
      } catch (e) {
        if (isCheckViolation(e)) throw unknownZone(timeZone ?? '');
        if (isUniqueViolation(e) && name !== undefined) throw await nameTaken(db, name, req.params.id);
        throw e;
      }
    },
  );

  // For a team made by mistake: one that holds anything a lender would lose is refused, never emptied.
  app.delete(
    '/api/teams/:id',
    {
      onRequest: teamAdmins,
      schema: {
        tags: ['teams'],
        description: refusalsDoc(TEAM_REFUSALS, ['team_not_empty'], SCOPE_REFUSALS, ['team_not_found']),
        params: Type.Object({ id: Type.Integer() }),
        response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      await deleteTeam(db, req.params.id);
      // Only an empty team is deleted, so no collector row changed; but other admins' team pages list it and offer it in the pickers.
      onChanged([req.params.id]);
      return reply.code(204).send(null);
    },
  );
};

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
