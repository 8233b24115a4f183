import { sql, type Kysely } from 'kysely';

/**
 * PL/pgSQL plans a trigger's query once per session, with the transition tables' sizes at that
 * first run. An accounts import's first statement is an INSERT … ON CONFLICT DO UPDATE of new
 * accounts, whose UPDATE trigger still runs, on empty tables: metrics_dirty_accounts (0010) kept a
 * plan for one-row tables, a nested loop of new_rows × old_rows, and each 500-row chunk of a
 * later re-import on that connection compared 250,000 pairs of rows (~80 ms of a chunk's ~130).
 * EXECUTE plans the same query at each run, with the tables as they are.
 * Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function metrics_dirty_accounts() returns trigger language plpgsql as $fn$
    begin
      execute $q$
        insert into collector_day_dirty (collector_id, day)
        select distinct v.collector_id, v.visit_date from new_rows a join old_rows o on o.id = a.id join visits v on v.account_id = a.id
        where v.collector_id is not null
          and (o.installment_amount is distinct from a.installment_amount or o.currency is distinct from a.currency)
        on conflict do nothing
      $q$;
      return null;
    end $fn$`.execute(db);
}
