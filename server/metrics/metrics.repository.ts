import { sql, type Kysely } from 'kysely';
import type { CollectorDayMetrics, MetricsGroup } from '../contract/metrics.ts';
import type { Database } from '../db/database.ts';
import { refreshCollectorDays } from './collector-day-rollup.ts';

export interface MetricsFilter {
  from: string;
  to: string;
  teamId?: number | null;
  collectorId?: number | null;
}

/**
 * Which currency a read's money figures are in (amounts of different currencies are never
 * added): `asked`, else the filtered team's currency, else `fallback` (the server's) — either
 * only when it has money under the filter or no currency has — else the currency with the
 * most collector-days.
 */
export interface MoneyChoice {
  asked: string | null;
  fallback: string;
}

/** A read's rows as JSON (written by the database), the currency of their money, and every currency with money under the filter. */
export interface MetricsAnswer {
  rows: string;
  currency: string;
  currencies: string[];
}

const collectorsOf = (f: MetricsFilter) => {
  const team = f.teamId ?? null;
  const collector = f.collectorId ?? null;
  return sql`select id from collectors where (${team}::int is null or team_id = ${team}::int) and (${collector}::int is null or id = ${collector}::int)`;
};

/** Rounded half up as JavaScript's Math.round does (the figures were computed in JS before; tests hold both to it). */
const round = (expr: ReturnType<typeof sql>, digits: number) => sql`floor((${expr}) * ${sql.lit(10 ** digits)} + 0.5) / ${sql.lit(10 ** digits)}`;
/** A collector-day's time zone, as collector_time_zone() (migration 0009) has it, from the `c` and `t` rows at hand. */
const zoneOf = sql`coalesce(t.time_zone, default_time_zone())`;
/** ISO 8601 in UTC, as the API sends instants. */
const iso = (expr: ReturnType<typeof sql>) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One row per collector and day over the filter: the daily position rollup
 * (or continuous aggregate) joined with the operations rollup, which the
 * caller brought up to date first, money in the chosen currency (`MoneyChoice`;
 * CTEs `currencies` and `chosen`, chosen in the same statement). Both cut each collector's days in their
 * team's time zone (migration 0009). Every figure is a sum a person can redo from the raw rows.
 */
function collectorDays(f: MetricsFilter, money: MoneyChoice) {
  const from = sql`${f.from}::date`;
  const to = sql`${f.to}::date`;
  const team = f.teamId ?? null;
  return sql`
    with cs as (
      ${collectorsOf(f)}
    ), currencies as (
      select currency, count(*) as n from collector_day_money
      where day between ${from} and ${to} and collector_id in (select id from cs) group by currency
    ), preferred as (
      select coalesce((select currency from teams where id = ${team}::int), ${money.fallback}::text) as currency
    ), chosen as (
      select coalesce(${money.asked}::text, case
        when not exists (select 1 from currencies) or exists (select 1 from currencies where currency = (select currency from preferred))
        then (select currency from preferred)
        else (select currency from currencies order by n desc, currency limit 1) end) as currency
    ), ops as (
      -- Money rows come with an ops row (collector-day-rollup.ts). Joined here rather than as a CTE of their own: ~10 % faster.
      select o.*, m.due, m.collected, m.promised from collector_day_ops o
      left join collector_day_money m on m.day = o.day and m.collector_id = o.collector_id and m.currency = (select currency from chosen)
      where o.day between ${from} and ${to} and o.collector_id in (select id from cs)
    ), track as (
      -- A collector with a phone and a tracker drove once: distance and time from the device that saw the most of
      -- the day; first and last report from any of them.
      -- max() of [points, …] arrays picks the busiest device's row in one hash aggregate, with no sort.
      select collector_id, day, busiest[2] as driven_m, busiest[3] as moving_s, busiest[4] as stopped_s, first_ts, last_ts
      from (
        select collector_id, day, max(array[points::float8, driven_m, moving_s, stopped_s]) as busiest,
               min(first_ts) as first_ts, max(last_ts) as last_ts
        from position_days(${from}, ${to})
        where collector_id in (select id from cs)
        group by 1, 2
      ) per_day
    ), days as (
      select coalesce(o.collector_id, tr.collector_id) as collector_id, coalesce(o.day, tr.day) as day,
             o.planned_m, coalesce(tr.driven_m, 0) as driven_m, coalesce(tr.moving_s, 0) as moving_s, coalesce(tr.stopped_s, 0) as stopped_s,
             tr.first_ts, tr.last_ts,
             coalesce(o.visits_planned, 0) as planned, coalesce(o.visits_completed, 0) as completed, coalesce(o.visits_paid, 0) as paid,
             -- Null, not 0, where the collector-day has no amount in the chosen currency: "none in USD" is not "USD 0 owed".
             o.collected, o.promised, o.due,
             coalesce(o.timed_visits, 0) as timed, coalesce(o.on_site_s, 0) as on_site_s
      from ops o full join track tr on tr.collector_id = o.collector_id and tr.day = o.day
    )`;
}

