import { sql, type Kysely } from 'kysely';

/**
 * A team can ask the optimizer to share the day out evenly (`team_plan_settings.even_share`):
 * each collector who can work is capped at their share of the visits, so nobody who came to
 * work is left idle while others fill their routes. Off by default: plans made before keep
 * their behaviour. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table team_plan_settings add column even_share boolean not null default false`.execute(db);
}
