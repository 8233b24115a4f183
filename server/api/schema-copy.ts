/** A JSON schema object, as route schemas hold them. */
export type SchemaObject = Record<string, unknown>;

/**
 * A copy of `schema` in which `change` has rewritten it and every schema nested in it (its properties,
 * its items, and the `combinators` named), for the onRoute hooks that tighten every route's schemas:
 * schemas are shared between routes and must not change under them. `change` gets a copy to rewrite.
 * TypeBox keeps its kind under a symbol, which the spread copies; Ajv reads only the string keys.
 */
export function copySchema(schema: unknown, change: (copy: SchemaObject) => void, combinators: readonly ('anyOf' | 'oneOf' | 'allOf')[]): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = schema as SchemaObject;
  const out: SchemaObject = { ...s };
  change(out);
  const nested = (v: unknown) => copySchema(v, change, combinators);
  if (s.properties !== null && typeof s.properties === 'object') out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, nested(v)]));
  if (s.items !== undefined) out.items = Array.isArray(s.items) ? s.items.map(nested) : nested(s.items);
  for (const k of combinators) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map(nested);
  return out;
}
