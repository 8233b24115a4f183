import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fastUri from 'fast-uri';
import type { FastifySchemaCompiler } from 'fastify';

/** Fastify's own defaults (@fastify/ajv-compiler), less `removeAdditional`: an unknown field is kept for the schema to judge. */
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
  return ({ schema, httpPart }) => (httpPart === 'body' ? body.compile(schema as object) : finiteOnly(text.compile(schema as object)));
}

function withFormats(ajv: Ajv): Ajv {
  addFormats.default(ajv);
  // RFC 3339 §5.6 allows a leap second (23:59:60), which a Date cannot hold: `new Date()` made it an Invalid
  // Date that reached SQL as "0NaN-NaN-NaN". Every route reads a date-time with `new Date()`, so the format
  // takes only what it reads, and the request is refused with the parameter's name.
  const rfc3339 = ajv.formats['date-time'] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
  ajv.addFormat('date-time', { type: 'string', validate: (s) => rfc3339.validate(s) && !Number.isNaN(Date.parse(s)), compare: rfc3339.compare });
  return ajv;
}

function finiteOnly(validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown) => {
    if (!validate(data)) {
      check.errors = validate.errors;
      return false;
    }
    const path = nonFinite(data);
    if (path === null) {
      check.errors = null;
      return true;
    }
    check.errors = [{ instancePath: path, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' }];
    return false;
  }) as ValidateFunction;
  return check;
}

/** The field of a query string, path or headers (flat: values, or arrays of values) that holds a NaN or an infinity. */
function nonFinite(data: unknown): string | null {
  if (data === null || typeof data !== 'object') return null;
  for (const [key, value] of Object.entries(data)) {
    for (const v of [value].flat()) if (typeof v === 'number' && !Number.isFinite(v)) return `/${key}`;
  }
  return null;
}
