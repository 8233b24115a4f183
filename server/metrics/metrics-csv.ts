import type { CollectorDayMetrics } from '../contract/metrics.ts';
import { localIso } from '../plans/local-time.ts';

type Row = CollectorDayMetrics & { currency: string };

/** `currency` names the unit of the three money columns after it, so a spreadsheet never sums two currencies unawares. */
const COLUMNS: (keyof Row)[] = [
  'day', 'collectorId', 'collectorName', 'teamId', 'teamName', 'plannedKm', 'drivenKm', 'visitsPlanned', 'visitsCompleted',
  'visitsWithPayment', 'effectiveRate', 'currency', 'collected', 'promised', 'due', 'timedVisits', 'onSiteMin', 'avgVisitMin', 'idleMin', 'movingMin', 'firstReport', 'lastReport',
];

/**
 * UTF-8's byte-order mark: Excel reads a CSV without one in the system's legacy code page, and
 * "García" opens as "GarcÃ­a". LibreOffice, Google Sheets and the WHATWG decoder (`fetch`'s
 * `text()`) skip it.
 */
const BOM = '\uFEFF';

/** RFC 4180: quote fields holding a comma, quote or line break; double inner quotes. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Report times are written in the row's time zone (its team's), with its offset, as the
 * dashboard shows them (a spreadsheet shows the text as is: UTC read as local by everyone).
 */
export function metricsToCsv(rows: CollectorDayMetrics[], currency: string): string {
  const lines = [BOM + COLUMNS.join(',')];
  for (const r of rows) {
    const local = (iso: string | null) => (iso ? localIso(Date.parse(iso), r.timeZone) : iso);
    const row: Row = { ...r, currency, firstReport: local(r.firstReport), lastReport: local(r.lastReport) };
    lines.push(COLUMNS.map((c) => field(row[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
