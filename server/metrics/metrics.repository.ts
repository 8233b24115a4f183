import { sql, type Kysely } from 'kysely';
import type { CollectorDayMetrics } from '../contract/metrics.ts';
import type { Database } from '../db/database.ts';
import { refreshCollectorDays } from './collector-day-rollup.ts';

export interface MetricsFilter {
  from: string;
  to: string;
  timeZone: string;
  teamId?: number | null;
  collectorId?: number | null;
}

/** Rounded half up as JavaScript's Math.round does (the figures were computed in JS before; tests hold both to it). */
const round = (expr: ReturnType<typeof sql>, digits: number) => sql`floor((${expr}) * ${sql.lit(10 ** digits)} + 0.5) / ${sql.lit(10 ** digits)}`;
/** ISO 8601 in UTC, as the API sends instants. */
const iso = (expr: ReturnType<typeof sql>) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Per collector per day, from the daily position rollup (or continuous
 * aggregate) and the operations rollup, brought up to date for the range
 * first; every figure is a sum a person can redo from the raw rows. Days are
 * cut in `timeZone`, the zone both rollups were cut in (migrations 0005, 0007).
 *
 * The database writes the JSON array of `CollectorDayMetrics` itself: a month
 * of 500 collectors is 15,000 rows, and parsing them into objects only to
 * stringify them again cost the server's event loop (which also serves the
 * devices) more than the query.
 */
export async function collectorDayMetricsJson(db: Kysely<Database>, f: MetricsFilter): Promise<string> {
  await refreshCollectorDays(db, f.from, f.to, f.timeZone);
  const from = sql`${f.from}::date`;
  const to = sql`${f.to}::date`;
  const team = f.teamId ?? null;
  const collector = f.collectorId ?? null;
  const { rows } = await sql<{ json: string }>`
    with cs as (
      select id from collectors where (${team}::int is null or team_id = ${team}::int) and (${collector}::int is null or id = ${collector}::int)
    ), ops as (
      select * from collector_day_ops where day between ${from} and ${to} and collector_id in (select id from cs)
    ), track as (
      -- A collector with a phone and a tracker drove once: distance and time from the device that saw the most of
      -- the day; first and last report from any of them.
      -- max() of [points, …] arrays picks the busiest device's row in one hash aggregate, with no sort.
      select collector_id, day, busiest[2] as driven_m, busiest[3] as moving_s, busiest[4] as stopped_s, first_ts, last_ts
      from (
        select collector_id, day, max(array[points::float8, driven_m, moving_s, stopped_s]) as busiest,
               min(first_ts) as first_ts, max(last_ts) as last_ts
        from position_daily
        where collector_id in (select id from cs) and day between ${from} and ${to}
        group by 1, 2
      ) per_day
    ), days as (
      select coalesce(o.collector_id, tr.collector_id) as collector_id, coalesce(o.day, tr.day) as day,
             o.planned_m, coalesce(tr.driven_m, 0) as driven_m, coalesce(tr.moving_s, 0) as moving_s, coalesce(tr.stopped_s, 0) as stopped_s,
             tr.first_ts, tr.last_ts,
             coalesce(o.visits_planned, 0) as planned, coalesce(o.visits_completed, 0) as completed, coalesce(o.visits_paid, 0) as paid,
             coalesce(o.collected, 0) as collected, coalesce(o.promised, 0) as promised, coalesce(o.due, 0) as due,
             coalesce(o.timed_visits, 0) as timed, coalesce(o.on_site_s, 0) as on_site_s
      from ops o full join track tr on tr.collector_id = o.collector_id and tr.day = o.day
    )
    , answer as (
      select d.collector_id as "collectorId", c.name as "collectorName", c.team_id as "teamId", t.name as "teamName",
             d.day::text as "day",
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
    select coalesce(json_agg(a order by a."day", a."collectorName", a."collectorId"), '[]')::text as json from answer a`.execute(db);
  return rows[0].json;
}

export async function collectorDayMetrics(db: Kysely<Database>, f: MetricsFilter): Promise<CollectorDayMetrics[]> {
  return JSON.parse(await collectorDayMetricsJson(db, f)) as CollectorDayMetrics[];
}
