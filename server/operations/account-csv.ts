import { parse } from 'csv-parse/sync';
import { ACCOUNT_REFUSALS, MAX_AMOUNT, MAX_DAYS_PAST_DUE, MAX_LENGTH, type InvalidRowCode } from '../contract/account.ts';
import { isKnownCurrency } from '../lib/currency.ts';
import { unstorableText } from '../lib/unstorable-text.ts';
import { foldAccents } from '../lib/fold-accents.ts';
import { decimalMarkOf, parseAmount, parseCoordinate, parseDecimal, type DecimalMark } from './csv-number.ts';
import { readUndecoded } from './csv-text.ts';
import { refusal } from './errors.ts';

/**
 * One valid data row of an accounts file, in our units. An optional field is absent when
 * the file has no column for it: a re-import leaves what is stored (a lender's update file
 * with only balances must not wipe phones and days past due); a new account gets the default.
 * Present but empty, it clears the field ('', null or 0).
 */
export interface AccountCsvRow {
  line: number;
  externalId: string;
  name: string;
  lat: number;
  lon: number;
  balanceDue: number;
  address?: string;
  phone?: string | null;
  installmentAmount?: number;
  daysPastDue?: number;
  segment?: string | null;
  /** A team id or name as written; null = the import's default team. */
  team: string | null;
  /** null when the row gives none: a new account takes its team's, an existing one keeps its own. */
  currency: string | null;
}

export type RowValues = Record<string, string | number>;

export interface InvalidCsvRow {
  line: number;
  externalId: string | null;
  code: InvalidRowCode;
  /** What the reason names (the refused value, a limit, a line), for a client's own wording. */
  values: RowValues;
  /** The reason in English, for the command line and for clients that do not know the code. */
  reason: string;
}

const REASONS: Record<InvalidRowCode, (v: RowValues) => string> = {
  notUtf8: (v) => `the file is not valid UTF-8 at line ${v.line} (${v.bytes}); save it as UTF-8`,
  fieldCount: (v) => `expected ${v.expected} fields, found ${v.found}`,
  noExternalId: () => 'external id is empty',
  unstorable: (v) => `its fields ${v.what}`,
  noName: () => 'name is empty',
  tooLong: (v) => `${v.column} is ${v.length} characters long; at most ${v.max}`,
  badLat: (v) => `lat "${v.value}" is not a latitude between -90 and 90`,
  badLon: (v) => `lon "${v.value}" is not a longitude between -180 and 180`,
  zeroCoordinates: () => 'lat/lon 0,0 is not an address (missing coordinates)',
  badBalance: (v) => `balance due "${v.value}" is not an amount from 0 to ${v.max}`,
  badInstallment: (v) => `installment amount "${v.value}" is not an amount from 0 to ${v.max}`,
  badDaysPastDue: (v) => `days past due "${v.value}" is not a whole number from 0 to ${v.max}`,
  badCurrency: (v) => `currency "${v.value}" is not an ISO 4217 code such as MXN`,
  duplicate: (v) => `external id ${v.externalId} already appears on line ${v.line}`,
  noTeam: () => 'no team: add a team column or pass teamId',
  unknownTeam: (v) => `team "${v.team}" does not exist`,
  notYourTeam: (v) => `team ${v.team} is not your team`,
  otherTeam: (v) => `external id ${v.externalId} belongs to team ${v.team}`,
  currencyChange: (v) =>
    `currency changes from ${v.from} to ${v.to} but the file has no installment amount column: the installment of ${v.installment} ${v.from} would read as ${v.installment} ${v.to}`,
  changedDuringImport: (v) => `external id ${v.externalId} changed during the import; import it again`,
};

/** A refused row, its reason worded from its code. */
export function invalidRow(line: number, externalId: string | null, code: InvalidRowCode, values: RowValues = {}): InvalidCsvRow {
  return { line, externalId, code, values, reason: REASONS[code](values) };
}

export type Field = Exclude<keyof AccountCsvRow, 'line'>;

