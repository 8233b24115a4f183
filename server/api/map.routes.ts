import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuthService } from '../auth/auth.service.ts';
import { MapConfig } from '../contract/map.ts';
import { requireUser } from './auth-hook.ts';

export interface StreetsSource {
  center: [number, number];
  /** GeoJSON FeatureCollection of LineStrings, served as-is to the offline style. */
  streets: unknown;
}

export const mapRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; config: Omit<MapConfig, 'center' | 'zoom'>; city: StreetsSource | null }> = async (
  app,
  { auth, config, city },
) => {
  const anyone = requireUser(auth);
  const streetsJson = JSON.stringify(city?.streets ?? { type: 'FeatureCollection', features: [] });

  app.get('/api/map/config', { preHandler: anyone, schema: { tags: ['map'], response: { 200: MapConfig } } }, async () => ({
    ...config,
    center: city?.center ?? [-103.3475, 20.6767],
    zoom: 14,
  }));

  app.get('/api/map/streets', { preHandler: anyone, schema: { tags: ['map'], response: { 200: Type.Unknown() } } }, async (_req, reply) =>
    reply.header('content-type', 'application/geo+json').header('cache-control', 'private, max-age=3600').send(streetsJson),
  );
};
