import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { requestValidatorCompiler } from './validation.ts';

const compile = requestValidatorCompiler();
const validator = (httpPart: 'querystring' | 'body') =>
  compile({ schema: { type: 'object', properties: { from: { type: 'string', format: 'date-time' } } }, httpPart } as never) as ((data: unknown) => boolean) & {
    errors?: { instancePath: string; message?: string }[] | null;
  };

describe('date-time values', () => {
  it('refuses a leap second, which RFC 3339 allows but a Date cannot hold, naming the parameter', () => {
    for (const part of ['querystring', 'body'] as const) {
      const validate = validator(part);
      for (const from of ['2026-12-31T23:59:60Z', '2026-06-30T23:59:60Z', '2026-12-31T17:59:60-06:00']) {
        expect(validate({ from }), `${part} ${from}`).toBe(false);
        expect(validate.errors?.[0]).toMatchObject({ instancePath: '/from', message: 'must match format "date-time"' });
      }
    }
  });

  it('takes every date-time a Date reads: zones, fractions, a space or a lowercase t', () => {
    const validate = validator('querystring');
    for (const from of ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.123456-06:00', '2026-12-31 23:59:59+14:00', '2026-12-31t23:59:59z']) {
      expect(validate({ from }), from).toBe(true);
      expect(Number.isNaN(Date.parse(from))).toBe(false);
    }
    expect(validate({ from: 'yesterday' })).toBe(false);
  });
});

describe('a refused choice', () => {
  it('names the values a union of constants admits (null too), in one error instead of one per constant', () => {
    const schema = Type.Object({ protocol: Type.Optional(Type.Union([Type.Null(), Type.Union(['mqtt', 'gt06'].map((p) => Type.Literal(p)))])) });
    for (const httpPart of ['body', 'querystring'] as const) {
      const validate = compile({ schema, httpPart } as never) as ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
      expect(validate({ protocol: 'tk103' })).toBe(false);
      expect(validate.errors?.map((e) => [e.instancePath, e.message])).toEqual([['/protocol', 'must be one of null, "mqtt", "gt06"']]);
      expect(validate({ protocol: 'gt06' })).toBe(true);
    }
  });
});

describe('a range', () => {
  const validate = compile({ schema: Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) }), httpPart: 'querystring' } as never) as ((
    data: unknown,
  ) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

  it('is refused when from is after to, comparing instants, not text', () => {
    expect(validate({ from: '2026-11-30T16:00:00Z', to: '2026-11-30T15:00:00Z' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/from', message: 'must not be after to (from 2026-11-30T16:00:00Z, to 2026-11-30T15:00:00Z)' });
    expect(validate({ from: '2026-11-30T15:30:00Z', to: '2026-11-30T10:00:00-06:00' })).toBe(true);
    expect(validate({ from: '2026-11-30T15:00:00Z', to: '2026-11-30T15:00:00Z' })).toBe(true);
  });
});

describe('an unknown property', () => {
  type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
  const range = Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) });

  it('is refused in a query string, named with the parameters the route takes (a typo read as no filter)', () => {
    const validate = compile({ schema: range, httpPart: 'querystring' } as never) as Validate;
    expect(validate({ form: '2026-01-01' })).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/form', message: 'is unknown; the known parameters are from, to' })]);
    expect(validate({ from: '2026-01-01' })).toBe(true);
    expect(compile({ schema: Type.Object({}), httpPart: 'querystring' } as never)({ x: '1' })).toBe(false);
  });

  it('is kept where a query schema admits more, and in a body whose schema does not close it', () => {
    expect(compile({ schema: Type.Object({ from: Type.String() }, { additionalProperties: true }), httpPart: 'querystring' } as never)({ from: 'a', x: '1' })).toBe(true);
    expect(compile({ schema: range, httpPart: 'body' } as never)({ form: 'a' })).toBe(true);
  });

  it('in a closed body object, even nested, names the field and the ones it has', () => {
    const schema = Type.Object({ offRoute: Type.Object({ corridorM: Type.Optional(Type.Number()) }, { additionalProperties: false }) });
    const validate = compile({ schema, httpPart: 'body' } as never) as Validate;
    expect(validate({ offRoute: { corridorm: 50 } })).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/offRoute/corridorm', message: 'is unknown; the known fields are corridorM' })]);
  });
});

describe('a nullable value that is neither null nor what it may be', () => {
  type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
  const schema = Type.Object({ office: Type.Union([Type.Object({ lat: Type.Number() }, { additionalProperties: false }), Type.Null()]) });
  const validate = compile({ schema, httpPart: 'body' } as never) as Validate;

  it("is refused with its schema's own errors, not 'must be null' and 'must match a schema in anyOf' around them", () => {
    expect(validate({ office: { lat: 1, zoom: 3 } })).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.message])).toEqual([['/office/zoom', 'is unknown; the known fields are lat']]);
    expect(validate({ office: 'here' })).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.message])).toEqual([['/office', 'must be object or null']]);
    expect(validate({ office: null })).toBe(true);
  });
});
