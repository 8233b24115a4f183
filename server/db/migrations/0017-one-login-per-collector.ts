import { sql, type Kysely } from 'kysely';

/**
 * One active login per collector: the users service checks before it writes, but two admins
 * creating a login for the same collector at once both passed the check. Active duplicates stored
 * before this (only such a race made them) are deactivated, the oldest login staying, and their
 * sessions end. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    with dropped as (
      update users u set active = false
        where u.active and u.collector_id is not null
          and exists (select 1 from users o where o.active and o.collector_id = u.collector_id and o.id < u.id)
        returning u.id
    )
    delete from sessions s using dropped where s.user_id = dropped.id
  `.execute(db);
  await sql`create unique index users_one_login_per_collector on users (collector_id) where active and collector_id is not null`.execute(db);
}
