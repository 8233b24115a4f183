import { describe, expect, it } from 'vitest';
import { isKnownCurrency } from './currency.ts';

describe('isKnownCurrency', () => {
  it('knows the currencies in use and none of the codes that are not one', () => {
    for (const code of ['MXN', 'USD', 'COP', 'EUR', 'PEN']) expect(isKnownCurrency(code), code).toBe(true);
    for (const code of ['ABC', 'XXX', 'XTS', 'mxn', 'PESOS', '']) expect(isKnownCurrency(code), code).toBe(false);
  });
});
