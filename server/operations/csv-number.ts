/**
 * How a file writes its numbers. A ','-separated file writes "1,234.50". Spreadsheets in
 * decimal-comma locales save with ';' because ',' is their decimal mark, so a ';' file
 * writes "1.234,50" and "20,67".
 */
export type DecimalMark = '.' | ',';

export const decimalMarkOf = (delimiter: ',' | ';'): DecimalMark => (delimiter === ';' ? ',' : '.');

/**
 * A number as a spreadsheet writes it, thousands grouped in threes or not: "1,234.50" where
 * the decimal mark is '.'; "1.234,50", "20,67" or "1.250" (a thousand two hundred fifty)
 * where it is ','. A ';' file may still hold numbers a program wrote ("20.6767",
 * "$1,234.50"): when a value has both marks the last one is the decimal mark, and a lone
 * '.' is the decimal mark unless it groups thousands. "12abc", "1.2.3" and "1e30" are not
 * numbers.
 */
export function parseDecimal(raw: string, mark: DecimalMark): number | null {
  const s = raw.trim();
  const decimal = mark === '.' ? '.' : decimalOfCommaFile(s);
  const group = decimal === '.' ? ',' : '.';
  const m = new RegExp(`^(-?)(\\d{1,3}(?:\\${group}\\d{3})+|\\d+)(?:\\${decimal}(\\d+))?$`).exec(s);
  if (!m) return null;
  return Number(`${m[1]}${m[2].replaceAll(group, '')}${m[3] === undefined ? '' : `.${m[3]}`}`);
}

function decimalOfCommaFile(s: string): DecimalMark {
  const comma = s.lastIndexOf(',');
  const dot = s.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) return comma > dot ? ',' : '.';
  if (comma >= 0) return ',';
  return /^-?\d{1,3}(\.\d{3})+$/.test(s) ? ',' : '.';
}

/** An amount: a number, optionally after a "$". */
export const parseAmount = (raw: string, mark: DecimalMark): number | null => parseDecimal(raw.trim().replace(/^\$\s*/, ''), mark);

/**
 * A latitude or longitude: never grouped, so "-103.347" is a decimal even in a ';' file,
 * where "-103,347" is the same place.
 */
export function parseCoordinate(raw: string, mark: DecimalMark): number | null {
  const s = raw.trim();
  if (!(mark === ',' ? /^-?\d+([.,]\d+)?$/ : /^-?\d+(\.\d+)?$/).test(s)) return null;
  return Number(s.replace(',', '.'));
}
