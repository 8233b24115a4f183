import { sql, type Kysely } from 'kysely';

/**
 * Users and devices can be switched off without deleting them (their check-ins, payments
 * and trail keep pointing at them): a deactivated user cannot log in and has no session, a
 * disabled device is refused like an unknown one. Ending a user's sessions deletes them by
 * user, hence the index. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table users add column active boolean not null default true;
    alter table devices add column active boolean not null default true;
    create index sessions_user on sessions (user_id);
  `.execute(db);
}
