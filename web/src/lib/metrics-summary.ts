import type { CollectorDayMetrics } from '$contract/metrics.ts';

/** Collector-day rows summed over a group (a collector, a team, a day, or everything). */
export interface MetricsSummary {
  key: string;
  label: string;
  /** The day or the team every summed row shares; null when they differ. */
  day: string | null;
  teamName: string | null;
  /** Collector-day rows summed. */
  rows: number;
  plannedKm: number | null;
  drivenKm: number;
  visitsPlanned: number;
  visitsCompleted: number;
  visitsWithPayment: number;
  effectiveRate: number | null;
  collected: number;
  promised: number;
  due: number;
  timedVisits: number;
  onSiteMin: number;
  avgVisitMin: number | null;
  idleMin: number;
  movingMin: number;
  firstReport: number | null;
  lastReport: number | null;
}

export type GroupBy = 'collector' | 'team' | 'day';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Sums what adds up and recomputes the ratios from the sums (visits with
 * payment ÷ visits completed, minutes on site ÷ timed visits): the average of
 * daily rates would weight a one-visit day like a twenty-visit one.
 */
export function summarize(rows: readonly CollectorDayMetrics[], key: string, label: string): MetricsSummary {
  let planned: number | null = null;
  const s = { driven: 0, vp: 0, vc: 0, vpay: 0, col: 0, prom: 0, due: 0, timed: 0, onSite: 0, idle: 0, moving: 0 };
  let first: number | null = null;
  let last: number | null = null;
  const day = rows.every((r) => r.day === rows[0]?.day) ? (rows[0]?.day ?? null) : null;
  const teamName = rows.every((r) => r.teamId === rows[0]?.teamId) ? (rows[0]?.teamName ?? null) : null;
  for (const r of rows) {
    if (r.plannedKm !== null) planned = (planned ?? 0) + r.plannedKm;
    s.driven += r.drivenKm;
    s.vp += r.visitsPlanned;
    s.vc += r.visitsCompleted;
    s.vpay += r.visitsWithPayment;
    s.col += r.collected;
    s.prom += r.promised;
    s.due += r.due;
    s.timed += r.timedVisits;
    s.onSite += r.onSiteMin;
    s.idle += r.idleMin;
    s.moving += r.movingMin;
    if (r.firstReport) first = Math.min(first ?? Infinity, Date.parse(r.firstReport));
    if (r.lastReport) last = Math.max(last ?? -Infinity, Date.parse(r.lastReport));
  }
  return {
    key,
    label,
    day,
    teamName,
    rows: rows.length,
    plannedKm: planned === null ? null : round(planned, 2),
    drivenKm: round(s.driven, 2),
    visitsPlanned: s.vp,
    visitsCompleted: s.vc,
    visitsWithPayment: s.vpay,
    effectiveRate: s.vc > 0 ? s.vpay / s.vc : null,
    collected: round(s.col, 2),
    promised: round(s.prom, 2),
    due: round(s.due, 2),
    timedVisits: s.timed,
    onSiteMin: round(s.onSite, 1),
    avgVisitMin: s.timed > 0 ? round(s.onSite / s.timed, 1) : null,
    idleMin: round(s.idle, 1),
    movingMin: round(s.moving, 1),
    firstReport: first,
    lastReport: last,
  };
}

/** One summary per collector, team or day, in first-seen order (the API sends rows by day, then name). */
export function groupMetrics(rows: readonly CollectorDayMetrics[], by: GroupBy, noTeam: string): MetricsSummary[] {
  const groups = new Map<string, { label: string; rows: CollectorDayMetrics[] }>();
  for (const r of rows) {
    const [key, label] =
      by === 'collector' ? [`c${r.collectorId}`, r.collectorName] : by === 'team' ? [`t${r.teamId ?? ''}`, r.teamName ?? noTeam] : [r.day, r.day];
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { label, rows: [] }));
    g.rows.push(r);
  }
  return [...groups].map(([key, g]) => summarize(g.rows, key, g.label));
}

/** Every collector-day row as its own summary: the detail table shares the grouped tables' columns. */
export function detailRows(rows: readonly CollectorDayMetrics[]): MetricsSummary[] {
  return rows.map((r) => summarize([r], `${r.collectorId}:${r.day}`, r.collectorName));
}

export type SortKey = Exclude<keyof MetricsSummary, 'key'>;

/** Sorted copy; nulls last whichever the direction, names by the UI language's collation. */
export function sortSummaries(rows: readonly MetricsSummary[], key: SortKey, dir: 'asc' | 'desc', collator: Intl.Collator): MetricsSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'string' ? collator.compare(x, y as string) : (x as number) - (y as number);
    return c * sign || collator.compare(a.label, b.label);
  });
}