/** Header spellings we accept (lower-cased, without spaces, dashes or underscores), English and Spanish. */
const ALIASES: Record<string, Field> = {
  externalid: 'externalId', id: 'externalId', account: 'externalId', accountid: 'externalId', cuenta: 'externalId', folio: 'externalId',
  name: 'name', nombre: 'name',
  address: 'address', direccion: 'address', domicilio: 'address',
  lat: 'lat', latitude: 'lat', latitud: 'lat',
  lon: 'lon', lng: 'lon', long: 'lon', longitude: 'lon', longitud: 'lon',
  phone: 'phone', telefono: 'phone', tel: 'phone',
  balancedue: 'balanceDue', balance: 'balanceDue', saldo: 'balanceDue', amountdue: 'balanceDue',
  installmentamount: 'installmentAmount', installment: 'installmentAmount', cuota: 'installmentAmount', pago: 'installmentAmount',
  dayspastdue: 'daysPastDue', dpd: 'daysPastDue', diasatraso: 'daysPastDue', atraso: 'daysPastDue',
  segment: 'segment', segmento: 'segment',
  team: 'team', teamid: 'team', teamname: 'team', equipo: 'team',
  currency: 'currency', moneda: 'currency',
};
const REQUIRED: readonly Field[] = ['externalId', 'name', 'lat', 'lon', 'balanceDue'];

const normalizeHeader = (h: string) =>
  foldAccents(h)
    .toLowerCase()
    .replace(/[\s_\-.]/g, '');

/**
 * Reads an accounts file: valid rows in our units, invalid rows with their
 * line number and reason. A file that is not CSV at all, or lacks a required
 * column, is refused as a whole (400).
 */
