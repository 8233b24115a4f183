import { sql, type Kysely } from 'kysely';

/**
 * Day plans (issue 4). Frozen once landed (STYLE rule 9).
 *
 * A plan is versioned per team and day: every optimization or reassignment
 * stores a new version, so a dispatcher can see what changed and a phone's
 * retained plan always names the version it came from. A route is kept as the
 * JSON text it was served as (not jsonb, which reorders keys): a collector left
 * untouched by a reassignment keeps a byte-identical route in the next version.
 *
 * What the optimizer needs beyond the operations schema (skills, pins, locks,
 * shifts, the office) lives in tables of its own, keyed by team, collector and
 * visit, so the operations tables stay as issue 5 defined them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table team_plan_settings (
      team_id integer primary key references teams(id),
      office_lat double precision,
      office_lon double precision,
      shift_start_min integer not null default 480 check (shift_start_min between 0 and 1440),
      shift_end_min integer not null default 1080 check (shift_end_min between 0 and 1440),
      max_visits integer not null default 25 check (max_visits >= 0)
    );

    create table collector_plan_settings (
      collector_id integer primary key references collectors(id),
      skills text[] not null default '{}',
      shift_start_min integer check (shift_start_min between 0 and 1440),
      shift_end_min integer check (shift_end_min between 0 and 1440),
      max_visits integer check (max_visits >= 0)
    );

    create table plans (
      id serial primary key,
      team_id integer not null references teams(id),
      plan_date date not null,
      version integer not null,
      kind text not null check (kind in ('optimize', 'reassign')),
      provider text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      unassigned text not null default '[]',
      unique (team_id, plan_date, version)
    );

    create table plan_routes (
      plan_id integer not null references plans(id) on delete cascade,
      collector_id integer not null references collectors(id),
      route text not null,
      primary key (plan_id, collector_id)
    );

    create table visit_plan (
      visit_id integer primary key references visits(id),
      required_skills text[] not null default '{}',
      pinned boolean not null default false,
      locked boolean not null default false,
      sequence integer,
      eta timestamptz,
      plan_id integer references plans(id)
    );
  `.execute(db);
}
