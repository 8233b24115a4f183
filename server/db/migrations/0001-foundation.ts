import { sql, type Kysely } from 'kysely';
import { hasTimescale } from '../timescale.ts';

/** Frozen once landed (STYLE rule 9): change the schema with a new migration. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table teams (
      id serial primary key,
      name text not null unique,
      time_zone text not null default 'America/Mexico_City',
      currency text not null default 'MXN',
      created_at timestamptz not null default now()
    );
    create table collectors (
      id serial primary key,
      team_id integer references teams(id),
      name text not null,
      phone text,
      external_id text unique,
      active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create table users (
      id serial primary key,
      email text not null unique,
      name text not null,
      password_hash text not null,
      role text not null check (role in ('admin','supervisor','dispatcher','manager','collector')),
      team_id integer references teams(id),
      collector_id integer references collectors(id),
      created_at timestamptz not null default now()
    );
    create table sessions (
      token_hash text primary key,
      user_id integer not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create table devices (
      id serial primary key,
      unique_id text not null unique,
      name text not null,
      token_hash text not null,
      collector_id integer references collectors(id),
      protocol text,
      created_at timestamptz not null default now()
    );
    create table unknown_devices (
      unique_id text not null,
      protocol text not null,
      remote_address text not null,
      first_seen timestamptz not null,
      last_seen timestamptz not null,
      count integer not null,
      primary key (unique_id, protocol)
    );
    create table positions (
      device_id integer not null,
      collector_id integer,
      device_time timestamptz not null,
      server_time timestamptz not null,
      lat double precision not null,
      lon double precision not null,
      speed_kph real,
      course_deg real,
      altitude_m real,
      accuracy_m real,
      battery_pct real,
      satellites smallint,
      valid boolean not null,
      protocol text not null,
      attributes jsonb not null default '{}',
      primary key (device_id, device_time)
    );
    create table device_last (
      device_id integer primary key,
      collector_id integer,
      device_time timestamptz not null,
      lat double precision not null,
      lon double precision not null,
      speed_kph real,
      course_deg real,
      accuracy_m real,
      battery_pct real,
      protocol text not null
    );
    create index collectors_team on collectors (team_id);
    create index devices_collector on devices (collector_id);
  `.execute(db);

  if (await hasTimescale(db)) {
    await sql`select create_hypertable('positions', 'device_time', chunk_time_interval => interval '1 day')`.execute(db);
    await sql`alter table positions set (timescaledb.compress, timescaledb.compress_segmentby = 'device_id', timescaledb.compress_orderby = 'device_time')`.execute(db);
    await sql`create index positions_collector_time on positions (collector_id, device_time)`.execute(db);
  } else {
    await sql`create index positions_time_brin on positions using brin (device_time)`.execute(db);
    await sql`create index positions_collector_time on positions (collector_id, device_time)`.execute(db);
  }
}
