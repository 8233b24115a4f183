import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateTo, migrateToLatest } from '../db/migrate.ts';
import { insertEvents, type NewEvent } from './event.repository.ts';

/** SPEC §8: every instance raises the same `visit_skipped`; one row per visit and deadline is stored (migration 0021). */
let tdb: TestDatabase;
let h: DbHandle;

beforeAll(async () => {
  tdb = await createTestDatabase();
  h = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.dataDir });
  await migrateTo(h.db, '0020-collector-day-marks-never-wait');
  await sql`insert into teams (id, name) values (1, 'Centro')`.execute(h.db);
  await sql`insert into collectors (id, name, team_id) values (1, 'Ana', 1)`.execute(h.db);
}, 120_000);
afterAll(async () => {
  await h?.close();
  await tdb?.drop();
});

const D1 = '2030-03-12T18:00:00.000Z';
const D2 = '2030-03-13T18:00:00.000Z';
const skip = (visitId: number, at: string): NewEvent => ({ type: 'visit_skipped', teamId: 1, collectorId: 1, visitId, openedAtMs: Date.parse(at), closedAtMs: Date.parse(at), details: { seq: 1, windowEnd: null } });

describe('visit_skipped stored once', () => {
  it('0021 keeps one row per skip (the acknowledged one), a skip of another day apart', async () => {
    // Two instances each stored visit 5's skip of the 12th; a supervisor acknowledged the second. Visit 5 skipped again on the 13th.
    await sql`insert into events (type, severity, team_id, collector_id, visit_id, opened_at, closed_at, acknowledged_by, acknowledged_at) values
      ('visit_skipped', 'warning', 1, 1, 5, ${D1}, ${D1}, null, null),
      ('visit_skipped', 'warning', 1, 1, 5, ${D1}, ${D1}, 'sup@x', '2030-03-12T18:05Z'),
      ('visit_skipped', 'warning', 1, 1, 5, ${D2}, ${D2}, null, null),
      ('visit_skipped', 'warning', 1, 1, 6, ${D1}, ${D1}, null, null),
      ('visit_out_of_order', 'warning', 1, 1, 6, ${D1}, ${D1}, null, null),
      ('visit_out_of_order', 'warning', 1, 1, 6, ${D1}, ${D1}, null, null)`.execute(h.db);
    expect(await migrateToLatest(h.db)).toContain('0021-visit-skipped-once');
    const rows = await sql<{ id: number; type: string; visit_id: number; acknowledged_by: string | null }>`select id, type, visit_id, acknowledged_by from events order by id`.execute(h.db);
    expect(rows.rows).toEqual([
      { id: 2, type: 'visit_skipped', visit_id: 5, acknowledged_by: 'sup@x' },
      { id: 3, type: 'visit_skipped', visit_id: 5, acknowledged_by: null },
      { id: 4, type: 'visit_skipped', visit_id: 6, acknowledged_by: null },
      { id: 5, type: 'visit_out_of_order', visit_id: 6, acknowledged_by: null },
      { id: 6, type: 'visit_out_of_order', visit_id: 6, acknowledged_by: null },
    ]);
    await expect(sql`insert into events (type, severity, team_id, collector_id, visit_id, opened_at) values ('visit_skipped', 'warning', 1, 1, 6, ${D1})`.execute(h.db)).rejects.toThrow('events_visit_skipped_once');
  });

  it('insertEvents returns a row per event in the order given, null for a skip stored already (by another instance, or earlier in the batch)', async () => {
    const longStop: NewEvent = { type: 'long_stop', teamId: 1, collectorId: 1, openedAtMs: Date.parse(D2), details: { minutes: 15 } };
    const out = await insertEvents(h.db, [longStop, skip(6, D1), skip(7, D1), skip(7, D1), { ...longStop, visitId: 7 }, skip(6, D2)]);
    expect(out.map((e) => e && [e.type, e.visitId, e.openedAt])).toEqual([
      ['long_stop', null, D2],
      null,
      ['visit_skipped', 7, D1],
      null,
      ['long_stop', 7, D2],
      ['visit_skipped', 6, D2],
    ]);
    const stored = await sql<{ n: number }>`select count(*)::int as n from events where type = 'visit_skipped'`.execute(h.db);
    expect(stored.rows[0].n).toBe(5);
    expect(await insertEvents(h.db, [])).toEqual([]);
  });
});
