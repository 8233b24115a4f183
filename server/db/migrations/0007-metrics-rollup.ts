import { sql, type Kysely } from 'kysely';

/**
 * Manager metrics over a month for hundreds of collectors (issue 6: ≤ 500 ms)
 * cannot re-aggregate every visit, check-in, payment and promise on each read.
 * `collector_day_ops` keeps those figures per collector and day; statement
 * triggers on the source tables list the (collector, day) pairs a write touched
 * in `collector_day_dirty`, and the metrics read recomputes just those pairs
 * before it reads (server/metrics/collector-day-rollup.ts). Triggers, not
 * application code, so every writer — API, MQTT, CSV import, optimizer, a
 * manual fix in psql — keeps the rollup exact.
 *
 * Days are cut in the TIME_ZONE in force when this migration ran, as for the
 * position rollup (migration 0005). Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const tz = sql.lit(process.env.TIME_ZONE || 'America/Mexico_City');
  const dayOf = (col: string) => sql`((${sql.ref(col)} at time zone ${tz})::date)`;
  await sql`
    create table collector_day_ops (
      day date not null,
      collector_id integer not null,
      planned_m double precision,
      visits_planned integer not null,
      visits_completed integer not null,
      visits_paid integer not null,
      due numeric(14,2) not null,
      collected numeric(14,2) not null,
      promised numeric(14,2) not null,
      timed_visits integer not null,
      on_site_s double precision not null,
      primary key (day, collector_id)
    );
    create table collector_day_dirty (
      day date not null,
      collector_id integer not null,
      primary key (day, collector_id)
    );
    create index payments_visit on payments (visit_id);
    create index checkins_collector_ts on checkins (collector_id, ts);
    create index promises_collector_time on promises (collector_id, promised_at);
  `.execute(db);

  // One function per table; each runs once per statement with the rows it changed (transition tables).
  const mark = (name: string, keysFromRows: (rows: 'old_rows' | 'new_rows') => ReturnType<typeof sql>) => sql`
    create function ${sql.raw(name)}() returns trigger language plpgsql as $fn$
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
  await mark('metrics_dirty_visits', (r) => sql`select collector_id, visit_date as day from ${rows(r)}`).execute(db);
  await mark('metrics_dirty_checkins', (r) => sql`select collector_id, ${dayOf('ts')} as day from ${rows(r)}`).execute(db);
  await mark('metrics_dirty_promises', (r) => sql`select collector_id, ${dayOf('promised_at')} as day from ${rows(r)}`).execute(db);
  // A payment counts on its own day (collected) and on its visit's day (visits with payment).
  await mark(
    'metrics_dirty_payments',
    (r) => sql`select collector_id, ${dayOf('ts')} as day from ${rows(r)}
               union select v.collector_id, v.visit_date from ${rows(r)} p join visits v on v.id = p.visit_id`,
  ).execute(db);
  // "Due" is the installment of each visited account: a changed installment changes its visits' days.
  await mark(
    'metrics_dirty_accounts',
    (r) => sql`select v.collector_id, v.visit_date as day from ${rows(r)} a join visits v on v.account_id = a.id
               where ${r === 'new_rows' ? sql`exists (select 1 from old_rows o where o.id = a.id and o.installment_amount is distinct from a.installment_amount)` : sql`false`}`,
  ).execute(db);
  // A new plan version replaces the day's routes: every collector of any version of that team's day may change.
  await mark(
    'metrics_dirty_plans',
    (r) => sql`select pr.collector_id, p.plan_date as day from ${rows(r)} n join plans p on p.team_id = n.team_id and p.plan_date = n.plan_date
               join plan_routes pr on pr.plan_id = p.id`,
  ).execute(db);
  await mark('metrics_dirty_plan_routes', (r) => sql`select r.collector_id, p.plan_date as day from ${rows(r)} r join plans p on p.id = r.plan_id`).execute(db);

  const on = async (table: string, fn: string, events: ('insert' | 'update' | 'delete')[]) => {
    for (const e of events) {
      const refs = e === 'insert' ? 'new table as new_rows' : e === 'delete' ? 'old table as old_rows' : 'old table as old_rows new table as new_rows';
      await sql`create trigger ${sql.raw(`${table}_metrics_${e}`)} after ${sql.raw(e)} on ${sql.table(table)}
                referencing ${sql.raw(refs)} for each statement execute function ${sql.raw(fn)}()`.execute(db);
    }
  };
  await on('visits', 'metrics_dirty_visits', ['insert', 'update', 'delete']);
  await on('checkins', 'metrics_dirty_checkins', ['insert', 'update', 'delete']);
  await on('promises', 'metrics_dirty_promises', ['insert', 'update', 'delete']);
  await on('payments', 'metrics_dirty_payments', ['insert', 'update', 'delete']);
  await on('accounts', 'metrics_dirty_accounts', ['update']);
  await on('plans', 'metrics_dirty_plans', ['insert']);
  await on('plan_routes', 'metrics_dirty_plan_routes', ['insert']);

  // What is already stored is all "dirty": the first metrics read computes it.
  await sql`
    insert into collector_day_dirty (collector_id, day)
    select collector_id, visit_date from visits where collector_id is not null
    union select collector_id, ${dayOf('ts')} from checkins where collector_id is not null
    union select collector_id, ${dayOf('ts')} from payments where collector_id is not null
    union select collector_id, ${dayOf('promised_at')} from promises where collector_id is not null
    union select r.collector_id, p.plan_date from plan_routes r join plans p on p.id = r.plan_id`.execute(db);
}
