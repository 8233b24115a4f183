import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from './connect.ts';
import { migrateToLatest } from './migrate.ts';

let tdb: TestDatabase;
let h: DbHandle;

beforeAll(async () => {
  tdb = await createTestDatabase();
  h = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.dataDir });
});
afterAll(async () => {
  await h?.close();
  await tdb?.drop();
});

describe('migrations', () => {
  it('build the schema on an empty database, then re-run as a no-op', async () => {
    const first = await migrateToLatest(h.db);
    expect(first[0]).toBe('0001-foundation');
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(h.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['users', 'teams', 'collectors', 'devices', 'positions']));
    expect(await migrateToLatest(h.db)).toEqual([]);
  });

  it('gives positions the (device, device time) key and a time index', async () => {
    const pk = await sql<{ col: string }>`
      select a.attname as col from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = 'positions'::regclass and i.indisprimary order by a.attname`.execute(h.db);
    expect(pk.rows.map((r) => r.col)).toEqual(['device_id', 'device_time']);
    const idx = await sql<{ def: string }>`select indexdef as def from pg_indexes where tablename = 'positions'`.execute(h.db);
    expect(idx.rows.some((r) => /brin \(device_time\)|device_time/.test(r.def))).toBe(true);
  });
});
