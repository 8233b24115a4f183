import type { CollectorDayMetrics } from '../contract/metrics.ts';

const COLUMNS: (keyof CollectorDayMetrics)[] = [
  'day', 'collectorId', 'collectorName', 'teamId', 'teamName', 'plannedKm', 'drivenKm', 'visitsPlanned', 'visitsCompleted',
  'visitsWithPayment', 'effectiveRate', 'collected', 'promised', 'due', 'timedVisits', 'onSiteMin', 'avgVisitMin', 'idleMin', 'movingMin', 'firstReport', 'lastReport',
];

/** RFC 4180: quote fields holding a comma, quote or line break; double inner quotes. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function metricsToCsv(rows: CollectorDayMetrics[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => field(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
