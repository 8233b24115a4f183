import { sql, type Kysely } from 'kysely';

/**
 * A rejected device record keeps why as a code and what it names (`code`, `code_values`), as an API
 * refusal does, so a dashboard can word it in its own language; `reason` stays the server's message.
 * Records kept before this have no code. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rejected_records add column code text, add column code_values jsonb`.execute(db);
}
