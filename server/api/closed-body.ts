import type { RouteOptions } from 'fastify';

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

/** A copy of the schema with each object that declares properties closed; schemas are shared between routes and must not change under them. */
export function closedDeep(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string | symbol, unknown> = { ...s };
  // TypeBox keeps its kind under a symbol, which a spread copies; Ajv reads only the string keys.
  if (s.properties !== null && typeof s.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, closedDeep(v)]));
    if (s.type === 'object' && s.additionalProperties === undefined && s.patternProperties === undefined) out.additionalProperties = false;
  }
  if (s.items !== undefined) out.items = Array.isArray(s.items) ? s.items.map(closedDeep) : closedDeep(s.items);
  // allOf is left alone: closing each part of an intersection would refuse the other parts' fields.
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map(closedDeep);
  return out;
}
