import type { CollectorDayMetrics, MetricsSummaryRow } from '$contract/metrics.ts';

export type SortKey = Exclude<keyof MetricsSummaryRow, 'key'>;

/** A collector-day as a one-row summary: the detail table shares the grouped tables' columns. */
export function detailRow(r: CollectorDayMetrics): MetricsSummaryRow {
  return {
    key: `${r.collectorId}:${r.day}`,
    label: r.collectorName,
    day: r.day,
    teamName: r.teamName,
    timeZone: r.timeZone,
    collectors: 1,
    plannedKm: r.plannedKm,
    drivenKm: r.drivenKm,
    visitsPlanned: r.visitsPlanned,
    visitsCompleted: r.visitsCompleted,
    visitsWithPayment: r.visitsWithPayment,
    effectiveRate: r.effectiveRate,
    collected: r.collected,
    promised: r.promised,
    due: r.due,
    timedVisits: r.timedVisits,
    onSiteMin: r.onSiteMin,
    avgVisitMin: r.avgVisitMin,
    idleMin: r.idleMin,
    movingMin: r.movingMin,
    firstReport: r.firstReport,
    lastReport: r.lastReport,
  };
}

/** Sorted copy; empty figures last whichever the direction; text by the UI language's collation; ties by name. */
export function sortSummaries(rows: readonly MetricsSummaryRow[], key: SortKey, dir: 'asc' | 'desc', collator: Intl.Collator): MetricsSummaryRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'string' ? collator.compare(x, y as string) : (x as number) - (y as number);
    return c * sign || collator.compare(a.label ?? '', b.label ?? '');
  });
}

/**
 * Every day of the range `from`–`to` (YYYY-MM-DD) with its row, null for a day with none: the charts show the
 * range asked for, so a week with one day of data reads as one day in seven, not as the range ignored.
 */
export function everyDay(from: string, to: string, byDay: readonly MetricsSummaryRow[]): { day: string; row: MetricsSummaryRow | null }[] {
  const rows = new Map(byDay.map((r) => [r.key, r]));
  const days: { day: string; row: MetricsSummaryRow | null }[] = [];
  for (let day = from; day <= to; day = nextDay(day)) days.push({ day, row: rows.get(day) ?? null });
  return days;
}

const nextDay = (day: string): string => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
