import { sql, type Kysely } from 'kysely';

/**
 * Marking a collector-day for the metrics rollup (migration 0007) never waits on another
 * transaction. `collector_day_dirty` had a key on (day, collector_id) and every trigger inserted
 * `on conflict do nothing`: a mark another open transaction had just inserted made the insert
 * wait for that transaction's end (PostgreSQL manual, INSERT "ON CONFLICT"), so two transactions
 * marking two new collector-days in opposite orders (a check-in marks its own collector's day,
 * then the visit's) waited on each other until one was rolled back as a deadlock's victim. No
 * order of the inserts avoids that: each statement marks what it touches, and statements come in
 * whatever order the application issues them. Without the key there is nothing to wait on.
 *
 * Every trigger still keeps one mark per pair: it takes a KEY SHARE lock on a mark already
 * there, SKIP LOCKED, and inserts only the pairs it found none of. The lock keeps that mark until
 * the writer commits: the metrics read (server/metrics/collector-day-rollup.ts) deletes only marks
 * it can lock (also SKIP LOCKED) and recomputes every pair it sees, so a mark that stands for an
 * open write outlives the read. Before,
 * `do nothing` took no lock: a read that ran between such a write's statement and its commit
 * deleted the mark the write had counted on, and the write's change never reached the rollup.
 * A mark the read holds (deleting it) is skipped and the writer inserts its own; two writers
 * inserting the same new pair at once leave two marks, which the read takes together.
 *
 * The trigger functions are those of 0007, 0009 (team zones) and 0019 (accounts) with that
 * insert. `recut_collector_days` (0009) keeps its `on conflict do nothing` insert, which without
 * a key inserts every pair: a zone change marks each day again, the read takes both.
 * Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table collector_day_dirty drop constraint collector_day_dirty_pkey;
    create index collector_day_dirty_day on collector_day_dirty (day, collector_id);
  `.execute(db);
  const localDay = (col: string) => sql`((${sql.ref(col)} at time zone collector_time_zone(collector_id))::date)`;
  // A pair's free mark is held (KEY SHARE) instead of marked again; one a read is deleting is
  // skipped (SKIP LOCKED) and the pair marked anew. Written into each function rather than one
  // shared SQL function: PL/pgSQL keeps a statement's plan, a call was planned again at each run.
  const insertMarks = (keys: ReturnType<typeof sql>) => sql`
    insert into collector_day_dirty (collector_id, day)
    select k.collector_id, k.day
    from (select distinct collector_id, day from (${keys}) r where collector_id is not null and day is not null) k
    where not exists (select 1 from collector_day_dirty m where m.day = k.day and m.collector_id = k.collector_id for key share skip locked)`;
  const mark = (name: string, keysFromRows: (rows: 'old_rows' | 'new_rows') => ReturnType<typeof sql>) => sql`
    create or replace function ${sql.raw(name)}() returns trigger language plpgsql as $fn$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        ${insertMarks(keysFromRows('old_rows'))};
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        ${insertMarks(keysFromRows('new_rows'))};
      end if;
      return null;
    end $fn$`;
  const rows = (r: string) => sql.raw(r);
  await mark('metrics_dirty_visits', (r) => sql`select collector_id, visit_date as day from ${rows(r)}`).execute(db);
  await mark('metrics_dirty_checkins', (r) => sql`select collector_id, ${localDay('ts')} as day from ${rows(r)}`).execute(db);
  await mark('metrics_dirty_promises', (r) => sql`select collector_id, ${localDay('promised_at')} as day from ${rows(r)}`).execute(db);
  await mark(
    'metrics_dirty_payments',
    (r) => sql`select collector_id, ${localDay('ts')} as day from ${rows(r)}
               union select v.collector_id, v.visit_date from ${rows(r)} p join visits v on v.id = p.visit_id`,
  ).execute(db);
  await mark(
    'metrics_dirty_plans',
    (r) => sql`select pr.collector_id, p.plan_date as day from ${rows(r)} n join plans p on p.team_id = n.team_id and p.plan_date = n.plan_date
               join plan_routes pr on pr.plan_id = p.id`,
  ).execute(db);
  await mark('metrics_dirty_plan_routes', (r) => sql`select r.collector_id, p.plan_date as day from ${rows(r)} r join plans p on p.id = r.plan_id`).execute(db);
  // As 0019: planned at each run, the transition tables as they are.
  await sql`
    create or replace function metrics_dirty_accounts() returns trigger language plpgsql as $fn$
    begin
      execute $q$
        ${insertMarks(sql`
          select v.collector_id, v.visit_date as day from new_rows a join old_rows o on o.id = a.id join visits v on v.account_id = a.id
          where o.installment_amount is distinct from a.installment_amount or o.currency is distinct from a.currency`)}
      $q$;
      return null;
    end $fn$`.execute(db);
}
