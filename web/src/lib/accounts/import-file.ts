import { IMPORT_LIMIT_MB } from './import-reasons.ts';

/** Why a picked file is not sent at all: the server would refuse it, or read it as nonsense. */
export type FileProblem = 'empty' | 'tooBig' | 'workbook' | 'utf16' | 'binary';

const LIMIT_BYTES = IMPORT_LIMIT_MB * 1024 * 1024;

/**
 * Checks a picked file before it is uploaded, from its size and first bytes. The server reads UTF-8,
 * Windows-1252, and UTF-16 behind its byte-order mark (Excel's "Unicode text"); an Excel workbook, or
 * UTF-16 without the mark, would come back as a missing-columns refusal that does not say what is wrong.
 */
export function fileProblem(size: number, head: Uint8Array): FileProblem | null {
  if (size === 0) return 'empty';
  if (size > LIMIT_BYTES) return 'tooBig';
  // "PK\x03\x04": a zip, which .xlsx and .ods are; D0 CF 11 E0: the old .xls.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) return 'workbook';
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return null;
  // A NUL in text: UTF-16 without its mark, or not text at all.
  const nul = head.indexOf(0);
  if (nul >= 0) return nul % 2 === 1 && head[0] !== 0 ? 'utf16' : 'binary';
  return null;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** The columns the importer takes (server/operations/account-csv.ts), the required ones first. */
export const TEMPLATE_COLUMNS = ['external_id', 'name', 'lat', 'lon', 'balance_due', 'address', 'phone', 'installment_amount', 'days_past_due', 'segment', 'team', 'currency'] as const;

/**
 * An example file to start from: the header and two debtors. `team` is left empty, so the
 * rows land in the importer's team (or the one an admin picks).
 */
export function templateCsv(currency: string): string {
  const rows = [
    TEMPLATE_COLUMNS.join(','),
    ['CTA-0001', 'María López', '20.6736', '-103.3440', '15200.50', '"Av. Juárez 120, Centro"', '33 1234 5678', '1250', '45', 'consumo', '', currency].join(','),
    ['CTA-0002', 'José Pérez', '20.6597', '-103.3496', '8300', '"Calle Hidalgo 45, Centro"', '', '900', '12', 'micro', '', currency].join(','),
  ];
  return `${rows.join('\r\n')}\r\n`;
}
