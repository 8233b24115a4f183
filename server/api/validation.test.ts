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
