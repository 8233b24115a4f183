import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/lib/i18n/en.ts';
import { es, type MessageKey } from '../../web/src/lib/i18n/es.ts';
import { reasonText } from '../../web/src/lib/accounts/import-reasons.ts';
import { parseAccountsCsv } from './account-csv.ts';

const translate = (dict: Record<MessageKey, string>) => (key: MessageKey, vars: Record<string, string | number> = {}) =>
  dict[key].replace(/\{(\w+)\}/g, (_, n: string) => (n in vars ? String(vars[n]) : `{${n}}`));

/**
 * The portfolio page words a bad row by its code and the values the server names. A value the
 * page's message needs but the parser does not send would show a dispatcher a bare `{value}`.
 */
describe("the portfolio page's wording of the parser's refusals", () => {
  it('words every refusal a bad row gets, in both languages, with every value its message names', () => {
    const csv = [
      'external_id,name,address,lat,lon,balance_due,installment_amount,days_past_due,currency',
      'A-1,Ana,Centro,20.6,-103.3,100,10,5,MXN',
      'A-2,Beto,Centro,20.6,-103.3,100,10,5',
      ',Sin id,Centro,20.6,-103.3,100,10,5,MXN',
      'A-3,,Centro,20.6,-103.3,100,10,5,MXN',
      `A-4,Ana,${'x'.repeat(501)},20.6,-103.3,100,10,5,MXN`,
      'A-5,Ana,Centro,abc,-103.3,100,10,5,MXN',
      'A-6,Ana,Centro,20.6,999,100,10,5,MXN',
      'A-7,Ana,Centro,0,0,100,10,5,MXN',
      'A-8,Ana,Centro,20.6,-103.3,-5,10,5,MXN',
      'A-9,Ana,Centro,20.6,-103.3,100,muchos,5,MXN',
      'A-10,Ana,Centro,20.6,-103.3,100,10,2.5,MXN',
      'A-11,Ana,Centro,20.6,-103.3,100,10,5,pesos',
      'A-1,Ana otra vez,Centro,20.6,-103.3,100,10,5,MXN',
      'A-12,Ana\u0000,Centro,20.6,-103.3,100,10,5,MXN',
      // A byte that is not UTF-8, as csvText marks it.
      'A-13,Jos\uFDD0\u00E9,Centro,20.6,-103.3,100,10,5,MXN',
    ].join('\n');
    const { invalid } = parseAccountsCsv(csv);
    expect(invalid.map((r) => r.code)).toEqual([
      'fieldCount', 'noExternalId', 'noName', 'tooLong', 'badLat', 'badLon', 'zeroCoordinates', 'badBalance', 'badInstallment',
      'badDaysPastDue', 'badCurrency', 'duplicate', 'unstorable', 'notUtf8',
    ]);
    for (const dict of [es, en]) {
      for (const bad of invalid) {
        const text = reasonText(bad, translate(dict));
        expect(text, bad.code).not.toBe(bad.reason);
        expect(text, bad.code).not.toMatch(/\{\w+\}/);
      }
    }
  });
});
