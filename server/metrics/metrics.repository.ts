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

interface Row {
  collector_id: number;
  collector_name: string;
  team_id: number | null;
  team_name: string | null;
  day: string;
  planned_m: number | null;
  driven_m: number | null;
  moving_s: number | null;
  stopped_s: number | null;
  first_ts: string | null;
  last_ts: string | null;
  visits_planned: number | null;
  visits_completed: number | null;
  visits_paid: number | null;
  collected: string | null;
  promised: string | null;
  due: string | null;
  timed_visits: number | null;
  on_site_s: number | null;
}

/**
 * Per collector per day, from the daily position rollup (or continuous
 * aggregate) and the operations rollup, brought up to date for the range
 * first; every figure is a sum a person can redo from the raw rows. Days are
 * cut in `timeZone`, the zone both rollups were cut in (migrations 0005, 0007).
 */
export async function collectorDayMetrics(db: Kysely<Database>, f: MetricsFilter): Promise<CollectorDayMetrics[]> {
  await refreshCollectorDays(db, f.from, f.to, f.timeZone);
  const from = sql`${f.from}::date`;
  const to = sql`${f.to}::date`;
  const team = f.teamId ?? null;
  const collector = f.collectorId ?? null;
  const rows = await sql<Row>`
    with cs as (
      select id from collectors where (${team}::int is null or team_id = ${team}::int) and (${collector}::int is null or id = ${collector}::int)
    ), ops as (
      select * from collector_day_ops where day between ${from} and ${to} and collector_id in (select id from cs)
    ), track as (
      -- A collector with a phone and a tracker drove once: distance and time from the device that saw the most of
      -- the day; first and last report from any of them.
      select collector_id, day,
             (array_agg(driven_m order by points desc))[1] as driven_m,
             (array_agg(moving_s order by points desc))[1] as moving_s,
             (array_agg(stopped_s order by points desc))[1] as stopped_s,
             min(first_ts) as first_ts, max(last_ts) as last_ts
      from position_daily
      where collector_id in (select id from cs) and day between ${from} and ${to}
      group by 1, 2
    ), days as (
      select coalesce(o.collector_id, tr.collector_id) as collector_id, coalesce(o.day, tr.day) as day,
             o.planned_m, tr.driven_m, tr.moving_s, tr.stopped_s, tr.first_ts, tr.last_ts,
             o.visits_planned, o.visits_completed, o.visits_paid, o.collected, o.promised, o.due, o.timed_visits, o.on_site_s
      from ops o full join track tr on tr.collector_id = o.collector_id and tr.day = o.day
    )
    select d.collector_id, c.name as collector_name, c.team_id, t.name as team_name, to_char(d.day, 'YYYY-MM-DD') as day,
           d.planned_m, d.driven_m, d.moving_s, d.stopped_s, ${iso('d.first_ts')} as first_ts, ${iso('d.last_ts')} as last_ts,
           d.visits_planned, d.visits_completed, d.visits_paid, d.collected, d.promised, d.due, d.timed_visits, d.on_site_s
    from days d
    join collectors c on c.id = d.collector_id
    left join teams t on t.id = c.team_id
    order by d.day, c.name, d.collector_id`.execute(db);
  return rows.rows.map(toMetrics);
}

/** ISO 8601 in UTC, as the API sends it, made by the database: 30,000 Date round trips fewer per month of 500 collectors. */
const iso = (col: string) => sql`to_char(${sql.ref(col)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function toMetrics(r: Row): CollectorDayMetrics {
  const completed = r.visits_completed ?? 0;
  const timed = r.timed_visits ?? 0;
  const onSiteS = Number(r.on_site_s ?? 0);
  const stoppedS = Number(r.stopped_s ?? 0);
  return {
    collectorId: r.collector_id,
    collectorName: r.collector_name,
    teamId: r.team_id,
    teamName: r.team_name,
    day: r.day,
    plannedKm: r.planned_m === null ? null : round(r.planned_m / 1000, 2),
    drivenKm: round(Number(r.driven_m ?? 0) / 1000, 2),
    visitsPlanned: r.visits_planned ?? 0,
    visitsCompleted: completed,
    visitsWithPayment: r.visits_paid ?? 0,
    effectiveRate: completed > 0 ? round((r.visits_paid ?? 0) / completed, 4) : null,
    collected: round(Number(r.collected ?? 0), 2),
    promised: round(Number(r.promised ?? 0), 2),
    due: round(Number(r.due ?? 0), 2),
    timedVisits: timed,
    onSiteMin: round(onSiteS / 60, 1),
    avgVisitMin: timed > 0 ? round(onSiteS / timed / 60, 1) : null,
    // Time stopped at an address before its check-in is visit time, not idle time.
    idleMin: round(Math.max(0, stoppedS - onSiteS) / 60, 1),
    movingMin: round(Number(r.moving_s ?? 0) / 60, 1),
    firstReport: r.first_ts,
    lastReport: r.last_ts,
  };
}
