import { describe, expect, it } from 'vitest';
import { es, type MessageKey } from '../i18n/es.ts';
import { en } from '../i18n/en.ts';
import { fileRefusal, reasonText, rowReason } from './import-reasons.ts';

const translate = (dict: Record<MessageKey, string>) => (key: MessageKey, vars: Record<string, string | number> = {}) =>
  dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? `{${n}}`));

describe('reasonText', () => {
  it("words the importer's reasons in the page's language, with the values they name", () => {
    expect(reasonText('lat "abc" is not a latitude between -90 and 90', translate(es))).toBe('La latitud «abc» no es un número entre -90 y 90.');
    expect(reasonText('lat "abc" is not a latitude between -90 and 90', translate(en))).toBe('Latitude “abc” is not a number between -90 and 90.');
    expect(reasonText('external id A-1 already appears on line 4', translate(es))).toBe('El id externo ya aparece en la línea 4.');
    expect(reasonText('address is 612 characters long; at most 500', translate(es))).toBe('Dirección: 612 caracteres; como máximo 500.');
    expect(reasonText('external id A-1 belongs to team 7', translate(en))).toBe('The account belongs to team 7.');
    expect(reasonText('currency changes from MXN to USD but the file has no installment amount column: the installment of 250 MXN would read as 250 USD', translate(en))).toBe(
      'The currency changes from MXN to USD, but the file has no installment column.',
    );
  });

  it("shows a reason it does not know as the server wrote it", () => {
    expect(rowReason('the moon is in the way')).toBeNull();
    expect(reasonText('the moon is in the way', translate(es))).toBe('the moon is in the way');
  });
});

describe('fileRefusal', () => {
  it('words the refusals of a whole file, and leaves the rest to the server', () => {
    expect(fileRefusal(400, 'missing column(s) lat, lon; the header line is: id,nombre')).toEqual({ key: 'accounts.file.missingColumns', vars: { columns: 'lat, lon', header: 'id,nombre' } });
    expect(fileRefusal(400, 'the file is empty: expected a header line and data rows')?.key).toBe('accounts.file.empty');
    expect(fileRefusal(400, 'the file is not valid CSV: Invalid Closing Quote')).toEqual({ key: 'accounts.file.notCsv', vars: { detail: 'Invalid Closing Quote' } });
    expect(fileRefusal(413, 'Request body is too large')?.key).toBe('accounts.file.tooBig');
    expect(fileRefusal(400, 'team 9 does not exist')).toBeNull();
    expect(fileRefusal(500, 'boom')).toBeNull();
  });
});
