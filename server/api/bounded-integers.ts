import type { RouteOptions } from 'fastify';
import { PG_INT_MAX } from '../contract/request-values.ts';
import { copySchema, type SchemaObject } from './schema-copy.ts';

type RouteSchema = NonNullable<RouteOptions['schema']>;
const PARTS = ['params', 'querystring', 'body'] as const;

/**
 * onRoute hook: an integer a request sends (an id in the path or the query, a version, a
 * collector in a body…) is at most PG_INT_MAX unless its schema says less. Every id and version
 * column is an `integer`: `GET /api/visits/2147483648` reached the database, whose refusal
 * ("value "2147483648" is out of range for type integer") named no parameter. Past it no record
 * exists, so the request is refused as one its schema does not take, naming the parameter, as
 * `/api/visits/abc` is; an id within it that is not there stays a 404. Done here so that no route
 * forgets it, and /api/docs shows the bound.
 */
export function boundRequestIntegers(route: RouteOptions): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!route.url.startsWith('/api/') || schema === undefined) return;
  const bounded: RouteSchema = { ...schema };
  for (const part of PARTS) if (schema[part] !== undefined) bounded[part] = bounds(schema[part]);
  route.schema = bounded;
}

/** A copy with every unbounded integer bounded. */
function bounds(schema: unknown): unknown {
  return copySchema(schema, bound, ['anyOf', 'oneOf', 'allOf']);
}

function bound(s: SchemaObject): void {
  if (s.type === 'integer' && s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = PG_INT_MAX;
}
