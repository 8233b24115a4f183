import { sql, type Kysely } from 'kysely';

/**
 * Issue 4's collector model: an optional break and a speed factor. Frozen once landed (STYLE rule 9).
 *
 * - `team_plan_settings.break_*`: the team's break (e.g. lunch): its length and
 *   the window it must start in, minutes after local midnight; no window = no break.
 * - `collector_plan_settings.speed_factor`: travel times are divided by it
 *   (VROOM's `speed_factor`): 1.5 for a collector on a motorbike, 0.8 on foot.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table team_plan_settings
      add column break_start_min integer check (break_start_min between 0 and 1440),
      add column break_end_min integer check (break_end_min between 0 and 1440),
      add column break_minutes integer not null default 0 check (break_minutes between 0 and 240);
    alter table collector_plan_settings
      add column speed_factor double precision check (speed_factor > 0 and speed_factor <= 5);
  `.execute(db);
}

