import { sql, type Kysely } from 'kysely';
import type { CollectorDayMetrics } from '../contract/metrics.ts';
import type { Database } from '../db/database.ts';

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
  first_ts: Date | null;
  last_ts: Date | null;
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
 * aggregate), the day's latest plan and the operations tables; every figure is
 * a sum a person can redo from the raw rows. Days are cut in `timeZone`, the
 * zone the position rollup was cut in (migration 0005).
 */
export async function collectorDayMetrics(db: Kysely<Database>, f: MetricsFilter): Promise<CollectorDayMetrics[]> {
  const tz = f.timeZone;
  const from = sql`${f.from}::date`;
  const to = sql`${f.to}::date`;
  const fromTs = sql`(${f.from}::date::timestamp at time zone ${tz})`;
  const toTs = sql`((${f.to}::date + 1)::timestamp at time zone ${tz})`;
  const team = f.teamId ?? null;
  const collector = f.collectorId ?? null;
  const rows = await sql<Row>`
    with cs as (
      select id from collectors where (${team}::int is null or team_id = ${team}::int) and (${collector}::int is null or id = ${collector}::int)
    ), track as (
      -- A collector with a phone and a tracker drove once: distance and time from the device that saw the most of
      -- the day; first and last report from any of them.
      select distinct on (collector_id, day) collector_id, day, driven_m, moving_s, stopped_s,
             min(first_ts) over w as first_ts, max(last_ts) over w as last_ts
      from position_daily
      where collector_id in (select id from cs) and day between ${from} and ${to}
      window w as (partition by collector_id, day)
      order by collector_id, day, points desc
    ), paid_visits as (
      -- A visit's payment is never recorded before its day, so payments from the range's start on are enough.
      select distinct visit_id from payments where visit_id is not null and ts >= ${fromTs}
    ), visit_days as (
      select v.collector_id, v.visit_date as day,
             count(*) filter (where v.status <> 'cancelled') as visits_planned,
             count(*) filter (where v.status = 'completed') as visits_completed,
             count(pv.visit_id) filter (where v.status = 'completed') as visits_paid,
             coalesce(sum(a.installment_amount) filter (where v.status <> 'cancelled'), 0) as due
      from visits v
      join accounts a on a.id = v.account_id
      left join paid_visits pv on pv.visit_id = v.id
      where v.collector_id in (select id from cs) and v.visit_date between ${from} and ${to}
      group by 1, 2
    ), pay as (
      select collector_id, (ts at time zone ${tz})::date as day, sum(amount) as collected
      from payments where collector_id in (select id from cs) and ts >= ${fromTs} and ts < ${toTs} group by 1, 2
    ), prom as (
      select collector_id, (promised_at at time zone ${tz})::date as day, sum(amount) as promised
      from promises where collector_id in (select id from cs) and promised_at >= ${fromTs} and promised_at < ${toTs} group by 1, 2
    ), site as (
      select collector_id, (ts at time zone ${tz})::date as day, count(on_site_s) as timed_visits, sum(on_site_s::float8) as on_site_s
      from checkins where collector_id in (select id from cs) and ts >= ${fromTs} and ts < ${toTs} group by 1, 2
    ), latest_plan as (
      -- Every optimization or reassignment stores a new version of the team's day (migration 0003): the last one stands.
      select distinct on (team_id, plan_date) id, plan_date from plans
      where plan_date between ${from} and ${to} order by team_id, plan_date, version desc
    ), planned as (
      select r.collector_id, lp.plan_date as day, sum(r.distance_m) as planned_m
      from latest_plan lp join plan_routes r on r.plan_id = lp.id
      where r.collector_id in (select id from cs)
      group by 1, 2
    ), keys as (
      select collector_id, day from track union select collector_id, day from visit_days union select collector_id, day from pay
      union select collector_id, day from prom union select collector_id, day from site union select collector_id, day from planned
    )
    select k.collector_id, c.name as collector_name, c.team_id, t.name as team_name, to_char(k.day, 'YYYY-MM-DD') as day,
           pl.planned_m, tr.driven_m, tr.moving_s, tr.stopped_s, tr.first_ts, tr.last_ts,
           vd.visits_planned::int, vd.visits_completed::int, vd.visits_paid::int, pay.collected, prom.promised, vd.due,
           site.timed_visits::int, site.on_site_s
    from keys k
    join collectors c on c.id = k.collector_id
    left join teams t on t.id = c.team_id
    left join track tr on tr.collector_id = k.collector_id and tr.day = k.day
    left join visit_days vd on vd.collector_id = k.collector_id and vd.day = k.day
    left join pay on pay.collector_id = k.collector_id and pay.day = k.day
    left join prom on prom.collector_id = k.collector_id and prom.day = k.day
    left join site on site.collector_id = k.collector_id and site.day = k.day
    left join planned pl on pl.collector_id = k.collector_id and pl.day = k.day
    order by k.day, c.name, k.collector_id`.execute(db);
  return rows.rows.map(toMetrics);
}

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
    firstReport: r.first_ts ? new Date(r.first_ts).toISOString() : null,
    lastReport: r.last_ts ? new Date(r.last_ts).toISOString() : null,
  };
}
