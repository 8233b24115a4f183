import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { CreateDevice, DEVICE_REFUSALS, DeviceList, DevicesUsed, DeviceWithToken, MAX_POSITIONS_PER_PAGE, PositionPage, UnknownDevice } from '../contract/device.ts';
import { REQUEST_REFUSALS } from '../contract/refusal.ts';
import type { Database } from '../db/database.ts';
import { hashToken, type DeviceRegistry } from '../ingest/device-registry.ts';
import { collectorScope, ownCollector, readScope, readsTeam } from '../operations/actor.ts';
import { refusal } from '../operations/errors.ts';
import { devicesOfCollector, positionsOfDevice } from '../repositories/position.repository.ts';
import { requireUser } from './auth-hook.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

export interface DeviceRouteDeps {
  db: Kysely<Database>;
  auth: AuthService;
  registry: DeviceRegistry;
  onDevicesChanged(): void;
  /** A device handed to a collector (or enabled again): its phone gets the collector's plan of the day. */
  onDeviceAssigned(collectorId: number): void;
  /**
   * The devices a collector holds changed (one registered to them, handed over, disabled or enabled):
   * GET /api/collectors lists them, so the teams whose list changed are told (null: a collector of no team).
   */
  onCollectorsChanged(teamIds: (number | null)[]): void;
}

interface Deps extends DeviceRouteDeps {
  /** DEVICE_HOST, or null. */
  deviceHost: string | null;
}

