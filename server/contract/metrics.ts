import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, FIRST_DATE, LAST_DATE } from './request-values.ts';

const Num = Type.Number();
const NullableNum = Type.Union([Type.Null(), Type.Number()]);

const DateTime = Type.Union([Type.Null(), Type.String({ format: 'date-time' })]);

/** The figures a manager compares, for one collector-day or summed over a group (issue 6, manager metrics). */
const MetricFigures = Type.Object({
  plannedKm: NullableNum,
  drivenKm: Num,
  visitsPlanned: Type.Integer(),
  visitsCompleted: Type.Integer(),
  visitsWithPayment: Type.Integer(),
  /** visits with a payment ÷ visits completed; null when none were completed. */
  effectiveRate: NullableNum,
  /** Money in the answer's currency; null where there is none in it (another currency's team, or nothing at all). */
  collected: NullableNum,
  promised: NullableNum,
  due: NullableNum,
  /** Check-ins whose trail shows the arrival at the address (server/operations/on-site.ts). */
  timedVisits: Type.Integer(),
  /** Minutes from arrival at the address to the check-in, summed over those check-ins. */
  onSiteMin: Num,
  /** onSiteMin ÷ timedVisits; null when no check-in could be timed. */
  avgVisitMin: NullableNum,
  /** Minutes stopped (below 2 km/h) that were not time on site before a check-in. */
  idleMin: Num,
  movingMin: Num,
  firstReport: DateTime,
  lastReport: DateTime,
});

/** One collector on one day. */
export const CollectorDayMetrics = Type.Composite([
  Type.Object({
    collectorId: Type.Integer(),
    collectorName: Type.String(),
    teamId: Type.Union([Type.Null(), Type.Integer()]),
    teamName: Type.Union([Type.Null(), Type.String()]),
    day: Type.String({ format: 'date' }),
    /** The zone the day is cut in and its report times read in: the team's (the server's TIME_ZONE for a collector without one). */
    timeZone: Type.String(),
  }),
  MetricFigures,
]);
export type CollectorDayMetrics = Static<typeof CollectorDayMetrics>;

export const MetricsQuery = Type.Object({
  from: CalendarDate(),
  to: CalendarDate({ description: `a day, YYYY-MM-DD, from ${FIRST_DATE} to ${LAST_DATE}; at most 366 days after from` }),
  teamId: Type.Optional(Type.Integer()),
  collectorId: Type.Optional(Type.Integer()),
  /** The currency of the money figures (ISO 4217); by default the team's, or the server's. */
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
});
export type MetricsQuery = Static<typeof MetricsQuery>;

export const MetricsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  /** The currency of every money figure in `rows`. */
  currency: Type.String(),
  /** Every currency with money under the filter, most collector-days first: ask for another with `currency`. */
  currencies: Type.Array(Type.String()),
  rows: Type.Array(CollectorDayMetrics),
});
export type MetricsResponse = Static<typeof MetricsResponse>;

export const METRICS_GROUPS = ['collector', 'team', 'day', 'total'] as const;
export type MetricsGroup = (typeof METRICS_GROUPS)[number];

export const MetricsSummaryQuery = Type.Composite([MetricsQuery, Type.Object({ groupBy: Type.Union(METRICS_GROUPS.map((g) => Type.Literal(g))) })]);
export type MetricsSummaryQuery = Static<typeof MetricsSummaryQuery>;

/**
 * Collector-days summed over a group, aggregated by the database: what the
 * metrics page shows without fetching every collector-day. Ratios come from
 * the sums (visits with payment ÷ visits completed; minutes on site ÷ timed
 * visits), not as averages of daily ratios.
 */
export const MetricsSummaryRow = Type.Composite([
  Type.Object({
    /** `c{collectorId}`, `t{teamId}` (`t` alone: no team), the day, or `total`. */
    key: Type.String(),
    /** Collector name, team name, the day; null for "no team" and for the total. */
    label: Type.Union([Type.Null(), Type.String()]),
    /** The day or team every summed collector-day shares; null when they differ. */
    day: Type.Union([Type.Null(), Type.String({ format: 'date' })]),
    teamName: Type.Union([Type.Null(), Type.String()]),
    /** The time zone every summed collector-day shares (see CollectorDayMetrics); null when they differ. */
    timeZone: Type.Union([Type.Null(), Type.String()]),
    collectors: Type.Integer(),
  }),
  MetricFigures,
]);
export type MetricsSummaryRow = Static<typeof MetricsSummaryRow>;

export const MetricsSummaryResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  currency: Type.String(),
  currencies: Type.Array(Type.String()),
  groupBy: Type.String(),
  rows: Type.Array(MetricsSummaryRow),
});
export type MetricsSummaryResponse = Static<typeof MetricsSummaryResponse>;
