import type { ImportReport, InvalidRowCode } from '$contract/account.ts';
import type { MessageKey } from '../i18n/es.ts';

type InvalidRow = ImportReport['invalid'][number];

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

/** Each code the importer gives a bad row (server/contract/account.ts), with the message that says it in the page's language. */
const ROW_REASONS: Record<InvalidRowCode, MessageKey> = {
  notUtf8: 'accounts.reason.notUtf8',
  fieldCount: 'accounts.reason.fieldCount',
  noExternalId: 'accounts.reason.noExternalId',
  unstorable: 'accounts.reason.unstorable',
  noName: 'accounts.reason.noName',
  tooLong: 'accounts.reason.tooLong',
  badLat: 'accounts.reason.badLat',
  badLon: 'accounts.reason.badLon',
  zeroCoordinates: 'accounts.reason.zeroCoordinates',
  badBalance: 'accounts.reason.badBalance',
  badInstallment: 'accounts.reason.badInstallment',
  badDaysPastDue: 'accounts.reason.badDaysPastDue',
  badCurrency: 'accounts.reason.badCurrency',
  duplicate: 'accounts.reason.duplicate',
  noTeam: 'accounts.reason.noTeam',
  unknownTeam: 'accounts.reason.unknownTeam',
  notYourTeam: 'accounts.reason.notYourTeam',
  otherTeam: 'accounts.reason.otherTeam',
  currencyChange: 'accounts.reason.currencyChange',
  changedDuringImport: 'accounts.reason.changedDuringImport',
};

/** A bad row's reason in the page's words; null: a code this page does not know (a newer server), show its English. */
export function rowReason(row: Pick<InvalidRow, 'code' | 'values'>): Worded | null {
  const key = Object.hasOwn(ROW_REASONS, row.code) ? ROW_REASONS[row.code] : undefined;
  return key ? { key, vars: row.values } : null;
}

/** The column a too-long reason names, as the page calls it. */
export const columnKey = (column: string): MessageKey | null => COLUMN_KEYS[column] ?? null;

/**
 * Why the server refused the whole file (nothing was imported), in the page's words; null: show
 * the server's text. 413 is Fastify's answer to a body over the route's limit.
 */
export function fileRefusal(status: number, reason?: string, values: Worded['vars'] = {}): Worded | null {
  if (status === 413) return { key: 'accounts.file.tooBig', vars: { max: IMPORT_LIMIT_MB } };
  if (status === 403) return { key: 'accounts.file.forbidden', vars: {} };
  if (status !== 400 || reason === undefined) return null;
  const key = Object.hasOwn(FILE_REASONS, reason) ? FILE_REASONS[reason] : undefined;
  return key ? { key, vars: values } : null;
}

/** The importer's codes for a file it refuses whole (server/operations/account-csv.ts). */
const FILE_REASONS: Record<string, MessageKey> = {
  emptyFile: 'accounts.file.empty',
  notCsv: 'accounts.file.notCsv',
  missingColumns: 'accounts.file.missingColumns',
};

/** The import route's body limit (server/api/account.routes.ts IMPORT_LIMIT). */
export const IMPORT_LIMIT_MB = 50;

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A bad row's reason as the page shows it: its own words where it knows the code, else the server's. */
export function reasonText(row: InvalidRow, t: Translate): string {
  const worded = rowReason(row);
  if (!worded) return row.reason;
  const column = worded.key === 'accounts.reason.tooLong' ? columnKey(String(worded.vars.column)) : null;
  return t(worded.key, column ? { ...worded.vars, column: t(column) } : worded.vars);
}
