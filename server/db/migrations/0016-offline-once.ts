import { sql, type Kysely } from 'kysely';

/**
 * One open `offline` event per collector (SPEC §8): every instance watching a collector's plan sees
 * its phone go quiet, and the first to store the event wins; the others take it as theirs
 * (openOfflineEvent). Open duplicates stored before this (one per instance) close now, the oldest
 * one staying open. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update events e set closed_at = now(), details = e.details || '{"closedBy":"duplicate"}'::jsonb
      where e.type = 'offline' and e.closed_at is null
        and exists (select 1 from events o where o.type = 'offline' and o.closed_at is null and o.collector_id = e.collector_id and o.id < e.id)
  `.execute(db);
  await sql`create unique index events_offline_once on events (collector_id) where type = 'offline' and closed_at is null`.execute(db);
}
