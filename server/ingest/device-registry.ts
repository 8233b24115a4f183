import { createHash, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Protocol } from '../../device-protocols/messages.ts';
import type { Database } from '../db/database.ts';
import { storableText, unstorableText } from '../lib/unstorable-text.ts';
import type { DeviceRef } from './ingest-port.ts';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

interface CachedDevice extends DeviceRef {
  tokenHash: string;
}

/**
 * Devices by uniqueId, cached: every frame and every MQTT connect asks, and
 * a round trip to the database per frame would cap ingest. Registration and
 * reassignment go through `invalidate`.
 */
export class DeviceRegistry {
  private cache = new Map<string, CachedDevice | null>();

  constructor(private readonly db: Kysely<Database>) {}

  async find(uniqueId: string): Promise<CachedDevice | null> {
    const hit = this.cache.get(uniqueId);
    if (hit !== undefined) return hit;
    // An id the database cannot hold (a NUL character…) is no device's, and looking it up would fail.
    if (unstorableText(uniqueId)) return null;
    const row = await this.db
      .selectFrom('devices')
      .select(['id', 'unique_id', 'collector_id', 'token_hash'])
      .where('unique_id', '=', uniqueId)
      .executeTakeFirst();
    const dev = row ? { deviceId: row.id, uniqueId: row.unique_id, collectorId: row.collector_id, tokenHash: row.token_hash } : null;
    // Unknown ids are not cached: an admin may register the device any moment.
    if (dev) this.cache.set(uniqueId, dev);
    return dev;
  }

  async authenticate(uniqueId: string, token: string): Promise<DeviceRef | null> {
    const dev = await this.find(uniqueId);
    if (!dev) return null;
    const a = Buffer.from(dev.tokenHash, 'hex');
    const b = Buffer.from(hashToken(token), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? dev : null;
  }

  invalidate(uniqueId: string): void {
    this.cache.delete(uniqueId);
  }

  async recordUnknown(uniqueId: string, protocol: Protocol, remoteAddress: string, at = new Date()): Promise<void> {
    await this.db
      .insertInto('unknown_devices')
      .values({ unique_id: storableText(uniqueId).slice(0, 64), protocol, remote_address: remoteAddress, first_seen: at, last_seen: at, count: 1 })
      .onConflict((oc) =>
        oc.columns(['unique_id', 'protocol']).doUpdateSet({
          last_seen: at,
          remote_address: remoteAddress,
          count: sql`unknown_devices.count + 1`,
        }),
      )
      .execute();
  }
}
