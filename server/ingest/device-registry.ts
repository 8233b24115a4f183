import { createHash, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Protocol } from '../../device-protocols/messages.ts';
import type { Database } from '../db/database.ts';
import { storableText, unstorableText } from '../lib/unstorable-text.ts';
import type { DeviceRef } from './ingest-port.ts';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A registered device as ingest checks it. */
export interface RegisteredDevice extends DeviceRef {
  tokenHash: string;
  /** false: disabled by an admin, refused like an unknown id but not listed as one. */
  active: boolean;
}

/**
 * How long a cached device is served before it is read again (in the background): what
 * another instance changed (SPEC §8: a token rotated, a device disabled or handed to another
 * collector) reaches this one within this. A change made here goes through `invalidate` at once.
 */
export const DEVICE_CACHE_MAX_AGE_MS = 60_000;

/**
 * Distinct unknown ids listed per remote address a minute. A tracker being set up tries one id;
 * past this it is a scan or spoofed UDP datagrams (any id, from any address), and each new id
 * was a row in unknown_devices and three statements.
 */
export const UNKNOWN_IDS_PER_MINUTE = 20;

/**
 * Devices by uniqueId, cached: every frame and every MQTT connect asks, and
 * a round trip to the database per frame would cap ingest. Registration and
 * every change to a device go through `invalidate`.
 */
export class DeviceRegistry {
  private cache = new Map<string, { dev: RegisteredDevice; at: number }>();
  private refreshing = new Set<string>();
  /** Bumped by every invalidate: a read that started before one must not cache what it read. */
  private epoch = 0;
  /** The unknown ids each remote address was listed for in the current minute. */
  private unknownSeen = { since: -Infinity, byRemote: new Map<string, Set<string>>() };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxAgeMs = DEVICE_CACHE_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The device that may report under this id; null when unknown or disabled. */
  async find(uniqueId: string): Promise<RegisteredDevice | null> {
    const dev = await this.lookup(uniqueId);
    return dev?.active ? dev : null;
  }

  /** The registered device of this id, disabled or not; null = unknown. */
  async lookup(uniqueId: string): Promise<RegisteredDevice | null> {
    const hit = this.cache.get(uniqueId);
    if (hit) {
      // Served as cached: a frame never waits for the database once its device is known.
      if (this.now() - hit.at > this.maxAgeMs) this.refresh(uniqueId);
      return hit.dev;
    }
    // An id the database cannot hold (a NUL character…) is no device's, and looking it up would fail.
    if (unstorableText(uniqueId)) return null;
    return this.load(uniqueId);
  }

  async authenticate(uniqueId: string, token: string): Promise<RegisteredDevice | null> {
    const dev = await this.find(uniqueId);
    if (!dev) return null;
    const a = Buffer.from(dev.tokenHash, 'hex');
    const b = Buffer.from(hashToken(token), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? dev : null;
  }

  invalidate(uniqueId: string): void {
    this.epoch++;
    this.cache.delete(uniqueId);
  }

  private async load(uniqueId: string): Promise<RegisteredDevice | null> {
    const epoch = this.epoch;
    const row = await this.db
      .selectFrom('devices')
      .select(['id', 'unique_id', 'collector_id', 'token_hash', 'active'])
      .where('unique_id', '=', uniqueId)
      .executeTakeFirst();
    const dev = row ? { deviceId: row.id, uniqueId: row.unique_id, collectorId: row.collector_id, tokenHash: row.token_hash, active: row.active } : null;
    // Unknown ids are not cached: an admin may register the device any moment.
    if (epoch === this.epoch) {
      if (dev) this.cache.set(uniqueId, { dev, at: this.now() });
      else this.cache.delete(uniqueId);
    }
    return dev;
  }

  private refresh(uniqueId: string): void {
    if (this.refreshing.has(uniqueId)) return;
    this.refreshing.add(uniqueId);
    // A failed read keeps serving the cached device: the database being away is no reason to refuse it.
    void this.load(uniqueId)
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(uniqueId));
  }

  /**
   * Lists an id no registered device has for admins (SPEC §5); a disabled device's is not listed, nor
   * one past UNKNOWN_IDS_PER_MINUTE from its address. Whether it was listed.
   */
  async recordUnknown(uniqueId: string, protocol: Protocol, remoteAddress: string, at = new Date()): Promise<boolean> {
    if (!this.withinUnknownLimit(uniqueId, remoteAddress)) return false;
    if (await this.lookup(uniqueId)) return false;
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
    return true;
  }

  private withinUnknownLimit(uniqueId: string, remoteAddress: string): boolean {
    const now = this.now();
    if (now - this.unknownSeen.since >= 60_000) this.unknownSeen = { since: now, byRemote: new Map() };
    let ids = this.unknownSeen.byRemote.get(remoteAddress);
    if (!ids) this.unknownSeen.byRemote.set(remoteAddress, (ids = new Set()));
    if (ids.has(uniqueId)) return true;
    if (ids.size >= UNKNOWN_IDS_PER_MINUTE) return false;
    ids.add(uniqueId);
    return true;
  }
}
