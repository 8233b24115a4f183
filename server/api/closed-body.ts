import type { RouteOptions } from 'fastify';
import { copySchema, type SchemaObject } from './schema-copy.ts';

type RouteSchema = NonNullable<RouteOptions['schema']>;

/**
 * onRoute hook: a JSON body takes only the fields its schema declares, at every level. Bodies
 * without `additionalProperties: false` took a misspelt field in silence: `POST /api/visits
 * {"colectorId": 1}` made an unassigned visit, `POST /api/visits/generate {"maxPerColector": 1}`
 * handed out the default 30 each, while the PATCH bodies refused the same typo. Done here, not in
 * each schema, so that no route can forget it; the validator then names the field and the ones the
 * object takes (validation.ts), and /api/docs shows every body closed.
 *
 * A schema that sets additionalProperties (true, or a schema for the values) keeps its own, as does
 * a record (patternProperties). The device payloads that share these schemas (a phone's check-in or
 * payment over MQTT, SPEC §5) are checked against the contract's own schema, which this leaves as it
 * is: a phone app's extra fields there are still ignored, only the API's bodies are closed.
 */
export function refuseUndeclaredBodyFields(route: RouteOptions): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!route.url.startsWith('/api/') || schema?.body === undefined) return;
  route.schema = { ...schema, body: closedDeep(schema.body) };
}

/** A copy of the schema with each object that declares properties closed. allOf is left alone: closing each part of an intersection would refuse the other parts' fields. */
function closedDeep(schema: unknown): unknown {
  return copySchema(schema, close, ['anyOf', 'oneOf']);
}

function close(s: SchemaObject): void {
  const declares = s.properties !== null && typeof s.properties === 'object';
  if (declares && s.type === 'object' && s.additionalProperties === undefined && s.patternProperties === undefined) s.additionalProperties = false;
}
