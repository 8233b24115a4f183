import { sql, type Kysely } from 'kysely';

/**
 * Device alarms are stored as `alarm` events. Trackers resend a frame until it is acknowledged, and
 * may resend it to another instance after a reconnect: the same alarm (device, kind, device time)
 * is stored once, by this index, whichever instance gets it. An alarm without a believable device
 * time has a null key, and nulls never collide. Frozen once landed (STYLE rule 9).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unique index events_alarm_once on events ((details->>'deviceId'), (details->>'kind'), (details->>'deviceTime'))
      where type = 'alarm'
  `.execute(db);
}
