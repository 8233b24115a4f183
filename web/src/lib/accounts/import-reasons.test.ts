import { describe, expect, it } from 'vitest';
import { es, type MessageKey } from '../i18n/es.ts';
import { en } from '../i18n/en.ts';
import { fileRefusal, reasonText, rowReason } from './import-reasons.ts';

const translate = (dict: Record<MessageKey, string>) => (key: MessageKey, vars: Record<string, string | number> = {}) =>
  dict[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? `{${n}}`));

const row = (code: string, values: Record<string, string | number>, reason = 'English') =>
  ({ line: 2, externalId: 'A-1', code, values, reason }) as Parameters<typeof reasonText>[0];

describe('reasonText', () => {
  it("words the importer's codes in the page's language, with the values they name", () => {
    expect(reasonText(row('badLat', { value: 'abc' }), translate(es))).toBe('La latitud «abc» no es un número entre -90 y 90.');
    expect(reasonText(row('badLat', { value: 'abc' }), translate(en))).toBe('Latitude “abc” is not a number between -90 and 90.');
    expect(reasonText(row('duplicate', { externalId: 'A-1', line: 4 }), translate(es))).toBe('El id externo ya aparece en la línea 4.');
    expect(reasonText(row('tooLong', { column: 'address', length: 612, max: 500 }), translate(es))).toBe('Dirección: 612 caracteres; como máximo 500.');
    expect(reasonText(row('otherTeam', { externalId: 'A-1', team: 7 }), translate(en))).toBe('The account belongs to team 7.');
    expect(reasonText(row('currencyChange', { from: 'MXN', to: 'USD', installment: 250 }), translate(en))).toBe(
      'The currency changes from MXN to USD, but the file has no installment column.',
    );
  });

  it('shows a code it does not know (a newer server) in the English the server wrote', () => {
    expect(rowReason(row('moonInTheWay', {}))).toBeNull();
    expect(reasonText(row('moonInTheWay', {}, 'the moon is in the way'), translate(es))).toBe('the moon is in the way');
    expect(reasonText(row('toString', {}, 'the moon is in the way'), translate(es))).toBe('the moon is in the way');
  });
});

describe('fileRefusal', () => {
  it("words the refusals of a whole file by the server's code, and leaves the rest to the server", () => {
    expect(fileRefusal(400, 'missingColumns', { columns: 'lat, lon', header: 'id,nombre' })).toEqual({ key: 'accounts.file.missingColumns', vars: { columns: 'lat, lon', header: 'id,nombre' } });
    expect(fileRefusal(400, 'emptyFile')?.key).toBe('accounts.file.empty');
    expect(fileRefusal(400, 'notCsv', { detail: 'Invalid Closing Quote' })).toEqual({ key: 'accounts.file.notCsv', vars: { detail: 'Invalid Closing Quote' } });
    expect(fileRefusal(413)?.key).toBe('accounts.file.tooBig');
    expect(fileRefusal(400)).toBeNull();
    expect(fileRefusal(400, 'constructor')).toBeNull();
    expect(fileRefusal(500, 'notCsv')).toBeNull();
  });
});
