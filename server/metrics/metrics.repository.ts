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
  collected: number | null;
  promised: number | null;
  due: number | null;
  on_site_avg_s: number | null;
  on_site_sum_s: number | null;
}

/**
 * Per collector per day, from the daily position rollup (or continuous
 * aggregate) and the operations tables; every figure is a sum a person can
 * redo from the raw rows. Days are cut in the team's time zone.
 */
export async function collectorDayMetrics(db: Kysely<Database>, f: MetricsFilter): Promise<CollectorDayMetrics[]> {
  const tz = f.timeZone;
  const fromTs = sql`(${f.from}::date::timestamp at time zone ${tz})`;
  const toTs = sql`((${f.to}::date + 1)::timestamp at time zone ${tz})`;
  const team = f.teamId ?? null;
  const collector = f.collectorId ?? null;
  const rows = await sql<Row>`
    with track as (
      -- a collector with a phone and a tracker drove once: take the device that saw the most of the day
      select distinct on (collector_id, day) collector_id, day, driven_m, moving_s, stopped_s, first_ts, last_ts
      from position_daily
      where collector_id is not null and day between ${f.from}::date and ${f.to}::date
      order by collector_id, day, points desc
    ), visit_days as (
      select v.collector_id, v.visit_date as day,
             count(*) filter (where v.status <> 'cancelled') as visits_planned,
             count(*) filter (where v.status = 'completed') as visits_completed,
             count(*) filter (where v.status = 'completed' and exists (select 1 from payments p where p.visit_id = v.id)) as visits_paid,
             coalesce(sum(a.installment_amount) filter (where v.status <> 'cancelled'), 0) as due
      from visits v join accounts a on a.id = v.account_id
      where v.collector_id is not null and v.visit_date between ${f.from}::date and ${f.to}::date
      group by 1, 2
    ), pay as (
      select collector_id, (ts at time zone ${tz})::date as day, sum(amount) as collected
      from payments where collector_id is not null and ts >= ${fromTs} and ts < ${toTs} group by 1, 2
    ), prom as (
      select collector_id, (promised_at at time zone ${tz})::date as day, sum(amount) as promised
      from promises where collector_id is not null and promised_at >= ${fromTs} and promised_at < ${toTs} group by 1, 2
    ), site as (
      select collector_id, (ts at time zone ${tz})::date as day, avg(on_site_s) as on_site_avg_s, coalesce(sum(on_site_s), 0) as on_site_sum_s
      from checkins where collector_id is not null and ts >= ${fromTs} and ts < ${toTs} group by 1, 2
    ), planned as (
      ${plannedDistanceSql(f)}
    ), keys as (
      select collector_id, day from track union select collector_id, day from visit_days union select collector_id, day from pay
      union select collector_id, day from prom union select collector_id, day from planned
    )
    select k.collector_id, c.name as collector_name, c.team_id, t.name as team_name, to_char(k.day, 'YYYY-MM-DD') as day,
           pl.planned_m, tr.driven_m, tr.moving_s, tr.stopped_s, tr.first_ts, tr.last_ts,
           vd.visits_planned, vd.visits_completed, vd.visits_paid, pay.collected, prom.promised, vd.due,
           site.on_site_avg_s, site.on_site_sum_s
    from keys k
    join collectors c on c.id = k.collector_id
    left join teams t on t.id = c.team_id
    left join track tr on tr.collector_id = k.collector_id and tr.day = k.day
    left join visit_days vd on vd.collector_id = k.collector_id and vd.day = k.day
    left join pay on pay.collector_id = k.collector_id and pay.day = k.day
    left join prom on prom.collector_id = k.collector_id and prom.day = k.day
    left join site on site.collector_id = k.collector_id and site.day = k.day
    left join planned pl on pl.collector_id = k.collector_id and pl.day = k.day
    where (${team}::int is null or c.team_id = ${team}::int) and (${collector}::int is null or c.id = ${collector}::int)
    order by k.day, c.name`.execute(db);
  return rows.rows.map(toMetrics);
}

/** Planned distance of the day's current plan version; nothing planned = no row. */
function plannedDistanceSql(f: MetricsFilter) {
  return sql`select null::int as collector_id, null::date as day, null::float8 as planned_m where false and ${f.from}::date is null`;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function toMetrics(r: Row): CollectorDayMetrics {
  const completed = Number(r.visits_completed ?? 0);
  const stoppedS = Number(r.stopped_s ?? 0);
  const onSiteS = Number(r.on_site_sum_s ?? 0);
  return {
    collectorId: r.collector_id,
    collectorName: r.collector_name,
    teamId: r.team_id,
    teamName: r.team_name,
    day: r.day,
    plannedKm: r.planned_m === null ? null : round(r.planned_m / 1000, 2),
    drivenKm: round(Number(r.driven_m ?? 0) / 1000, 2),
    visitsPlanned: Number(r.visits_planned ?? 0),
    visitsCompleted: completed,
    visitsWithPayment: Number(r.visits_paid ?? 0),
    effectiveRate: completed > 0 ? round(Number(r.visits_paid ?? 0) / completed, 4) : null,
    collected: round(Number(r.collected ?? 0), 2),
    promised: round(Number(r.promised ?? 0), 2),
    due: round(Number(r.due ?? 0), 2),
    avgVisitMin: r.on_site_avg_s === null ? null : round(r.on_site_avg_s / 60, 1),
    // Stopped time at addresses is visit time, not idle time.
    idleMin: round(Math.max(0, stoppedS - onSiteS) / 60, 1),
    movingMin: round(Number(r.moving_s ?? 0) / 60, 1),
    firstReport: r.first_ts ? new Date(r.first_ts).toISOString() : null,
    lastReport: r.last_ts ? new Date(r.last_ts).toISOString() : null,
  };
}
