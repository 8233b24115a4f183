import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { SessionUser } from '../contract/auth.ts';
import { DEVICE_REFUSALS, DeviceOut, DevicePatch, DeviceWithToken } from '../contract/device.ts';
import { hashToken } from '../ingest/device-registry.ts';
import { readScope } from '../operations/actor.ts';
import { refusal } from '../operations/errors.ts';
import { requireUser } from './auth-hook.ts';
import { toDeviceOut, type DeviceRouteDeps } from './device.routes.ts';
import { refusalsDoc } from './refusals-doc.ts';
import { ErrorBody } from './schemas.ts';

interface Deps extends DeviceRouteDeps {
  /** Closes the device's open connections: it must log in again (a rotated token, a disabled device). */
  disconnect(uniqueId: string): void;
  /** Removes the plan retained for the device: a phone back in the pool or disabled must not show its last collector's visits. */
  clearPlan(uniqueId: string): Promise<void>;
}

const Params = Type.Object({ uniqueId: Type.String() });
const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/**
 * Devices after registration (SPEC §5: a device is registered to a collector), for those who
 * register them: admins, and a team's supervisor for the team's devices and the pool of
 * unassigned ones. Another team's device is as unknown as one that does not exist.
 */
export const deviceAdminRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  const { db, auth, registry } = deps;
  const admins = requireUser(auth, ['admin', 'supervisor']);

  /** The device as the caller may see it. */
  async function visibleDevice(user: SessionUser, uniqueId: string) {
    const dev = await db
      .selectFrom('devices')
      .leftJoin('collectors', 'collectors.id', 'devices.collector_id')
      .selectAll('devices')
      .select('collectors.team_id')
      .where('devices.unique_id', '=', uniqueId)
      .executeTakeFirst();
    const team = readScope(user);
    // As GET /api/devices lists them: the team's devices and the unassigned ones.
    if (!dev || (team !== null && dev.collector_id !== null && dev.team_id !== team)) throw refusal(DEVICE_REFUSALS, 'device_not_found', `device ${uniqueId} does not exist`, { uniqueId });
    return dev;
  }

  app.patch(
    '/api/devices/:uniqueId',
    {
      onRequest: admins,
      schema: {
        tags: ['devices'],
        description:
          'Rename, hand to a collector (`collectorId`; null = back to the pool), disable or enable (`active`). A supervisor hands devices only to their own team. ' +
          "Unassigned or disabled, the device's retained plan is cleared; disabled, its connections are closed and it is refused like an unknown id.\n\n" +
          refusalsDoc(DEVICE_REFUSALS, ['device_not_found', 'collector_not_found', 'collector_inactive']),
        params: Params,
        body: DevicePatch,
        response: { 200: DeviceOut, ...Errors },
      },
    },
    async (req) => {
      const { uniqueId } = req.params;
      const dev = await visibleDevice(req.user, uniqueId);
      const { name, collectorId, active } = req.body;
      /** The team of the collector who holds the device after the change. */
      let holderTeam = dev.team_id;
      if (collectorId !== undefined && collectorId !== null && collectorId !== dev.collector_id) {
        const c = await db.selectFrom('collectors').select(['team_id', 'active']).where('id', '=', collectorId).executeTakeFirst();
        const team = readScope(req.user);
        if (!c || (team !== null && c.team_id !== team)) throw refusal(DEVICE_REFUSALS, 'collector_not_found', `collector ${collectorId} does not exist`, { collectorId });
        if (!c.active) throw refusal(DEVICE_REFUSALS, 'collector_inactive', `collector ${collectorId} is inactive`, { collectorId });
        holderTeam = c.team_id;
      }
      const row = await db
        .updateTable('devices')
        .set({
          ...(name !== undefined ? { name } : {}),
          ...(collectorId !== undefined ? { collector_id: collectorId } : {}),
          ...(active !== undefined ? { active } : {}),
        })
        .where('id', '=', dev.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      registry.invalidate(uniqueId);
      const handedOver = row.collector_id !== dev.collector_id;
      if (row.active !== dev.active) deps.disconnect(uniqueId);
      // Cleared before the new collector's plan goes: a collector with no plan today must not inherit the last one's.
      if ((handedOver || !row.active) && dev.active) {
        await deps.clearPlan(uniqueId).catch((err: Error) => req.log.warn({ uniqueId, err: err.message }, 'retained plan not cleared'));
      }
      if (row.active && row.collector_id !== null && (handedOver || !dev.active)) deps.onDeviceAssigned(row.collector_id);
      deps.onDevicesChanged();
      // The collector rows list their devices (enabled or not): the one who gave it up and the one who got it changed.
      // A new name is not on them.
      const teams = new Set<number | null>();
      if (handedOver && dev.collector_id !== null) teams.add(dev.team_id);
      if (row.collector_id !== null && (handedOver || row.active !== dev.active)) teams.add(holderTeam);
      if (teams.size > 0) deps.onCollectorsChanged([...teams]);
      return toDeviceOut(row);
    },
  );

  app.post(
    '/api/devices/:uniqueId/token',
    {
      onRequest: admins,
      schema: {
        tags: ['devices'],
        description: `A new token, shown once; the old one stops working at once (MQTT logins and the connections made with it).\n\n${refusalsDoc(DEVICE_REFUSALS, ['device_not_found'])}`,
        params: Params,
        response: { 200: DeviceWithToken, ...Errors },
      },
    },
    async (req) => {
      const dev = await visibleDevice(req.user, req.params.uniqueId);
      const token = randomBytes(24).toString('base64url');
      const row = await db.updateTable('devices').set({ token_hash: hashToken(token) }).where('id', '=', dev.id).returningAll().executeTakeFirstOrThrow();
      registry.invalidate(row.unique_id);
      deps.disconnect(row.unique_id);
      return { ...toDeviceOut(row), token };
    },
  );
};
