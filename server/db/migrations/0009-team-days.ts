import { sql, type Kysely } from 'kysely';
import { hasTimescale } from '../timescale.ts';

/**
 * Manager metrics cut each collector's day in their team's time zone (SPEC §1: "times in the
 * team's time zone"), as plans already do. Migrations 0005 and 0007 cut every day in the one
 * TIME_ZONE of the server, so a Tijuana team's payment at 23:00 counted on the next day of a
 * Mexico City server. Frozen once landed (STYLE rule 9).
 *
 * - `is_time_zone(text)` guards `teams.time_zone`: a zone PostgreSQL does not know would make
 *   every `at time zone` below fail, and the position writer with it.
 * - `collector_time_zone(id)`: the team's zone; a collector without a team keeps the TIME_ZONE
 *   in force when this migration ran (`default_time_zone()`), as before.
 * - The (collector, day) marks of check-ins, payments and promises use the collector's zone.
 * - `recut_collector_days(ids)` marks every day of those collectors for recomputation and, on
 *   plain PostgreSQL, rebuilds their devices' daily position rollup from the positions; it runs
 *   here for everyone, and again whenever a team's zone or a collector's team changes.
 * - TimescaleDB: a continuous aggregate buckets in one fixed zone, so it now keeps hours and
 *   `position_daily` sums them into each collector's local days (zones of whole hours; a
 *   :30 or :45 zone's day would start up to 45 minutes off there).
 * - `position_days(from, to)`: the days of a range, read by time on TimescaleDB (a filter on
 *   the computed day alone would read every hour ever aggregated); metrics read this.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const fallback = sql.lit(process.env.TIME_ZONE || 'America/Mexico_City');
  // Immutable and a plain literal: inlined and folded where a query uses it, even per row.
  await sql`create function default_time_zone() returns text language sql immutable as $fn$ select ${fallback}::text $fn$`.execute(db);
  // Declared immutable so a check constraint may use it: what zone names mean does not change under a running server.
  await sql`
    create function is_time_zone(zone text) returns boolean language plpgsql immutable as $fn$
    begin
      perform now() at time zone zone;
      return true;
    exception when others then
      return false;
    end $fn$`.execute(db);
  // A zone typed by hand that PostgreSQL does not know already failed every plan of its team; it must not also stop the upgrade.
  await sql`update teams set time_zone = default_time_zone() where not is_time_zone(time_zone)`.execute(db);
  await sql`alter table teams add constraint teams_time_zone_known check (is_time_zone(time_zone))`.execute(db);
  await sql`
    create function collector_time_zone(collector integer) returns text language sql stable as $fn$
      select coalesce((select t.time_zone from collectors c join teams t on t.id = c.team_id where c.id = collector), default_time_zone())
    $fn$`.execute(db);

  const localDay = (col: string) => sql`((${sql.ref(col)} at time zone collector_time_zone(collector_id))::date)`;
  const mark = (name: string, keysFromRows: (rows: 'old_rows' | 'new_rows') => ReturnType<typeof sql>) => sql`
    create or replace function ${sql.raw(name)}() returns trigger language plpgsql as $fn$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        insert into collector_day_dirty (collector_id, day)
        select distinct collector_id, day from (${keysFromRows('old_rows')}) k where collector_id is not null and day is not null
        on conflict do nothing;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into collector_day_dirty (collector_id, day)
        select distinct collector_id, day from (${keysFromRows('new_rows')}) k where collector_id is not null and day is not null
        on conflict do nothing;
      end if;
      return null;
    end $fn$`;
  const rows = (r: string) => sql.raw(r);
  await mark('metrics_dirty_checkins', (r) => sql`select collector_id, ${localDay('ts')} as day from ${rows(r)}`).execute(db);
  await mark('metrics_dirty_promises', (r) => sql`select collector_id, ${localDay('promised_at')} as day from ${rows(r)}`).execute(db);
  await mark(
    'metrics_dirty_payments',
    (r) => sql`select collector_id, ${localDay('ts')} as day from ${rows(r)}
               union select v.collector_id, v.visit_date from ${rows(r)} p join visits v on v.id = p.visit_id`,
  ).execute(db);

  const timescale = await hasTimescale(db);
  await sql`
    create function recut_collector_days(ids integer[]) returns void language plpgsql as $fn$
    declare
      devs integer[];
    begin
      insert into collector_day_dirty (collector_id, day)
      select collector_id, day from collector_day_ops where collector_id = any(ids)
      union select collector_id, visit_date from visits where collector_id = any(ids)
      union select collector_id, ${localDay('ts')} from checkins where collector_id = any(ids)
      union select collector_id, ${localDay('ts')} from payments where collector_id = any(ids)
      union select collector_id, ${localDay('promised_at')} from promises where collector_id = any(ids)
      on conflict do nothing;
      ${timescale ? sql`` : sql`
      -- Whole devices, so a device that changed hands mid-day is summed once.
      devs := array(select device_id from position_daily_rollup where collector_id = any(ids)
                    union select id from devices where collector_id = any(ids));
      delete from position_daily_rollup where device_id = any(devs);
      -- Joined, not collector_time_zone() per row: at upgrade this reads every position ever stored.
      insert into position_daily_rollup (device_id, collector_id, day, driven_m, moving_s, stopped_s, points, first_ts, last_ts)
      select p.device_id, max(p.collector_id), (p.device_time at time zone coalesce(t.time_zone, default_time_zone()))::date,
             coalesce(sum(p.segment_m), 0), coalesce(sum(p.segment_s) filter (where p.moving), 0),
             coalesce(sum(p.segment_s) filter (where not p.moving), 0), count(*), min(p.device_time), max(p.device_time)
      from positions p left join collectors c on c.id = p.collector_id left join teams t on t.id = c.team_id
      where p.device_id = any(devs)
      group by p.device_id, 3;`}
    end $fn$`.execute(db);

  await sql`
    create function recut_team_days() returns trigger language plpgsql as $fn$
    begin
      perform recut_collector_days(array(select id from collectors where team_id = new.id));
      return null;
    end $fn$;
    create trigger teams_time_zone_recut after update of time_zone on teams
      for each row when (old.time_zone is distinct from new.time_zone) execute function recut_team_days();
    create function recut_moved_collector_days() returns trigger language plpgsql as $fn$
    begin
      if collector_time_zone(new.id) is distinct from coalesce((select time_zone from teams where id = old.team_id), default_time_zone()) then
        perform recut_collector_days(array[new.id]);
      end if;
      return null;
    end $fn$;
    create trigger collectors_team_recut after update of team_id on collectors
      for each row when (old.team_id is distinct from new.team_id) execute function recut_moved_collector_days();
  `.execute(db);

  if (timescale) {
    await sql`drop view position_daily`.execute(db);
    await sql`drop materialized view position_daily_cagg`.execute(db);
    await sql`
      create materialized view position_hourly_cagg with (timescaledb.continuous, timescaledb.materialized_only = false) as
      select time_bucket(interval '1 hour', device_time) as bucket, device_id, collector_id,
             coalesce(sum(segment_m), 0) as driven_m,
             coalesce(sum(segment_s) filter (where moving), 0) as moving_s,
             coalesce(sum(segment_s) filter (where not moving), 0) as stopped_s,
             count(*) as points, min(device_time) as first_ts, max(device_time) as last_ts
      from positions group by 1, 2, 3 with no data`.execute(db);
    await sql`select add_continuous_aggregate_policy('position_hourly_cagg', start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '15 minutes')`.execute(db);
    const hoursToDays = (where: ReturnType<typeof sql>) => sql`
      select device_id, max(collector_id) as collector_id, ((bucket at time zone collector_time_zone(collector_id))::date) as day,
             sum(driven_m)::float8 as driven_m, sum(moving_s)::float8 as moving_s, sum(stopped_s)::float8 as stopped_s,
             sum(points)::int as points, min(first_ts) as first_ts, max(last_ts) as last_ts
      from position_hourly_cagg ${where} group by device_id, 3`;
    await sql`create view position_daily as ${hoursToDays(sql``)}`.execute(db);
    // Zones run from −12 to +14 hours: a local day's hours lie within a day of the same UTC
    // day, so the aggregate is read by its time index, not whole.
    await sql`
      create function position_days(from_day date, to_day date) returns setof position_daily language sql stable as $fn$
        select * from (${hoursToDays(sql`where bucket >= from_day - interval '1 day' and bucket < to_day + interval '2 days'`)}) d
        where day between from_day and to_day
      $fn$`.execute(db);
  } else {
    await sql`
      create function position_days(from_day date, to_day date) returns setof position_daily language sql stable as $fn$
        select * from position_daily where day between from_day and to_day
      $fn$`.execute(db);
  }
  await sql`select recut_collector_days(array(select id from collectors))`.execute(db);
}
