import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fastUri from 'fast-uri';
import type { FastifySchemaCompiler } from 'fastify';
import { FIRST_DATE, LAST_DATE, isCalendarDate } from '../contract/request-values.ts';

/**
 * Fastify's own defaults (@fastify/ajv-compiler), less `removeAdditional`: an unknown field is kept for the schema to judge.
 * Not `verbose`: its errors carry the refused value, and Fastify logs a 400's errors (a password among them).
 */
const BASE: Options = { useDefaults: true, removeAdditional: false, uriResolver: fastUri, addUsedSchema: false, allErrors: false };

/**
 * Request validation per part of the request. A query string or a path only holds text, so
 * `?limit=50` must become a number; a JSON body already says what each value is, and
 * coercing it turned `"lat": "Infinity"` into a stored Infinity, `"balanceDue": null` into
 * 0 (a debt wiped) and `"teamId": true` into team 1. Bodies are therefore taken as sent
 * (Ajv's strictNumbers, on by default, refuses 1e400). Coercion reads "Infinity" and
 * "1e400" as numbers that its type check no longer sees, so coerced parts are checked
 * for infinities after validation.
 */
export function requestValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = withFormats(new Ajv({ ...BASE, coerceTypes: false }));
  const text = withFormats(new Ajv({ ...BASE, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') return checked(body.compile(schema as object), schema, 'field', (data) => noFix(data, '', 0));
    if (httpPart !== 'querystring') return checked(text.compile(schema as object), schema, 'field', nonFinite, notDecimal(schema));
    const query = closed(schema);
    const range = isRange(query);
    return checked(text.compile(query as object), query, 'parameter', (data) => nonFinite(data) ?? (range ? reversed(data) : null), notDecimal(query));
  };
}

/**
 * A query string's schema, refusing what it does not declare: `?form=2026-01-01` (for `from`)
 * answered as if no range was asked, the wrong data without a word. Done here, not in each
 * schema, so that no route's query can forget it; a schema that sets additionalProperties keeps its own.
 */
function closed(schema: unknown): unknown {
  const s = schema as { type?: unknown; additionalProperties?: unknown };
  return s.type === 'object' && s.additionalProperties === undefined ? { ...s, additionalProperties: false } : s;
}

function withFormats(ajv: Ajv): Ajv {
  addFormats.default(ajv);
  // RFC 3339 §5.6 allows a leap second (23:59:60), which a Date cannot hold: `new Date()` made it an Invalid
  // Date that reached SQL as "0NaN-NaN-NaN". Every route reads a date-time with `new Date()`, so the format
  // takes only what it reads, and the request is refused with the parameter's name.
  const rfc3339 = ajv.formats['date-time'] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
  ajv.addFormat('date-time', { type: 'string', validate: (s) => rfc3339.validate(s) && !Number.isNaN(Date.parse(s)), compare: rfc3339.compare });
  // A day that exists, within the years a request may name (contract/request-values.ts): 2026-02-30 reached
  // the database, whose "date/time field value out of range" named no field, and 0001-01-01 was a visit.
  const date = ajv.formats.date as { compare: (a: string, b: string) => number | undefined };
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate, compare: date.compare });
  return ajv;
}

/**
 * The schema's validation, then `also` on what passed it (after coercion); refusals of a choice
 * name its values, and of an unknown `noun` (a query parameter, a body field) name it.
 */
function checked(
  validate: ValidateFunction,
  schema: unknown,
  noun: string,
  also: (data: unknown) => ErrorObject | null = () => null,
  before: (data: unknown) => ErrorObject | null = () => null,
): ValidateFunction {
  const check = ((data: unknown) => {
    // On the text as sent: validation coerces it in place.
    const early = before(data);
    if (early) {
      check.errors = [early];
      return false;
    }
    if (!validate(data)) {
      check.errors = validate.errors && namingChoices(validate.errors, schema).map((e) => namingDay(namingUnknown(e, schema, noun)));
      return false;
    }
    const error = illFormed(data, '', 0) ?? also(data);
    check.errors = error && [error];
    return error === null;
  }) as ValidateFunction;
  return check;
}

const DECIMAL = { integer: /^-?\d+$/, number: /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/ };

/**
 * Of a path or query string (flat), the parameter whose text is not a decimal number where the schema
 * wants one. Ajv coerces with Number(), which reads "0x1F" as 31, "1e1" as 10 and "+25", "25.0" and
 * " 25" as 25: `/api/visits/0x1F` answered (and changed) visit 31. Only plain decimals are numbers here.
 */
