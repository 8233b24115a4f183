import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { DEVICE_CACHE_MAX_AGE_MS, DeviceRegistry, hashToken, UNKNOWN_IDS_PER_MINUTE } from './device-registry.ts';

let tdb: TestDatabase;
let handle: DbHandle;
beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.databaseUrl ? null : tdb.dataDir });
  await migrateToLatest(handle.db);
  await handle.db
    .insertInto('devices')
    .values([
      { unique_id: 'reg-phone', name: 'reg-phone', token_hash: hashToken('first'), collector_id: null, protocol: null },
      { unique_id: 'reg-off', name: 'reg-off', token_hash: hashToken('t'), collector_id: null, protocol: null, active: false },
    ])
    .execute();
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await tdb?.drop();
});

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('DeviceRegistry', () => {
  it('a disabled device is refused (find, authenticate) but known (lookup), and never recorded as unknown', async () => {
    const registry = new DeviceRegistry(handle.db);
    expect(await registry.find('reg-off')).toBeNull();
    expect(await registry.authenticate('reg-off', 't')).toBeNull();
    expect(await registry.lookup('reg-off')).toMatchObject({ uniqueId: 'reg-off', active: false });
    await registry.recordUnknown('reg-off', 'osmand', '127.0.0.1');
    await registry.recordUnknown('nobody-phone', 'osmand', '127.0.0.1');
    const unknown = await handle.db.selectFrom('unknown_devices').select('unique_id').execute();
    expect(unknown.map((u) => u.unique_id)).toEqual(['nobody-phone']);
  });

  it('lists at most UNKNOWN_IDS_PER_MINUTE new unknown ids from one address a minute; the ids it listed keep counting', async () => {
    let now = 1_000_000;
    const registry = new DeviceRegistry(handle.db, DEVICE_CACHE_MAX_AGE_MS, () => now);
    const listed = async (id: string, remote: string) => registry.recordUnknown(id, 'teltonika', remote);
    const scan = Array.from({ length: UNKNOWN_IDS_PER_MINUTE + 5 }, (_, i) => `35${String(i).padStart(13, '0')}`);
    const outcomes = [];
    for (const id of scan) outcomes.push(await listed(id, '203.0.113.9'));
    expect(outcomes.filter(Boolean)).toHaveLength(UNKNOWN_IDS_PER_MINUTE);
    expect(await listed(scan[0], '203.0.113.9'), 'an id already listed this minute').toBe(true);
    expect(await listed('350000000009999', '198.51.100.7'), 'another address').toBe(true);
    now += 60_000;
    expect(await listed(scan.at(-1)!, '203.0.113.9'), 'the next minute').toBe(true);
    const rows = await handle.db.selectFrom('unknown_devices').select(['unique_id', 'count']).where('protocol', '=', 'teltonika').execute();
    expect(rows).toHaveLength(UNKNOWN_IDS_PER_MINUTE + 2);
    expect(rows.find((r) => r.unique_id === scan[0])?.count).toBe(2);
  });

  it("serves what it cached, and reads a device again once the cache is older than its age: another instance's change arrives", async () => {
    let now = 1_000_000;
    const registry = new DeviceRegistry(handle.db, 60_000, () => now);
    expect(await registry.authenticate('reg-phone', 'first')).not.toBeNull();
    // Another instance rotates the token: this one does not hear of it…
    await handle.db.updateTable('devices').set({ token_hash: hashToken('second') }).where('unique_id', '=', 'reg-phone').execute();
    now += 30_000;
    expect(await registry.authenticate('reg-phone', 'first')).not.toBeNull();
    // …until its cached copy is a minute old: served once more while it is read again, then the new one.
    now += 31_000;
    expect(await registry.authenticate('reg-phone', 'first')).not.toBeNull();
    await settle();
    expect(await registry.authenticate('reg-phone', 'first')).toBeNull();
    expect(await registry.authenticate('reg-phone', 'second')).not.toBeNull();

    await handle.db.updateTable('devices').set({ active: false }).where('unique_id', '=', 'reg-phone').execute();
    now += 61_000;
    await registry.find('reg-phone');
    await settle();
    expect(await registry.find('reg-phone')).toBeNull();
  });

  it('invalidate: a change made here counts at once', async () => {
    const registry = new DeviceRegistry(handle.db);
    await handle.db.updateTable('devices').set({ active: true, token_hash: hashToken('third') }).where('unique_id', '=', 'reg-phone').execute();
    expect(await registry.authenticate('reg-phone', 'third')).not.toBeNull();
    await handle.db.updateTable('devices').set({ token_hash: hashToken('fourth') }).where('unique_id', '=', 'reg-phone').execute();
    registry.invalidate('reg-phone');
    expect(await registry.authenticate('reg-phone', 'third')).toBeNull();
    expect(await registry.authenticate('reg-phone', 'fourth')).not.toBeNull();
  });
});
