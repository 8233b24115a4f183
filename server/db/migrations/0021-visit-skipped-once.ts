import { sql, type Kysely } from 'kysely';

/**
 * One `visit_skipped` event per skip (SPEC §8): every instance's engine watches every plan of today,
 * so each raises the skip of a visit still pending at its deadline. A skip is the visit and its
 * deadline (the event's opened_at: the end of its window, or of the shift): the same visit moved to
 * another day and skipped again is another skip. The first instance to store it wins, the others'
 * inserts do nothing (insertEvents). Duplicates stored before this go now: of each skip the row
 * acknowledged first stays, else the oldest. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    delete from events e
      where e.type = 'visit_skipped'
        and exists (select 1 from events o
                    where o.type = 'visit_skipped' and o.visit_id = e.visit_id and o.opened_at = e.opened_at
                      and (o.acknowledged_at is null, coalesce(o.acknowledged_at, o.opened_at), o.id)
                        < (e.acknowledged_at is null, coalesce(e.acknowledged_at, e.opened_at), e.id))
  `.execute(db);
  await sql`create unique index events_visit_skipped_once on events (visit_id, opened_at) where type = 'visit_skipped'`.execute(db);
}