function notDecimal(schema: unknown): (data: unknown) => ErrorObject | null {
  const props = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  const numeric = Object.entries(props).flatMap(([key, s]) => {
    const kind = numericKind(s);
    return kind ? [[key, kind] as const] : [];
  });
  return (data) => {
    if (data === null || typeof data !== 'object') return null;
    for (const [key, kind] of numeric) {
      for (const v of [(data as Record<string, unknown>)[key]].flat()) {
        if (typeof v === 'string' && !DECIMAL[kind].test(v)) return { instancePath: `/${key}`, schemaPath: '#', keyword: 'type', params: {}, message: `must be a decimal ${kind}` };
      }
    }
    return null;
  };
}

/** Whether a parameter's schema is a number or an integer (or a list, or a nullable one, of them). */
function numericKind(schema: unknown): 'integer' | 'number' | null {
  const s = schema as { type?: unknown; anyOf?: unknown[]; items?: unknown } | null;
  if (s === null || typeof s !== 'object') return null;
  if (s.type === 'integer' || s.type === 'number') return s.type;
  if (s.type === 'array') return numericKind(s.items);
  for (const branch of s.anyOf ?? []) {
    const kind = numericKind(branch);
    if (kind) return kind;
  }
  return null;
}

/** Strings at most this deep are looked at: deeper than any schema of ours nests. */
const MAX_DEPTH = 64;

/**
 * The first text (a value or a key) PostgreSQL cannot hold. JSON's `"\ud800"` parses to half of a
 * UTF-16 surrogate pair, which the driver stored as U+FFFD (a collector named "A\ud800B" read back
 * "A�B"); `"\u0000"` made the database refuse the statement, answered in its words ("invalid byte
 * sequence for encoding UTF8: 0x00"). Refused here, with the field's name, on every route and part.
 */
function illFormed(data: unknown, path: string, depth: number): ErrorObject | null {
  if (typeof data === 'string') {
    if (!(data as string & { isWellFormed(): boolean }).isWellFormed()) {
      return { instancePath: path, schemaPath: '#', keyword: 'format', params: {}, message: 'must be well-formed Unicode (it holds half of a UTF-16 surrogate pair)' };
    }
    return data.includes('\0') ? { instancePath: path, schemaPath: '#', keyword: 'format', params: {}, message: 'must not hold a NUL character (\\u0000)' } : null;
  }
  if (data === null || typeof data !== 'object' || depth >= MAX_DEPTH) return null;
  for (const [key, value] of Object.entries(data)) {
    const at = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const error = illFormed(key, at, depth + 1) ?? illFormed(value, at, depth + 1);
    if (error) return error;
  }
  return null;
}

/**
 * The first place in a body (an object with a `lat` and a `lon`: a team's office, an account, a
 * check-in) at 0,0, which is no address but what a device reports without a fix. A team's office
 * was taken there (and every route started in the Gulf of Guinea) while the accounts import refuses
 * it as 'lat/lon 0,0 is not an address', and the position filter drops it as null island.
 */
function noFix(data: unknown, path: string, depth: number): ErrorObject | null {
  if (data === null || typeof data !== 'object' || depth >= MAX_DEPTH) return null;
  const { lat, lon } = data as { lat?: unknown; lon?: unknown };
  if (lat === 0 && lon === 0) {
    return { instancePath: `${path}/lat`, schemaPath: '#', keyword: 'not', params: {}, message: 'must not be 0 with lon 0: lat/lon 0,0 is not an address (missing coordinates)' };
  }
  for (const [key, value] of Object.entries(data)) {
    const error = noFix(value, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth + 1);
    if (error) return error;
  }
  return null;
}

