import type { RouteOptions } from 'fastify';

type RouteSchema = NonNullable<RouteOptions['schema']> & { hide?: boolean };

/** No parameters: the validator compiler closes it (validation.ts), so each one is refused by name. */
const NO_PARAMETERS = { type: 'object', properties: {} } as const;

/**
 * onRoute hook: an API route that declares no query string takes none. Without a schema Fastify
 * ignored one, so `GET /api/devices?teamId=2` answered every team's devices as if nothing was
 * asked; now it is the same 400 as an undeclared parameter of a route that has a query string.
 * Done here so that no route can forget it. Left alone: what is not under /api/ (the dashboard's
 * pages, read with `?date=` by the browser), the hidden routes (/api/docs's own pages), and
 * WebSocket upgrades, whose clients may add their own parameters.
 */
export function refuseUndeclaredQuery(route: RouteOptions): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!route.url.startsWith('/api/') || schema?.hide || schema?.querystring || (route as { websocket?: boolean }).websocket) return;
  route.schema = { ...schema, querystring: NO_PARAMETERS };
}
