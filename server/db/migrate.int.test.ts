import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from './connect.ts';
import { refreshCollectorDays } from '../metrics/collector-day-rollup.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

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

  it("re-cuts the days stored before 0009 in each collector's team time zone, and keeps unknown zones out", async () => {
    const old = await createTestDatabase();
    const o = await openDatabase({ databaseUrl: old.databaseUrl ?? null, dataDir: old.dataDir });
    try {
      await migrateTo(o.db, '0008-plan-breaks');
      // What the writer stored before: a Tijuana collector's evening, its day cut in Mexico City time (the 21st).
      await sql`
        insert into teams (id, name, time_zone) values (1, 'Pacífico', 'America/Tijuana'), (2, 'Typo', 'America/Tijuanna');
        insert into collectors (id, team_id, name) values (1, 1, 'Inés');
        insert into devices (id, unique_id, name, token_hash, protocol, collector_id) values (1, 'ines-phone', 'Inés', 'x', 'mqtt', 1);
        insert into positions (device_id, collector_id, device_time, server_time, lat, lon, valid, protocol, segment_m, segment_s, moving)
        select 1, 1, t, t, 32.5, -117, true, 'mqtt', 100, 60, true
        from generate_series(timestamptz '2026-11-21 07:30Z', timestamptz '2026-11-21 07:50Z', interval '1 minute') t;
        insert into position_daily_rollup (device_id, collector_id, day, driven_m, moving_s, stopped_s, points, first_ts, last_ts)
        values (1, 1, '2026-11-21', 2100, 1260, 0, 21, '2026-11-21 07:30Z', '2026-11-21 07:50Z');
      `.execute(o.db);
      expect(await migrateToLatest(o.db)).toContain('0009-team-days');
      const days = await sql<{ day: string; driven_m: number; points: number }>`
        select day::text as day, driven_m, points from position_daily order by day`.execute(o.db);
      expect(days.rows).toEqual([{ day: '2026-11-20', driven_m: 2100, points: 21 }]);
      // A zone PostgreSQL does not know would stop the position writer: the upgrade replaces it, and the database refuses new ones.
      expect((await sql<{ time_zone: string }>`select time_zone from teams where id = 2`.execute(o.db)).rows[0].time_zone).toBe(process.env.TIME_ZONE || 'America/Mexico_City');
      await expect(sql`update teams set time_zone = 'Mars/Olympus' where id = 1`.execute(o.db)).rejects.toThrow(/teams_time_zone_known/);
    } finally {
      await o.close();
      await old.drop();
    }
  });

  it('recomputes the money stored before 0010 per currency', async () => {
    const old = await createTestDatabase();
    const o = await openDatabase({ databaseUrl: old.databaseUrl ?? null, dataDir: old.dataDir });
    try {
      await migrateTo(o.db, '0009-team-days');
      // A dollar account's visit and payment, read once by the old rollup (which summed every currency into one figure).
      await sql`
        insert into teams (id, name, currency) values (1, 'Frontera', 'USD');
        insert into collectors (id, team_id, name) values (1, 1, 'Beto');
        insert into accounts (id, team_id, external_id, name, installment_amount, currency) values (1, 1, 'FRO-1', 'Fro Uno', 80, 'USD');
        insert into visits (id, account_id, team_id, collector_id, visit_date, priority, status) values (1, 1, 1, 1, '2026-11-20', 50, 'completed');
        insert into payments (id, visit_id, account_id, team_id, collector_id, ts, amount, currency, method, receipt_number)
        values ('00000000-0000-4000-8000-000000000001', 1, 1, 1, 1, '2026-11-20 18:00Z', 75, 'USD', 'cash', 1);
        delete from collector_day_dirty;
        insert into collector_day_ops (day, collector_id, planned_m, visits_planned, visits_completed, visits_paid, due, collected, promised, timed_visits, on_site_s)
        values ('2026-11-20', 1, null, 1, 1, 1, 80, 75, 0, 0, 0);
      `.execute(o.db);
      expect(await migrateToLatest(o.db)).toContain('0010-money-by-currency');
      expect(await refreshCollectorDays(o.db, '2026-11-20', '2026-11-20')).toBe(1);
      const money = await sql`select day::text as day, collector_id, currency, due::float8 as due, collected::float8 as collected from collector_day_money`.execute(o.db);
      expect(money.rows).toEqual([{ day: '2026-11-20', collector_id: 1, currency: 'USD', due: 80, collected: 75 }]);
    } finally {
      await o.close();
      await old.drop();
    }
  });

  it('keeps the oldest of team names that differ only by case at 0011, and refuses new ones', async () => {
    const old = await createTestDatabase();
    const o = await openDatabase({ databaseUrl: old.databaseUrl ?? null, dataDir: old.dataDir });
    try {
      await migrateTo(o.db, '0010-money-by-currency');
      await sql`insert into teams (id, name) values (1, 'Poniente'), (2, 'PONIENTE'), (3, 'Peña'), (4, 'PEÑA'), (5, 'Centro')`.execute(o.db);
      expect(await migrateToLatest(o.db)).toContain('0011-team-names-any-case');
      const names = await sql<{ name: string }>`select name from teams order by id`.execute(o.db);
      expect(names.rows.map((r) => r.name)).toEqual(['Poniente', 'PONIENTE (2)', 'Peña', 'PEÑA (4)', 'Centro']);
      await expect(sql`insert into teams (name) values ('centro')`.execute(o.db)).rejects.toThrow('team 5 is named "Centro": team names must differ by more than letter case');
      await expect(sql`update teams set name = 'peña' where id = 1`.execute(o.db)).rejects.toThrow('team 3 is named "Peña"');
      // Renaming a team to another case of its own name, and the demo seed's upsert by exact name, still work.
      await sql`update teams set name = 'CENTRO' where id = 5`.execute(o.db);
      await sql`insert into teams (name) values ('CENTRO') on conflict (name) do update set name = excluded.name`.execute(o.db);
      expect((await sql<{ n: number }>`select count(*)::int as n from teams`.execute(o.db)).rows[0].n).toBe(5);
    } finally {
      await o.close();
      await old.drop();
    }
  }, 120_000);

  it('keeps the oldest of the offline events open for one collector at 0016, and refuses a second', async () => {
    const old = await createTestDatabase();
    const o = await openDatabase({ databaseUrl: old.databaseUrl ?? null, dataDir: old.dataDir });
    try {
      await migrateTo(o.db, '0015-team-even-share');
      await sql`insert into teams (id, name) values (1, 'Centro')`.execute(o.db);
      await sql`insert into collectors (id, name, team_id) values (1, 'Ana', 1), (2, 'Beto', 1)`.execute(o.db);
      // Two instances watched Ana: each stored her offline event; Beto's is his only one.
      await sql`insert into events (type, severity, team_id, collector_id, opened_at) values
        ('offline', 'critical', 1, 1, '2030-03-12T10:00Z'), ('offline', 'critical', 1, 1, '2030-03-12T10:00:15Z'), ('offline', 'critical', 1, 2, '2030-03-12T10:00Z')`.execute(o.db);
      expect(await migrateToLatest(o.db)).toContain('0016-offline-once');
      const rows = await sql<{ collector_id: number; open: boolean; details: Record<string, unknown> }>`select collector_id, closed_at is null as open, details from events order by id`.execute(o.db);
      expect(rows.rows).toEqual([
        { collector_id: 1, open: true, details: {} },
        { collector_id: 1, open: false, details: { closedBy: 'duplicate' } },
        { collector_id: 2, open: true, details: {} },
      ]);
      await expect(sql`insert into events (type, severity, team_id, collector_id, opened_at) values ('offline', 'critical', 1, 2, now())`.execute(o.db)).rejects.toThrow('events_offline_once');
    } finally {
      await o.close();
      await old.drop();
    }
  }, 120_000);

  it('keeps the oldest of a collector\'s active logins at 0017, ends the others\' sessions, and refuses a second', async () => {
    const old = await createTestDatabase();
    const o = await openDatabase({ databaseUrl: old.databaseUrl ?? null, dataDir: old.dataDir });
    try {
      await migrateTo(o.db, '0016-offline-once');
      await sql`insert into teams (id, name) values (1, 'Centro')`.execute(o.db);
      await sql`insert into collectors (id, name, team_id) values (1, 'Ana', 1), (2, 'Beto', 1)`.execute(o.db);
      // Two admins made Ana a login at once; Beto's old login is inactive beside his current one.
      await sql`insert into users (id, email, name, password_hash, role, team_id, collector_id, active) values
        (1, 'ana@x', 'Ana', 'h', 'collector', 1, 1, true), (2, 'ana2@x', 'Ana', 'h', 'collector', 1, 1, true),
        (3, 'beto-old@x', 'Beto', 'h', 'collector', 1, 2, false), (4, 'beto@x', 'Beto', 'h', 'collector', 1, 2, true)`.execute(o.db);
      await sql`insert into sessions (token_hash, user_id, expires_at) values ('a1', 1, now() + interval '1 day'), ('a2', 2, now() + interval '1 day')`.execute(o.db);
      expect(await migrateToLatest(o.db)).toContain('0017-one-login-per-collector');
      const users = await sql<{ id: number; active: boolean }>`select id, active from users order by id`.execute(o.db);
      expect(users.rows).toEqual([
        { id: 1, active: true },
        { id: 2, active: false },
        { id: 3, active: false },
        { id: 4, active: true },
      ]);
      expect((await sql<{ token_hash: string }>`select token_hash from sessions`.execute(o.db)).rows).toEqual([{ token_hash: 'a1' }]);
      await expect(sql`update users set active = true where id = 3`.execute(o.db)).rejects.toThrow('users_one_login_per_collector');
    } finally {
      await o.close();
      await old.drop();
    }
  }, 120_000);
});
