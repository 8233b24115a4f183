import { sql, type Kysely } from 'kysely';

/**
 * What the manager-metrics read (server/metrics/metrics.repository.ts) needs to
 * answer 500 collectors × 30 days quickly (issue 6). Frozen once landed (STYLE rule 9).
 *
 * - `plan_routes.distance_m`: the route's planned distance, taken out of the
 *   stored JSON text once, when the route is written, instead of parsing every
 *   route (polyline included) on every read. Generated, so the plan writer
 *   needs no change and cannot forget it.
 * - `plans (plan_date)`: the read picks the latest version of every team's day
 *   in a date range; the unique (team_id, plan_date, version) index leads with
 *   the team.
 * - `visits (visit_date, collector_id)`: an unfiltered range reads every
 *   collector's visits of the range; `visits_collector_date` serves one collector.
 * - `checkins (ts)`, `promises (promised_at)`: their existing indexes lead with
 *   the team, and the read cuts by time across teams.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table plan_routes add column distance_m double precision generated always as ((route::json ->> 'distanceM')::double precision) stored`.execute(db);
  await sql`create index plans_date on plans (plan_date)`.execute(db);
  await sql`create index visits_date_collector on visits (visit_date, collector_id)`.execute(db);
  await sql`create index checkins_ts on checkins (ts)`.execute(db);
  await sql`create index promises_promised_at on promises (promised_at)`.execute(db);
}