/**
 * The collector-day rows as the JSON array of `CollectorDayMetrics`, written
 * by the database: a month of 500 collectors is 15,000 rows, and parsing them
 * into objects only to stringify them again would cost the event loop that
 * also serves the devices.
 */
export async function collectorDayMetricsJson(db: Kysely<Database>, f: MetricsFilter, money: MoneyChoice): Promise<MetricsAnswer> {
  await refreshCollectorDays(db, f.from, f.to);
  const { rows } = await sql<AnswerRow>`
    ${collectorDays(f, money)}
    , answer as (
      select d.collector_id as "collectorId", c.name as "collectorName", c.team_id as "teamId", t.name as "teamName",
             d.day::text as "day", ${zoneOf} as "timeZone",
             ${round(sql`d.planned_m / 1000`, 2)} as "plannedKm",
             ${round(sql`d.driven_m / 1000`, 2)} as "drivenKm",
             d.planned as "visitsPlanned", d.completed as "visitsCompleted", d.paid as "visitsWithPayment",
             case when d.completed > 0 then ${round(sql`d.paid::float8 / d.completed`, 4)} end as "effectiveRate",
             d.collected::float8 as "collected", d.promised::float8 as "promised", d.due::float8 as "due",
             d.timed as "timedVisits",
             ${round(sql`d.on_site_s / 60`, 1)} as "onSiteMin",
             case when d.timed > 0 then ${round(sql`d.on_site_s / d.timed / 60`, 1)} end as "avgVisitMin",
             -- Time stopped at an address before its check-in is visit time, not idle time.
             ${round(sql`greatest(0, d.stopped_s - d.on_site_s) / 60`, 1)} as "idleMin",
             ${round(sql`d.moving_s / 60`, 1)} as "movingMin",
             ${iso(sql`d.first_ts`)} as "firstReport", ${iso(sql`d.last_ts`)} as "lastReport"
      from days d
      join collectors c on c.id = d.collector_id
      left join teams t on t.id = c.team_id
    )
    select (select coalesce(json_agg(a order by a."day", a."collectorName", a."collectorId"), '[]')::text from answer a) as json, ${chosenCurrencies}`.execute(db);
  return answer(rows[0]);
}

export async function collectorDayMetrics(db: Kysely<Database>, f: MetricsFilter, money: MoneyChoice): Promise<{ rows: CollectorDayMetrics[]; currency: string }> {
  const a = await collectorDayMetricsJson(db, f, money);
  return { rows: JSON.parse(a.rows) as CollectorDayMetrics[], currency: a.currency };
}

type AnswerRow = { json: string; currency: string; currencies: string[] };
const chosenCurrencies = sql`(select currency from chosen) as currency,
  array(select currency from currencies order by n desc, currency) as currencies`;
