import { describe, expect, it } from 'vitest';
import { fileProblem, TEMPLATE_COLUMNS, templateCsv } from './import-file.ts';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('fileProblem', () => {
  it('lets a UTF-8 or Windows-1252 CSV through', () => {
    expect(fileProblem(40, text('external_id,name,lat,lon,balance_due\n'))).toBeNull();
    expect(fileProblem(12, bytes(0x50, 0x65, 0xf1, 0x61, 0x2c))).toBeNull(); // "Peña," in Windows-1252
  });

  it('lets UTF-16 behind its byte-order mark through (Excel\'s "Unicode text"): the server reads it', () => {
    expect(fileProblem(90, bytes(0xff, 0xfe, 0x65, 0x00))).toBeNull();
    expect(fileProblem(90, bytes(0xfe, 0xff, 0x00, 0x65))).toBeNull();
  });

  it('refuses before uploading what the server would read as nonsense or refuse', () => {
    expect(fileProblem(0, bytes())).toBe('empty');
    expect(fileProblem(51 * 1024 * 1024, text('a,b'))).toBe('tooBig');
    expect(fileProblem(9000, bytes(0x50, 0x4b, 0x03, 0x04, 0x14))).toBe('workbook');
    expect(fileProblem(9000, bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1))).toBe('workbook');
    expect(fileProblem(90, bytes(0x65, 0x00, 0x78, 0x00))).toBe('utf16'); // without its mark
    expect(fileProblem(90, bytes(0x00, 0x01, 0x02))).toBe('binary');
  });
});

describe('templateCsv', () => {
  it("heads the example with every column the importer takes, the required ones first, and fills the team's currency", () => {
    const [header, ...rows] = templateCsv('COP').trimEnd().split('\r\n');
    expect(header.split(',')).toEqual([...TEMPLATE_COLUMNS]);
    expect(header.startsWith('external_id,name,lat,lon,balance_due,')).toBe(true);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.endsWith(',COP')).toBe(true);
  });
});
