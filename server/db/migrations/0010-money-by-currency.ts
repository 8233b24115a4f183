import { sql, type Kysely } from 'kysely';

/**
 * Money figures per currency. Teams (and accounts) carry their own currency, but
 * `collector_day_ops` summed every amount into one `due` / `collected` / `promised`, so a
 * manager's total over a peso team and a dollar team added pesos to dollars.
 * `collector_day_money` keeps them per (day, collector, currency); the metrics read
 * recomputes both tables for the pairs marked dirty (server/metrics/collector-day-rollup.ts).
 * Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table collector_day_money (
      day date not null,
      collector_id integer not null,
      currency text not null,
      due numeric(14,2) not null,
      collected numeric(14,2) not null,
      promised numeric(14,2) not null,
      primary key (day, collector_id, currency)
    );
    alter table collector_day_ops drop column due, drop column collected, drop column promised;
    insert into collector_day_dirty (collector_id, day) select collector_id, day from collector_day_ops on conflict do nothing;
  `.execute(db);
  // An account that changes currency moves its visits' "due" from one currency to the other.
  await sql`
    create or replace function metrics_dirty_accounts() returns trigger language plpgsql as $fn$
    begin
      insert into collector_day_dirty (collector_id, day)
      select distinct v.collector_id, v.visit_date from new_rows a join old_rows o on o.id = a.id join visits v on v.account_id = a.id
      where v.collector_id is not null
        and (o.installment_amount is distinct from a.installment_amount or o.currency is distinct from a.currency)
      on conflict do nothing;
      return null;
    end $fn$`.execute(db);
}
