import { sql, type Kysely } from 'kysely';
import { hasTimescale } from '../timescale.ts';

/**
 * Manager metrics (issue 6): driven distance, moving and stopped time per
 * device per day. Each position carries its segment from the device's
 * previous fix (computed at ingest, where the previous fix is at hand), so a
 * day is a plain sum — which a TimescaleDB continuous aggregate can maintain.
 * Without TimescaleDB the batch writer keeps `position_daily_rollup` in the
 * same transaction as the rows. Either way `position_daily` reads the same.
 * The day boundary is the TIME_ZONE in force when this migration ran.
 * Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const tz = process.env.TIME_ZONE || 'America/Mexico_City';
  await sql`alter table positions add column segment_m real, add column segment_s real, add column moving boolean`.execute(db);
  // Seconds the collector was at the address before checking in (time per visit), set with the check-in.
  await sql`alter table checkins add column on_site_s real`.execute(db);
  if (await hasTimescale(db)) {
    await sql`
      create materialized view position_daily_cagg with (timescaledb.continuous, timescaledb.materialized_only = false) as
      select time_bucket(interval '1 day', device_time, ${sql.lit(tz)}) as bucket, device_id, collector_id,
             coalesce(sum(segment_m), 0) as driven_m,
             coalesce(sum(segment_s) filter (where moving), 0) as moving_s,
             coalesce(sum(segment_s) filter (where not moving), 0) as stopped_s,
             count(*) as points, min(device_time) as first_ts, max(device_time) as last_ts
      from positions group by 1, 2, 3 with no data`.execute(db);
    await sql`select add_continuous_aggregate_policy('position_daily_cagg', start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '15 minutes')`.execute(db);
    await sql`
      create view position_daily as
      select device_id, collector_id, (bucket at time zone ${sql.lit(tz)})::date as day, driven_m, moving_s, stopped_s, points::int as points, first_ts, last_ts
      from position_daily_cagg`.execute(db);
    return;
  }
  await sql`
    create table position_daily_rollup (
      device_id integer not null,
      collector_id integer,
      day date not null,
      driven_m double precision not null default 0,
      moving_s double precision not null default 0,
      stopped_s double precision not null default 0,
      points integer not null default 0,
      first_ts timestamptz not null,
      last_ts timestamptz not null,
      primary key (device_id, day)
    )`.execute(db);
  await sql`create index position_daily_rollup_collector on position_daily_rollup (collector_id, day)`.execute(db);
  await sql`create view position_daily as select device_id, collector_id, day, driven_m, moving_s, stopped_s, points, first_ts, last_ts from position_daily_rollup`.execute(db);
}
