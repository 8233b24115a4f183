import type { RouteOptions } from 'fastify';
import { requirementOf } from './auth-hook.ts';
import { namesATeam } from './named-team.ts';
import { ErrorBody } from './schemas.ts';

type RouteSchema = NonNullable<RouteOptions['schema']> & { hide?: boolean; security?: unknown[]; response?: Record<string | number, unknown> };

/**
 * onRoute hook: the refusals every route shares, in its schema, so that /api/docs (and a client
 * generated from it) sees them. Written once here rather than in each route, where they went
 * missing: requireUser's 401 (no or a dead token) and, with roles, its 403; the 400 of a request
 * its schema refuses. A route without requireUser is public, and says so (`security: []`) instead
 * of inheriting the document's bearer requirement. Status codes a route already declares are kept.
 */
export function documentSharedRefusals(route: RouteOptions): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!route.url.startsWith('/api/') || schema?.hide) return;
  const requirement = [route.onRequest ?? []].flat().map(requirementOf).find((r) => r !== undefined);
  const refusals: Record<number, typeof ErrorBody> = {};
  // A query string that takes anything (health's) refuses nothing; any other refuses an undeclared parameter.
  const refusesQuery = schema?.querystring !== undefined && (schema.querystring as { additionalProperties?: unknown }).additionalProperties !== true;
  if (schema?.body || refusesQuery || schema?.params) refusals[400] = ErrorBody;
  if (requirement) refusals[401] = ErrorBody;
  if (requirement?.roles) refusals[403] = ErrorBody;
  if (requirement && namesATeam(route.method, schema?.querystring)) {
    refusals[403] = ErrorBody;
    refusals[404] = ErrorBody;
  }
  // A fresh object: route schemas share their response maps (`...Errors`), which must not change under other routes.
  route.schema = {
    ...schema,
    ...(requirement || schema?.security ? {} : { security: [] }),
    // Without a response schema the docs showed a default 200; only error codes would hide it.
    response: { ...refusals, ...(schema?.response ?? { 200: { description: 'Default Response' } }) },
  };
}
