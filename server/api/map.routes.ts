import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { AuthService } from '../auth/auth.service.ts';
import { MapConfig } from '../contract/map.ts';
import type { Database } from '../db/database.ts';
import { findTeam } from '../repositories/team.repository.ts';
import { requireUser } from './auth-hook.ts';
import { mapViewFor } from './map-view.ts';

/** The demo city (`npm run demo` only): where the map opens for users of no team, and its streets. */
export interface StreetsSource {
  center: [number, number];
  /** GeoJSON FeatureCollection of LineStrings, served as-is to the offline style. */
  streets: unknown;
}

export const mapRoutes: FastifyPluginAsyncTypebox<{
  db: Kysely<Database>;
  auth: AuthService;
  config: Omit<MapConfig, 'center' | 'zoom'>;
  city: StreetsSource | null;
}> = async (app, { db, auth, config, city }) => {
  const anyone = requireUser(auth);
  const streetsJson = JSON.stringify(city?.streets ?? { type: 'FeatureCollection', features: [] });

  // A team's people see its clock and money (SPEC §1: times in the team's time zone), and its place; the rest, the server's defaults.
  app.get('/api/map/config', { onRequest: anyone, schema: { tags: ['map'], response: { 200: MapConfig } } }, async (req) => {
    const team = req.user.teamId === null ? undefined : await findTeam(db, req.user.teamId);
    return {
      ...config,
      ...(team && { timeZone: team.timeZone, currency: team.currency }),
      ...(await mapViewFor(db, team ? req.user.teamId : null, city?.center ?? null)),
    };
  });

  app.get('/api/map/streets', { onRequest: anyone, schema: { tags: ['map'], response: { 200: Type.Unknown() } } }, async (_req, reply) =>
    reply.header('content-type', 'application/geo+json').header('cache-control', 'private, max-age=3600').send(streetsJson),
  );
};