export const deviceRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, { db, auth, registry, onDevicesChanged, onDeviceAssigned, onCollectorsChanged, deviceHost }) => {
  const admins = requireUser(auth, ['admin', 'supervisor']);
  const anyone = requireUser(auth);

  app.post(
    '/api/devices',
    {
      onRequest: admins,
      schema: {
        tags: ['devices'],
        description: refusalsDoc(DEVICE_REFUSALS, ['collector_not_found', 'collector_inactive', 'unique_id_taken']),
        body: CreateDevice,
        response: { 201: DeviceWithToken, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const { uniqueId, name, collectorId = null, protocol = null } = req.body;
      let collectorTeam: number | null = null;
      if (collectorId !== null) {
        const c = await db.selectFrom('collectors').select(['team_id', 'active']).where('id', '=', collectorId).executeTakeFirst();
        // Another team's collector is as unknown to a supervisor as one that does not exist, as in every team-scoped read.
        const team = readScope(req.user);
        if (!c || (team !== null && c.team_id !== team)) throw refusal(DEVICE_REFUSALS, 'collector_not_found', `collector ${collectorId} does not exist`, { collectorId });
        // As on a hand-over: a device of someone who left would report for nobody on the wall.
        if (!c.active) throw refusal(DEVICE_REFUSALS, 'collector_inactive', `collector ${collectorId} is inactive`, { collectorId });
        collectorTeam = c.team_id;
      }
      const token = randomBytes(24).toString('base64url');
      const row = await db
        .insertInto('devices')
        .values({ unique_id: uniqueId, name, token_hash: hashToken(token), collector_id: collectorId, protocol })
        .onConflict((oc) => oc.column('unique_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw refusal(DEVICE_REFUSALS, 'unique_id_taken', `a device with uniqueId ${uniqueId} already exists`, { uniqueId });
      registry.invalidate(uniqueId);
      onDevicesChanged();
      if (collectorId !== null) {
        onDeviceAssigned(collectorId);
        onCollectorsChanged([collectorTeam]);
      }
      return reply.code(201).send({ ...toDeviceOut(row), token });
    },
  );

  // A team's people see their team's devices and the ones no collector holds yet (to hand them out); a collector, the ones they hold.
  // The device host rides along: it is read where devices are set up, by those who may list them, and /api/health answers anyone.
  app.get('/api/devices', { onRequest: anyone, schema: { tags: ['devices'], response: { 200: DeviceList } } }, async (req) => {
    const team = readScope(req.user);
    const self = collectorScope(req.user);
    let q = db
      .selectFrom('devices')
      .leftJoin('device_last', 'device_last.device_id', 'devices.id')
      .selectAll('devices')
      .select(['device_last.device_time', 'device_last.battery_pct'])
      .orderBy('unique_id');
    if (team !== null) {
      q = q.where((eb) => {
        const ofTeam = eb('devices.collector_id', 'in', eb.selectFrom('collectors').select('id').where('team_id', '=', team));
        return self === null ? eb.or([eb('devices.collector_id', 'is', null), ofTeam]) : ofTeam;
      });
    }
    if (self !== null) q = q.where('devices.collector_id', '=', self);
    const rows = await q.execute();
    return {
      devices: rows.map((r) => ({
        ...toDeviceOut(r),
        lastReport: r.device_time === null ? null : { ts: new Date(r.device_time).toISOString(), batteryPct: r.battery_pct },
      })),
      deviceHost,
    };
  });

  // Read by those who register devices: a supervisor setting up a tracker needs the IMEI it sends.
  // Unknown ids belong to no team; an id registered since it was seen is left out, whichever team holds it.
  app.get(
    '/api/devices/unknown',
    {
      onRequest: admins,
      schema: {
        tags: ['devices'],
        description: 'Ids that tried to connect unregistered, newest first (admins and supervisors); an id registered since is not listed.',
        response: { 200: Type.Object({ devices: Type.Array(UnknownDevice) }) },
      },
    },
    async () => {
      const rows = await db
        .selectFrom('unknown_devices')
        .selectAll()
        .where('unique_id', 'not in', (eb) => eb.selectFrom('devices').select('unique_id'))
        .orderBy('last_seen', 'desc')
        .limit(1000)
        .execute();
      return {
        devices: rows.map((r) => ({
          uniqueId: r.unique_id,
          protocol: r.protocol,
          remoteAddress: r.remote_address,
          firstSeen: new Date(r.first_seen).toISOString(),
          lastSeen: new Date(r.last_seen).toISOString(),
          count: r.count,
        })),
      };
    },
  );

  app.get(
    '/api/devices/:uniqueId/positions',
    {
      onRequest: anyone,
      schema: {
        tags: ['devices'],
        description:
          `Positions in [from, to), oldest first, at most \`limit\` (${MAX_POSITIONS_PER_PAGE.toLocaleString('en')} and the default). ` +
          'When more remain, `next` is the time of the first one left out: ask again with `from` set to it and the same `to`.\n\n' +
          "Each position is the trail of the collector who carried the device when it was sent: a caller reads only those of collectors they see " +
          '(a device handed to another collector or team does not show them the previous holder\'s trail), and an admin or manager also the pool\'s. ' +
          '`collectorId` narrows it to one collector\'s (the replay of a collector whose device changed hands).\n\n' +
          refusalsDoc(DEVICE_REFUSALS, ['device_not_found']),
        params: Type.Object({ uniqueId: Type.String() }),
        querystring: Type.Object({
          ...SPAN,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POSITIONS_PER_PAGE, description: `at most ${MAX_POSITIONS_PER_PAGE}, the default` })),
          collectorId: Type.Optional(Type.Integer({ description: "only this collector's positions" })),
        }),
        response: { 200: PositionPage, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const dev = await db
        .selectFrom('devices')
        .leftJoin('collectors', 'collectors.id', 'devices.collector_id')
        .select(['devices.id', 'devices.collector_id', 'collectors.team_id'])
        .where('devices.unique_id', '=', req.params.uniqueId)
        .executeTakeFirst();
      const team = readScope(req.user);
      const self = collectorScope(req.user);
      const unknown = () => refusal(DEVICE_REFUSALS, 'device_not_found', `no device ${req.params.uniqueId}`, { uniqueId: req.params.uniqueId });
      if (!dev) throw unknown();
      const { from, to } = spanOf(req.query);
      const collectorId = ownCollector(req.user, req.query.collectorId) ?? null;
      const page = await positionsOfDevice(db, dev.id, { teamId: team, collectorId }, from, to, req.query.limit ?? MAX_POSITIONS_PER_PAGE);
      // Another team's device, or a teammate's for a collector, is as unknown as one that does not exist, unless it
      // carried the reader's collectors in this window.
      const held = (team === null || dev.team_id === team) && (self === null || dev.collector_id === self);
      if (!held && page.positions.length === 0) throw unknown();
      return page;
    },
  );

  // The replay's device picker: a day's trail stays the collector's on a device handed on since, which their list of devices no longer names.
  app.get(
    '/api/collectors/:id/devices-used',
    {
      onRequest: anyone,
      schema: {
        tags: ['devices'],
        description:
          'The devices that sent positions for the collector in [from, to), the last to report first, whoever holds them now: ' +
          "read the collector's trail on each with GET /api/devices/{uniqueId}/positions?collectorId=.\n\n" +
          refusalsDoc(REQUEST_REFUSALS, ['collector_not_found']),
        params: Type.Object({ id: Type.Integer() }),
        querystring: Type.Object({
          ...SPAN,
        }),
        response: { 200: DevicesUsed, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const { id } = req.params;
      const c = await db.selectFrom('collectors').select('team_id').where('id', '=', id).executeTakeFirst();
      const self = collectorScope(req.user);
      // Another team's collector, or a teammate to a collector, is as unknown as one that does not exist, as in every team-scoped read.
      if (!c || !readsTeam(req.user, c.team_id) || (self !== null && self !== id)) {
        throw refusal(REQUEST_REFUSALS, 'collector_not_found', `collector ${id} does not exist`, { collectorId: id });
      }
      const { from, to } = spanOf(req.query);
      return { devices: await devicesOfCollector(db, id, from, to) };
    },
  );
};

/** The range of positions a read takes, read by spanOf. */
const SPAN = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 24 hours before `to`, or before now' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now and the day ahead' })),
};

/** A range of positions as asked; unbounded, the last 24 hours and whatever a device with a clock ahead has sent since. */
function spanOf(q: { from?: string; to?: string }): { from: Date; to: Date } {
  const now = Date.now();
  const to = q.to ? new Date(q.to) : new Date(now + 86_400_000);
  const from = q.from ? new Date(q.from) : new Date((q.to ? to.getTime() : now) - 86_400_000);
  return { from, to };
}

export function toDeviceOut(r: { id: number; unique_id: string; name: string; collector_id: number | null; protocol: string | null; active: boolean; created_at: Date }) {
  return {
    id: r.id,
    uniqueId: r.unique_id,
    name: r.name,
    collectorId: r.collector_id,
    protocol: r.protocol,
    active: r.active,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