export function parseAccountsCsv(file: string): { total: number; columns: ReadonlySet<Field>; rows: AccountCsvRow[]; invalid: InvalidCsvRow[] } {
  const { text, undecoded } = readUndecoded(file);
  const firstLine = text.split('\n', 1)[0];
  const count = (c: string) => firstLine.split(c).length - 1;
  // Spreadsheets in es-MX locales save with ';' because ',' is their decimal mark; Excel's "Unicode text" separates with tabs.
  const delimiter = count('\t') > Math.max(count(','), count(';')) ? '\t' : count(';') > count(',') ? ';' : ',';
  let records: { record: string[]; info: { lines: number; empty_lines: number; bytes: number } }[];
  try {
    records = parse(text, { delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const detail = (err as Error).message;
    throw refusal(ACCOUNT_REFUSALS, 'notCsv', `the file is not valid CSV: ${detail}`, { detail });
  }
  if (records.length === 0) throw refusal(ACCOUNT_REFUSALS, 'emptyFile', 'the file is empty: expected a header line and data rows', {});

  const header = records[0].record.map((h) => ALIASES[normalizeHeader(h)] ?? null);
  const columns = new Set(header.filter((f) => f !== null));
  const missing = REQUIRED.filter((f) => !columns.has(f));
  if (missing.length > 0) {
    const values = { columns: missing.join(', '), header: records[0].record.join(delimiter) };
    throw refusal(ACCOUNT_REFUSALS, 'missingColumns', `missing column(s) ${values.columns}; the header line is: ${values.header}`, values);
  }

  const mark = delimiter === '\t' ? tabFileMark(records.slice(1).map((r) => r.record), header) : decimalMarkOf(delimiter);

  const rows: AccountCsvRow[] = [];
  const bad: InvalidCsvRow[] = [];
  const seen = new Map<string, number>();
  // Bad bytes are in file order, as the records are: each record takes those before the byte it ends at.
  let nextUndecoded = undecoded.findIndex((u) => u.offset >= records[0].info.bytes);
  if (nextUndecoded < 0) nextUndecoded = undecoded.length;
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i];
    const prev = records[i - 1].info;
    const notUtf8: string[] = [];
    for (; nextUndecoded < undecoded.length && undecoded[nextUndecoded].offset < info.bytes; nextUndecoded++) {
      notUtf8.push(`0x${undecoded[nextUndecoded].byte.toString(16).toUpperCase()}`);
    }
    // csv-parse reports the line a record ends on; a quoted field may span lines, so count from the previous record.
    const line = prev.lines + 1 + (info.empty_lines - prev.empty_lines);
    const get = (f: Field): string => {
      const idx = header.indexOf(f);
      return idx >= 0 ? (record[idx] ?? '').trim() : '';
    };
    const externalId = get('externalId') || null;
    const fail = (code: InvalidRowCode, values?: RowValues) => bad.push(invalidRow(line, externalId, code, values));
    // Bytes that are not UTF-8 in a UTF-8 file (csvText): no reading of them is sure, so the row is not imported.
    if (notUtf8.length > 0) {
      fail('notUtf8', { line, bytes: notUtf8.join(' ') });
      continue;
    }
    if (record.length !== header.length) {
      fail('fieldCount', { expected: header.length, found: record.length });
      continue;
    }
    if (!externalId) {
      fail('noExternalId');
      continue;
    }
    const unstorable = unstorableText(record);
    if (unstorable) {
      fail('unstorable', { what: unstorable });
      continue;
    }
    const name = get('name');
    if (!name) {
      fail('noName');
      continue;
    }
    const tooLong = (Object.keys(MAX_LENGTH) as (keyof typeof MAX_LENGTH)[]).find((f) => get(f).length > MAX_LENGTH[f]);
    if (tooLong) {
      fail('tooLong', { column: tooLong, length: get(tooLong).length, max: MAX_LENGTH[tooLong] });
      continue;
    }
    const lat = parseCoordinate(get('lat'), mark);
    const lon = parseCoordinate(get('lon'), mark);
    if (lat === null || lat < -90 || lat > 90) {
      fail('badLat', { value: get('lat') });
      continue;
    }
    if (lon === null || lon < -180 || lon > 180) {
      fail('badLon', { value: get('lon') });
      continue;
    }
    if (lat === 0 && lon === 0) {
      fail('zeroCoordinates');
      continue;
    }
    const balanceDue = parseAmount(get('balanceDue'), mark);
    if (balanceDue === null || balanceDue < 0 || balanceDue > MAX_AMOUNT) {
      fail('badBalance', { value: get('balanceDue'), max: MAX_AMOUNT });
      continue;
    }
    const installmentRaw = get('installmentAmount');
    const installmentAmount = installmentRaw === '' ? 0 : parseAmount(installmentRaw, mark);
    if (installmentAmount === null || installmentAmount < 0 || installmentAmount > MAX_AMOUNT) {
      fail('badInstallment', { value: installmentRaw, max: MAX_AMOUNT });
      continue;
    }
    const dpdRaw = get('daysPastDue');
    const daysPastDue = dpdRaw === '' ? 0 : parseDecimal(dpdRaw, mark);
    if (daysPastDue === null || !Number.isInteger(daysPastDue) || daysPastDue < 0 || daysPastDue > MAX_DAYS_PAST_DUE) {
      fail('badDaysPastDue', { value: dpdRaw, max: MAX_DAYS_PAST_DUE });
      continue;
    }
    const currency = get('currency').toUpperCase() || null;
    if (currency !== null && !isKnownCurrency(currency)) {
      fail('badCurrency', { value: get('currency') });
      continue;
    }
    const first = seen.get(externalId);
    if (first !== undefined) {
      fail('duplicate', { externalId, line: first });
      continue;
    }
    seen.set(externalId, line);
    rows.push({
      line,
      externalId,
      name,
      lat,
      lon,
      balanceDue,
      ...(columns.has('address') && { address: get('address') }),
      ...(columns.has('phone') && { phone: get('phone') || null }),
      ...(columns.has('installmentAmount') && { installmentAmount }),
      ...(columns.has('daysPastDue') && { daysPastDue }),
      ...(columns.has('segment') && { segment: get('segment') || null }),
      team: get('team') || null,
      currency,
    });
  }
  return { total: records.length - 1, columns, rows, invalid: bad };
}

/**
 * The decimal mark of a tab-separated file (Excel's "Unicode text"), which writes numbers as
 * its locale does: "20,67" in a decimal-comma locale, "20.67" in es-MX or English. A
 * coordinate is never grouped in thousands, so a ',' in any latitude or longitude is the
 * decimal mark.
 */
function tabFileMark(records: string[][], header: (Field | null)[]): DecimalMark {
  const columns = [header.indexOf('lat'), header.indexOf('lon')];
  return records.some((r) => columns.some((c) => r[c]?.includes(','))) ? ',' : '.';
}
