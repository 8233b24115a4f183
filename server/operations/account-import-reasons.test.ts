import { describe, expect, it } from 'vitest';
import { rowReason } from '../../web/src/lib/accounts/import-reasons.ts';
import { parseAccountsCsv } from './account-csv.ts';

/**
 * The portfolio page words the importer's reasons in its own language by their English text
 * (the report carries no code). Every reason the parser gives must be one the page knows, or a
 * change of wording here would show dispatchers English without anyone noticing.
 */
describe("the portfolio page's wording of the parser's reasons", () => {
  it('knows every reason a bad row gets', () => {
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
    ].join('\n');
    const { invalid } = parseAccountsCsv(csv);
    expect(invalid).toHaveLength(13);
    for (const bad of invalid) expect(rowReason(bad.reason), bad.reason).not.toBeNull();
  });
});
