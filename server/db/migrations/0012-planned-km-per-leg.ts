import { sql, type Kysely } from 'kysely';

/**
 * Planned km no longer come from the latest plan version alone: a re-plan starts from the
 * collector's position and leaves out the visits done, so every dispatcher change cut the
 * day's figure. The rollup (server/metrics/collector-day-rollup.ts) now takes each visit's
 * leg from the last version it was still ahead in (README "Planned km"), which reads every
 * version of a collector's day. Frozen once landed (STYLE rule 9).
 *
 * - `plan_routes.stop_legs`: each route's start kind, stop visit ids and incoming legs
 *   (`{"start": …, "visits": […], "m": […]}`), taken out of the stored JSON text once, when
 *   the route is written, as 0006 does for `distance_m`: parsing the text (polyline
 *   included) on every recomputation cost ~0.3 ms a route. Generated, so the plan writer
 *   needs no change; one function call, so the text is parsed once.
 * - The figures stored under the old definition are marked for recomputation on the next
 *   read; the triggers of 0007 already mark every collector of a new version.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function plan_route_legs(route text) returns jsonb language sql immutable parallel safe as $fn$
      select jsonb_build_object('start', j -> 'startKind', 'visits', jsonb_path_query_array(j, '$.stops[*].visitId'),
                                'm', jsonb_path_query_array(j, '$.stops[*].distanceM'))
      from (select route::jsonb as j) parsed
    $fn$`.execute(db);
  await sql`alter table plan_routes add column stop_legs jsonb generated always as (plan_route_legs(route)) stored`.execute(db);
  await sql`
    insert into collector_day_dirty (collector_id, day)
    select distinct r.collector_id, p.plan_date from plan_routes r join plans p on p.id = r.plan_id
    on conflict do nothing`.execute(db);
}
