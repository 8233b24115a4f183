import type { MessageKey } from '../i18n/es.ts';

/** A message of the page's own, with the values it names. */
export interface Worded {
  key: MessageKey;
  vars: Record<string, string | number>;
}

/** The file's columns, by the names the importer's refusals use (server/operations/account-csv.ts). */
const COLUMN_KEYS: Record<string, MessageKey> = {
  externalId: 'accounts.col.externalId',
  name: 'accounts.col.name',
  address: 'accounts.col.address',
  phone: 'accounts.col.phone',
  segment: 'accounts.col.segment',
};

/**
 * The importer's reasons for a bad row (server/operations/account-csv.ts and account-import.ts),
 * each with the message that says it in the page's language. The server words them in English
 * and gives no code; a reason not listed here is shown as the server wrote it.
 */
const ROW_REASONS: readonly [RegExp, MessageKey, (m: RegExpMatchArray) => Worded['vars']][] = [
  [/^expected (\d+) fields, found (\d+)$/, 'accounts.reason.fieldCount', (m) => ({ expected: m[1], found: m[2] })],
  [/^external id is empty$/, 'accounts.reason.noExternalId', () => ({})],
  [/^its fields hold a NUL character/, 'accounts.reason.unstorable', () => ({})],
  [/^its fields hold a lone UTF-16 surrogate/, 'accounts.reason.unstorable', () => ({})],
  [/^name is empty$/, 'accounts.reason.noName', () => ({})],
  [/^(\w+) is (\d+) characters long; at most (\d+)$/, 'accounts.reason.tooLong', (m) => ({ column: m[1], length: m[2], max: m[3] })],
  [/^lat "(.*)" is not a latitude between -90 and 90$/s, 'accounts.reason.badLat', (m) => ({ value: m[1] })],
  [/^lon "(.*)" is not a longitude between -180 and 180$/s, 'accounts.reason.badLon', (m) => ({ value: m[1] })],
  [/^lat\/lon 0,0 is not an address/, 'accounts.reason.zeroCoordinates', () => ({})],
  [/^balance due "(.*)" is not an amount from 0 to [\d.]+$/s, 'accounts.reason.badBalance', (m) => ({ value: m[1] })],
  [/^installment amount "(.*)" is not an amount from 0 to [\d.]+$/s, 'accounts.reason.badInstallment', (m) => ({ value: m[1] })],
  [/^days past due "(.*)" is not a whole number from 0 to \d+$/s, 'accounts.reason.badDaysPastDue', (m) => ({ value: m[1] })],
  [/^currency "(.*)" is not an ISO 4217 code/s, 'accounts.reason.badCurrency', (m) => ({ value: m[1] })],
  [/^external id .* already appears on line (\d+)$/s, 'accounts.reason.duplicate', (m) => ({ line: m[1] })],
  [/^no team: add a team column or pass teamId$/, 'accounts.reason.noTeam', () => ({})],
  [/^team "(.*)" does not exist$/s, 'accounts.reason.unknownTeam', (m) => ({ team: m[1] })],
  [/^team (\d+) is not your team$/, 'accounts.reason.notYourTeam', (m) => ({ team: m[1] })],
  [/^external id .* belongs to team (\d+)$/s, 'accounts.reason.otherTeam', (m) => ({ team: m[1] })],
  [/^currency changes from (\w+) to (\w+) but the file has no installment amount column/, 'accounts.reason.currencyChange', (m) => ({ from: m[1], to: m[2] })],
  [/^external id .* changed during the import; import it again$/s, 'accounts.reason.changedDuringImport', () => ({})],
];

/** A bad row's reason in the page's words; null: not one we know, show the server's text. */
export function rowReason(reason: string): Worded | null {
  for (const [pattern, key, vars] of ROW_REASONS) {
    const m = reason.match(pattern);
    if (m) return { key, vars: vars(m) };
  }
  return null;
}

/** The column a too-long reason names, as the page calls it. */
export const columnKey = (column: string): MessageKey | null => COLUMN_KEYS[column] ?? null;

/**
 * Why the server refused the whole file (nothing was imported), in the page's words; null: show
 * the server's text. 413 is Fastify's answer to a body over the route's limit.
 */
export function fileRefusal(status: number, message: string): Worded | null {
  if (status === 413) return { key: 'accounts.file.tooBig', vars: { max: IMPORT_LIMIT_MB } };
  if (status === 403) return { key: 'accounts.file.forbidden', vars: {} };
  if (status !== 400) return null;
  const missing = message.match(/^missing column\(s\) (.+?); the header line is: (.*)$/s);
  if (missing) return { key: 'accounts.file.missingColumns', vars: { columns: missing[1], header: missing[2] } };
  if (message.startsWith('the file is empty')) return { key: 'accounts.file.empty', vars: {} };
  if (message.startsWith('the file is not valid CSV')) return { key: 'accounts.file.notCsv', vars: { detail: message.replace(/^the file is not valid CSV: /, '') } };
  return null;
}

/** The import route's body limit (server/api/account.routes.ts IMPORT_LIMIT). */
export const IMPORT_LIMIT_MB = 50;

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A bad row's reason as the page shows it: its own words where it knows the reason, else the server's. */
export function reasonText(reason: string, t: Translate): string {
  const worded = rowReason(reason);
  if (!worded) return reason;
  const column = worded.key === 'accounts.reason.tooLong' ? columnKey(String(worded.vars.column)) : null;
  return t(worded.key, column ? { ...worded.vars, column: t(column) } : worded.vars);
}