/** The field of a query string, path or headers (flat: values, or arrays of values) that holds a NaN or an infinity. */
function nonFinite(data: unknown): ErrorObject | null {
  if (data === null || typeof data !== 'object') return null;
  for (const [key, value] of Object.entries(data)) {
    for (const v of [value].flat()) {
      if (typeof v === 'number' && !Number.isFinite(v)) return { instancePath: `/${key}`, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' };
    }
  }
  return null;
}

/** A query with both `from` and `to`: a range, whichever list it filters (positions, events, check-ins, metrics…). */
function isRange(schema: unknown): boolean {
  const props = (schema as { properties?: Record<string, unknown> }).properties;
  return props !== undefined && 'from' in props && 'to' in props;
}

/**
 * A range that ends before it starts is the caller's mistake, not an empty list: answered the
 * same way on every route that takes one (positions and events answered [] where metrics said
 * 400). Dates and date-times both read with Date.parse, so one check serves both formats.
 */
function reversed(data: unknown): ErrorObject | null {
  const { from, to } = data as { from?: unknown; to?: unknown };
  if (typeof from !== 'string' || typeof to !== 'string' || !(Date.parse(from) > Date.parse(to))) return null;
  return { instancePath: '/from', schemaPath: '#', keyword: 'range', params: { from, to }, message: `must not be after to (from ${from}, to ${to})` };
}

/**
 * Ajv refuses a value outside a union of constants (TypeBox's `Type.Union` of literals) with one
 * "must be equal to constant" per branch, and an enum with "must be equal to one of the allowed
 * values": neither says which. Each such refusal becomes one error listing them.
 */
function namingChoices(errors: ErrorObject[], schema: unknown): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const values = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : e.keyword === 'anyOf' ? choices({ anyOf: at(schema, e.schemaPath) }) : null;
    const nullable = e.keyword === 'anyOf' && values === null ? nullBranch(at(schema, e.schemaPath)) : null;
    if (nullable !== null) {
      // A nullable value (`null` or one schema) that is neither: its schema's errors say what is wrong,
      // not "must be null" and "must match a schema in anyOf" around them.
      const ofNull = `${e.schemaPath}/${nullable}/`;
      const kept = out.filter((x) => !x.schemaPath.startsWith(ofNull));
      out.length = 0;
      out.push(...kept);
      const last = out[out.length - 1];
      if (last?.keyword === 'type' && last.instancePath === e.instancePath) out[out.length - 1] = { ...last, message: `${last.message} or null` };
      continue;
    }
    if (values === null) {
      out.push(e);
      continue;
    }
    // Ajv lists the branches' errors before the union's own, at the same path: they are replaced by this one.
    while (out.length > 0 && out[out.length - 1].instancePath === e.instancePath) out.pop();
    out.push({ ...e, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  return out;
}

/**
 * Ajv refuses an undeclared property with "must NOT have additional properties" at the object
 * holding it, which names neither it nor what was meant: the error moves to the property and lists
 * the declared ones, so that a typo (`form` for `from`) reads as one.
 */
function namingUnknown(e: ErrorObject, schema: unknown, noun: string): ErrorObject {
  if (e.keyword !== 'additionalProperties') return e;
  const name = (e.params as { additionalProperty: string }).additionalProperty;
  const holder = at(schema, e.schemaPath.replace(/\/additionalProperties$/, '')) as { properties?: Record<string, unknown> } | undefined;
  const known = Object.keys(holder?.properties ?? {});
  const takes = known.length === 0 ? `there are no ${noun}s here` : `the known ${noun}s are ${known.join(', ')}`;
  return { ...e, instancePath: `${e.instancePath}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`, message: `is unknown; ${takes}` };
}

/** A day refused says what a day is, not 'must match format "date"'. */
function namingDay(e: ErrorObject): ErrorObject {
  if (e.keyword !== 'format' || (e.params as { format?: string }).format !== 'date') return e;
  return { ...e, message: `must be a day that exists, YYYY-MM-DD, from ${FIRST_DATE} to ${LAST_DATE}` };
}

/** The part of a schema an error's schemaPath (`#/properties/protocol/anyOf`) points at (RFC 6901). */
function at(schema: unknown, pointer: string): unknown {
  let node = schema;
  for (const token of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

/** Of a union of two (TypeBox's Nullable), the index of the branch that is only `null`, if one is. */
function nullBranch(anyOf: unknown): number | null {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return null;
  const i = anyOf.findIndex((b) => (b as { type?: unknown })?.type === 'null' && Object.keys(b as object).length === 1);
  return i === -1 ? null : i;
}

/** The values a schema admits when it is only constants (nested unions, enums, null); null when it admits anything more. */
function choices(schema: unknown): unknown[] | null {
  const s = schema as { const?: unknown; enum?: unknown; anyOf?: unknown; type?: unknown };
  if (s === null || typeof s !== 'object') return null;
  if ('const' in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  if (s.type === 'null' && Object.keys(s).length === 1) return [null];
  if (!Array.isArray(s.anyOf)) return null;
  const all: unknown[] = [];
  for (const branch of s.anyOf) {
    const values = choices(branch);
    if (values === null) return null;
    all.push(...values);
  }
  return all;
}
