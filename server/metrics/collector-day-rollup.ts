import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { plannedMetres, type RouteVersion } from './planned-distance.ts';

/** Arbitrary key of the advisory lock that lets one reader at a time recompute the rollup. */
const ROLLUP_LOCK = 60_606;

/**
 * Recomputes the (collector, day) pairs of [from, to] that writes have marked
 * since the last read (migration 0007), each day in the collector's team time
 * zone (0009), so `collector_day_ops` is exact for the range; planned km from
 * every plan version of the day (`plannedDays`). A pair marked again while
 * this runs stays marked for the next read.
 *
 * Every pair with a committed mark is recomputed, but only the marks no writer
 * holds are deleted (SKIP LOCKED): a writer that found its pair already marked
 * holds that mark until it commits instead of adding one (migration 0020), and
 * its change is not in what this read sees, so the mark stays for the next read.
 * Marks have no key since 0020 (a pair may have several): rows go by ctid.
 * Returns how many pairs were recomputed.
 */
export async function refreshCollectorDays(db: Kysely<Database>, from: string, to: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK})`.execute(tx);
    // One statement, one snapshot: the pairs read are those of the marks deleted and of the held ones.
    const dirty = await sql<{ collector_id: number; day: string }>`
      with taken as (
        delete from collector_day_dirty where ctid = any(array(
          select ctid from collector_day_dirty where day between ${from}::date and ${to}::date for update skip locked))
      )
      select distinct collector_id, to_char(day, 'YYYY-MM-DD') as day from collector_day_dirty
      where day between ${from}::date and ${to}::date`.execute(tx);
    if (dirty.rows.length === 0) return 0;
    const keys = JSON.stringify(dirty.rows);
    const plannedJson = JSON.stringify(await plannedDays(tx, keys));
    await sql`
      delete from collector_day_ops o using json_to_recordset(${keys}::json) as k(collector_id int, day date)
      where o.day = k.day and o.collector_id = k.collector_id`.execute(tx);
    await sql`
      delete from collector_day_money o using json_to_recordset(${keys}::json) as k(collector_id int, day date)
      where o.day = k.day and o.collector_id = k.collector_id`.execute(tx);
    await sql`
      with k as (
        select collector_id, day, (day::timestamp at time zone zone) as t0, ((day + 1)::timestamp at time zone zone) as t1
        from json_to_recordset(${keys}::json) as k(collector_id int, day date), collector_time_zone(collector_id) as zone
      ), vd as (
        select k.collector_id, k.day,
               count(*) filter (where v.status <> 'cancelled') as visits_planned,
               count(*) filter (where v.status = 'completed') as visits_completed,
               count(*) filter (where v.status = 'completed' and exists (select 1 from payments p where p.visit_id = v.id)) as visits_paid
        from k join visits v on v.collector_id = k.collector_id and v.visit_date = k.day
        group by 1, 2
      ), money as (
        -- Amounts of different currencies are never added together (migration 0010).
        select collector_id, day, currency, sum(due) as due, sum(collected) as collected, sum(promised) as promised
        from (
          select k.collector_id, k.day, a.currency, a.installment_amount as due, 0 as collected, 0 as promised
          from k join visits v on v.collector_id = k.collector_id and v.visit_date = k.day and v.status <> 'cancelled'
          join accounts a on a.id = v.account_id
          union all
          select k.collector_id, k.day, p.currency, 0, p.amount, 0
          from k join payments p on p.collector_id = k.collector_id and p.ts >= k.t0 and p.ts < k.t1
          union all
          select k.collector_id, k.day, a.currency, 0, 0, p.amount
          from k join promises p on p.collector_id = k.collector_id and p.promised_at >= k.t0 and p.promised_at < k.t1
          join accounts a on a.id = p.account_id
        ) m
        group by 1, 2, 3
      ), money_rows as (
        insert into collector_day_money (day, collector_id, currency, due, collected, promised)
        select day, collector_id, currency, due, collected, promised from money
        returning collector_id, day
      ), site as (
        select k.collector_id, k.day, count(c.on_site_s) as timed_visits, coalesce(sum(c.on_site_s::float8), 0) as on_site_s
        from k join checkins c on c.collector_id = k.collector_id and c.ts >= k.t0 and c.ts < k.t1 group by 1, 2
      ), planned as (
        select collector_id, day, planned_m from json_to_recordset(${plannedJson}::json) as pl(collector_id int, day date, planned_m float8)
      )
      insert into collector_day_ops (day, collector_id, planned_m, visits_planned, visits_completed, visits_paid, timed_visits, on_site_s)
      select k.day, k.collector_id, pl.planned_m, coalesce(vd.visits_planned, 0), coalesce(vd.visits_completed, 0), coalesce(vd.visits_paid, 0),
             coalesce(site.timed_visits, 0), coalesce(site.on_site_s, 0)
      from k
      left join vd on vd.collector_id = k.collector_id and vd.day = k.day
      left join site on site.collector_id = k.collector_id and site.day = k.day
      left join planned pl on pl.collector_id = k.collector_id and pl.day = k.day
      -- A pair whose rows all went away (a visit moved to another collector) leaves no row behind.
      where vd.collector_id is not null or site.collector_id is not null or pl.collector_id is not null
         or exists (select 1 from money_rows m where m.collector_id = k.collector_id and m.day = k.day)`.execute(tx);
    return dirty.rows.length;
  });
}

/**
 * Planned metres of each (collector, day) of `keys` that has a route: worked out from every
 * version of the route (planned-distance.ts), which `plan_routes.stop_legs` (migration 0012)
 * keeps small. In TypeScript rather than SQL: the same rules in SQL took seconds for a month
 * of 500 collectors.
 */
async function plannedDays(tx: Kysely<Database>, keys: string): Promise<{ collector_id: number; day: string; planned_m: number }[]> {
  const { rows } = await sql<{ collector_id: number; day: string; versions: string; own: string }>`
    with k as (
      select collector_id, day from json_to_recordset(${keys}::json) as k(collector_id int, day date)
    ), versions as (
      select k.collector_id, k.day, json_agg(json_build_object('distanceM', r.distance_m, 'legs', r.stop_legs) order by r.plan_id)::text as versions
      from k join plans p on p.plan_date = k.day join plan_routes r on r.plan_id = p.id and r.collector_id = k.collector_id
      group by k.collector_id, k.day
    ), own as (
      select k.collector_id, k.day, json_agg(v.id)::text as ids
      from k join visits v on v.collector_id = k.collector_id and v.visit_date = k.day and v.status <> 'cancelled'
      group by k.collector_id, k.day
    )
    select vs.collector_id, to_char(vs.day, 'YYYY-MM-DD') as day, vs.versions, coalesce(own.ids, '[]') as own
    from versions vs left join own on own.collector_id = vs.collector_id and own.day = vs.day`.execute(tx);
  return rows.map((r) => {
    const versions = (JSON.parse(r.versions) as StoredVersion[]).map(
      (v): RouteVersion => ({ start: v.legs.start, visits: v.legs.visits, legsM: v.legs.m, distanceM: v.distanceM }),
    );
    return { collector_id: r.collector_id, day: r.day, planned_m: plannedMetres(versions, new Set(JSON.parse(r.own) as number[])) };
  });
}

type StoredVersion = { distanceM: number; legs: { start: string | null; visits: number[]; m: number[] } };
