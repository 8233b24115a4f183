import { describe, expect, it } from 'vitest';
import { parseAccountsCsv } from './account-csv.ts';
import { csvText } from './csv-text.ts';

describe('parseAccountsCsv', () => {
  it('reads a Spanish, semicolon-separated spreadsheet export with a BOM and amounts with thousands', () => {
    const csv = '\uFEFFFolio;Nombre;Dirección;Latitud;Longitud;Saldo;Días atraso;Equipo\nF-1;Ana López;"Juárez 12; int 3";20.6767;-103.3475;"$1,234.50";45;Centro\n';
    expect(parseAccountsCsv(csv)).toEqual({
      total: 1,
      columns: new Set(['externalId', 'name', 'address', 'lat', 'lon', 'balanceDue', 'daysPastDue', 'team']),
      invalid: [],
      rows: [
        { line: 2, externalId: 'F-1', name: 'Ana López', address: 'Juárez 12; int 3', lat: 20.6767, lon: -103.3475, balanceDue: 1234.5, daysPastDue: 45, team: 'Centro', currency: null },
      ],
    });
  });

  it('leaves out of each row the optional columns the file lacks, and clears those it has but leaves empty', () => {
    const r = parseAccountsCsv('external_id,name,lat,lon,balance_due,phone,installment_amount\nA,Ana,20.6,-103.3,900,,\n');
    expect(r.rows).toEqual([{ line: 2, externalId: 'A', name: 'Ana', lat: 20.6, lon: -103.3, balanceDue: 900, phone: null, installmentAmount: 0, team: null, currency: null }]);
    for (const absent of ['address', 'daysPastDue', 'segment']) expect(r.rows[0]).not.toHaveProperty(absent);
  });

  it("reads a ';' file's decimal commas (and its '.' thousands) in coordinates and amounts", () => {
    const csv = 'folio;nombre;latitud;longitud;saldo;cuota;dias atraso\n' +
      'A;Ana;20,67;-103,35;1.250,50;1,250;1.000\nB;Beto;20.6767;-103.3475;1.250;"$1,234.50";3\nC;Caro;20,6;-103,3;1,2,3;0;0\n';
    const r = parseAccountsCsv(csv);
    expect(r.rows.map(({ externalId, lat, lon, balanceDue, installmentAmount, daysPastDue }) => ({ externalId, lat, lon, balanceDue, installmentAmount, daysPastDue }))).toEqual([
      { externalId: 'A', lat: 20.67, lon: -103.35, balanceDue: 1250.5, installmentAmount: 1.25, daysPastDue: 1000 },
      { externalId: 'B', lat: 20.6767, lon: -103.3475, balanceDue: 1250, installmentAmount: 1234.5, daysPastDue: 3 },
    ]);
    expect(r.invalid).toMatchObject([{ line: 4, externalId: 'C', code: 'badBalance', reason: 'balance due "1,2,3" is not an amount from 0 to 999999999999.99' }]);
  });

  it("keeps a ',' file's numbers as they were: '.' decimals, ',' thousands", () => {
    const r = parseAccountsCsv('id,name,lat,lon,balance,installment\nA,Ana,20.67,-103.35,"1,250",1250.5\nB,Beto,"20,67",-103.35,1,1\n');
    expect(r.rows.map((x) => [x.lat, x.balanceDue, x.installmentAmount])).toEqual([[20.67, 1250, 1250.5]]);
    expect(r.invalid).toMatchObject([{ line: 3, externalId: 'B', reason: 'lat "20,67" is not a latitude between -90 and 90' }]);
  });

  it('numbers lines as a text editor does, across blank lines and quoted line breaks', () => {
    const csv = 'id,name,address,lat,lon,balance\nA,Ana,"Calle 1\nColonia Centro",20.6,-103.3,10\n\nB,Beto,x,20.6,-103.3\nA,Otra,y,20.6,-103.3,5\nC,Caro,z,0,0,5\nD,Dani,w,20.6,-103.3,1.2.3\n';
    const r = parseAccountsCsv(csv);
    expect(r.rows.map((x) => [x.line, x.externalId])).toEqual([[2, 'A']]);
    expect(r.invalid).toMatchObject([
      { line: 5, externalId: 'B', code: 'fieldCount', reason: 'expected 6 fields, found 5' },
      { line: 6, externalId: 'A', code: 'duplicate', reason: 'external id A already appears on line 2' },
      { line: 7, externalId: 'C', code: 'zeroCoordinates', reason: 'lat/lon 0,0 is not an address (missing coordinates)' },
      { line: 8, externalId: 'D', code: 'badBalance', reason: 'balance due "1.2.3" is not an amount from 0 to 999999999999.99' },
    ]);
  });

  it('refuses a row the database could not hold, with its reason, and reads the rows around it', () => {
    const csv = 'id,name,lat,lon,balance,installment,days past due\nA,Ana,20.6,-103.3,10,1,5\nB,Be\u0000to,20.6,-103.3,10,1,5\n' +
      'C,Caro,20.6,-103.3,1e30,1,5\nD,Dani,20.6,-103.3,10,99999999999999999,5\nE,Eva,20.6,-103.3,10,1,3000000000\nF,Fer,20.6,-103.3,10,1,5\n';
    const r = parseAccountsCsv(csv);
    expect(r.rows.map((x) => x.externalId)).toEqual(['A', 'F']);
    expect(r.invalid).toMatchObject([
      { line: 3, externalId: 'B', code: 'unstorable', reason: 'its fields hold a NUL character (\\u0000), which cannot be stored' },
      { line: 4, externalId: 'C', code: 'badBalance', reason: 'balance due "1e30" is not an amount from 0 to 999999999999.99' },
      { line: 5, externalId: 'D', code: 'badInstallment', reason: 'installment amount "99999999999999999" is not an amount from 0 to 999999999999.99' },
      { line: 6, externalId: 'E', code: 'badDaysPastDue', reason: 'days past due "3000000000" is not a whole number from 0 to 36500' },
    ]);
  });

  it('refuses a file that is not CSV', () => {
    expect(() => parseAccountsCsv('id,name,lat,lon,balance\n"A,Ana,1,2,3\n')).toThrow(/^the file is not valid CSV: /);
    expect(() => parseAccountsCsv('id,name,lat,lon,balance\n"A,Ana,1,2,3\n')).toThrow(expect.objectContaining({ reason: 'notCsv', values: { detail: expect.any(String) } }));
    expect(() => parseAccountsCsv('')).toThrow(expect.objectContaining({ reason: 'emptyFile' }));
  });
  it('imports the UTF-8 rows of a file with a stray byte and refuses the row that holds it, by line', () => {
    const file = Buffer.concat([
      Buffer.from('id,name,lat,lon,balance\nA,Peña Núñez,20.6,-103.3,10\nB,Jos', 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from(',20.6,-103.3,10\nC,Ibáñez,20.6,-103.3,10\n', 'utf8'),
    ]);
    const r = parseAccountsCsv(csvText(file));
    expect(r.rows.map((x) => [x.line, x.name])).toEqual([[2, 'Peña Núñez'], [4, 'Ibáñez']]);
    expect(r.invalid).toEqual([
      { line: 3, externalId: 'B', code: 'notUtf8', values: { line: 3, bytes: '0xE9' }, reason: 'the file is not valid UTF-8 at line 3 (0xE9); save it as UTF-8' },
    ]);
  });

  it('reads the header of a Windows-1252 file behind a UTF-8 byte-order mark, and refuses its rows with bytes that are not UTF-8', () => {
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Folio;Nombre;Dirección;Latitud;Longitud;Saldo\nF-1;Ana;Centro;20,6;-103,3;10\nF-2;Peña;Centro;20,6;-103,3;10\n', 'latin1')]);
    const r = parseAccountsCsv(csvText(file));
    expect(r.columns).toContain('address');
    expect(r.rows.map((x) => x.externalId)).toEqual(['F-1']);
    expect(r.invalid).toMatchObject([{ line: 3, externalId: 'F-2', code: 'notUtf8', values: { bytes: '0xF1' } }]);
  });

  it('tells each row of a multi-line record and of a CRLF file its own bad bytes, reading them as Windows-1252 in the external id', () => {
    const file = Buffer.concat([
      Buffer.from('id,name,address,lat,lon,balance\r\nAñ,Ñoño,"Calle 1\r\nCol. ', 'utf8'),
      Buffer.from([0xc1]),
      Buffer.from('lamos",20.6,-103.3,10\r\n\r\nA', 'utf8'),
      Buffer.from([0xd1, 0xe9]),
      Buffer.from(',Ana,x,20.6,-103.3,10\r\nB,Beto,y,20.6,-103.3,10\r\nC,Caro ñ,z,20.6,-103.3,10\r\n', 'utf8'),
    ]);
    const r = parseAccountsCsv(csvText(file));
    expect(r.rows.map((x) => [x.line, x.externalId])).toEqual([[7, 'B'], [8, 'C']]);
    expect(r.invalid).toEqual([
      { line: 2, externalId: 'Añ', code: 'notUtf8', values: { line: 2, bytes: '0xC1' }, reason: 'the file is not valid UTF-8 at line 2 (0xC1); save it as UTF-8' },
      { line: 6, externalId: 'AÑé', code: 'notUtf8', values: { line: 6, bytes: '0xD1 0xE9' }, reason: 'the file is not valid UTF-8 at line 6 (0xD1 0xE9); save it as UTF-8' },
    ]);
  });

  it('reads a UTF-16, tab-separated file as Excel saves "Unicode text", with its locale\'s decimal mark', () => {
    const utf16 = (text: string) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const comma = parseAccountsCsv(csvText(utf16('Folio\tNombre\tDirección\tLatitud\tLongitud\tSaldo\r\nF-1\tPeña\t"Juárez 12, int 3"\t20,67\t-103,35\t1.250,50\r\n')));
    expect(comma.invalid).toEqual([]);
    expect(comma.rows).toEqual([{ line: 2, externalId: 'F-1', name: 'Peña', address: 'Juárez 12, int 3', lat: 20.67, lon: -103.35, balanceDue: 1250.5, team: null, currency: null }]);
    const dot = parseAccountsCsv(csvText(utf16('id\tname\tlat\tlon\tbalance\r\nA\tAna\t20.67\t-103.35\t"1,250"\r\n')));
    expect(dot.rows).toMatchObject([{ externalId: 'A', lat: 20.67, lon: -103.35, balanceDue: 1250 }]);
  });

  it('refuses a currency ISO 4217 does not have, as the teams do', () => {
    const r = parseAccountsCsv('id,name,lat,lon,balance,currency\nA,Ana,20.6,-103.3,10,usd\nB,Beto,20.6,-103.3,10,ABC\nC,Caro,20.6,-103.3,10,XXX\nD,Dani,20.6,-103.3,10,\n');
    expect(r.rows.map((x) => [x.externalId, x.currency])).toEqual([['A', 'USD'], ['D', null]]);
    expect(r.invalid).toMatchObject([
      { line: 3, externalId: 'B', code: 'badCurrency', reason: 'currency "ABC" is not an ISO 4217 code such as MXN' },
      { line: 4, externalId: 'C', code: 'badCurrency', reason: 'currency "XXX" is not an ISO 4217 code such as MXN' },
    ]);
  });
});
