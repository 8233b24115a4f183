import { sql, type Kysely } from 'kysely';

/**
 * Deviation events (issue 5) and each team's rule settings. Frozen once landed (STYLE rule 9).
 *
 * Times are event time (the device clock of the positions that caused them), so a buffered
 * history uploaded late files its events where they happened. `visit_id` has no foreign key: a
 * plan handed to the engine may name a visit that was since deleted, and the event must survive.
 * `deviation_rules.rules` holds the complete settings (defaults filled in when stored).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table events (
      id serial primary key,
      type text not null,
      severity text not null check (severity in ('info', 'warning', 'critical')),
      team_id integer not null references teams(id),
      collector_id integer not null references collectors(id),
      visit_id integer,
      opened_at timestamptz not null,
      closed_at timestamptz,
      details jsonb not null default '{}',
      acknowledged_by text,
      acknowledged_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index events_open_by_team on events (team_id) where closed_at is null;
    create index events_team_opened on events (team_id, opened_at desc);

    create table deviation_rules (
      team_id integer primary key references teams(id),
      rules jsonb not null,
      updated_by text not null,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}