const answer = (r: AnswerRow): MetricsAnswer => ({ rows: r.json, currency: r.currency, currencies: r.currencies });

const GROUP_KEY: Record<MetricsGroup, { key: RawSql; label: RawSql; order: RawSql }> = {
  collector: { key: sql`'c' || d.collector_id`, label: sql`c.name`, order: sql`min(c.name), d.collector_id` },
  team: { key: sql`'t' || coalesce(c.team_id::text, '')`, label: sql`t.name`, order: sql`min(t.name) nulls last, c.team_id` },
  day: { key: sql`d.day::text`, label: sql`d.day::text`, order: sql`d.day::text` },
  total: { key: sql`'total'`, label: sql`null::text`, order: sql`1` },
};
type RawSql = ReturnType<typeof sql>;

/**
 * The collector-days summed per collector, team, day or in total, by the
 * database: the metrics page's tables, charts and totals without moving
 * every collector-day. Rounded once, after summing.
 */
export async function metricsSummaryJson(db: Kysely<Database>, f: MetricsFilter, groupBy: MetricsGroup, money: MoneyChoice): Promise<MetricsAnswer> {
  await refreshCollectorDays(db, f.from, f.to);
  const g = GROUP_KEY[groupBy];
  const groupCols = groupBy === 'collector' ? sql`d.collector_id` : groupBy === 'team' ? sql`c.team_id` : groupBy === 'day' ? sql`d.day` : sql`()`;
  const { rows } = await sql<AnswerRow>`
    ${collectorDays(f, money)}
    , grouped as (
      select ${g.key} as "key", min(${g.label}) as "label",
             case when min(d.day) = max(d.day) then min(d.day)::text end as "day",
             case when min(coalesce(c.team_id, 0)) = max(coalesce(c.team_id, 0)) then min(t.name) end as "teamName",
             case when min(${zoneOf}) = max(${zoneOf}) then min(${zoneOf}) end as "timeZone",
             count(distinct d.collector_id)::int as "collectors",
             case when count(d.planned_m) > 0 then ${round(sql`sum(d.planned_m) / 1000`, 2)} end as "plannedKm",
             ${round(sql`coalesce(sum(d.driven_m), 0) / 1000`, 2)} as "drivenKm",
             coalesce(sum(d.planned), 0)::int as "visitsPlanned", coalesce(sum(d.completed), 0)::int as "visitsCompleted", coalesce(sum(d.paid), 0)::int as "visitsWithPayment",
             case when sum(d.completed) > 0 then ${round(sql`sum(d.paid)::float8 / sum(d.completed)`, 4)} end as "effectiveRate",
             sum(d.collected)::float8 as "collected", sum(d.promised)::float8 as "promised", sum(d.due)::float8 as "due",
             coalesce(sum(d.timed), 0)::int as "timedVisits",
             ${round(sql`coalesce(sum(d.on_site_s), 0) / 60`, 1)} as "onSiteMin",
             case when sum(d.timed) > 0 then ${round(sql`sum(d.on_site_s) / sum(d.timed) / 60`, 1)} end as "avgVisitMin",
             ${round(sql`coalesce(sum(greatest(0, d.stopped_s - d.on_site_s)), 0) / 60`, 1)} as "idleMin",
             ${round(sql`coalesce(sum(d.moving_s), 0) / 60`, 1)} as "movingMin",
             ${iso(sql`min(d.first_ts)`)} as "firstReport", ${iso(sql`max(d.last_ts)`)} as "lastReport",
             row_number() over (order by ${g.order}) as ord
      from days d
      join collectors c on c.id = d.collector_id
      left join teams t on t.id = c.team_id
      group by ${groupCols}
    )
    select (select coalesce(json_agg(to_jsonb(g) - 'ord' order by g.ord), '[]')::text from grouped g) as json, ${chosenCurrencies}`.execute(db);
  return answer(rows[0]);
}
