import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { refreshCollectorDays } from './collector-day-rollup.ts';

/**
 * The statement triggers of migration 0007 mark every (collector, day) a write touches in
 * collector_day_dirty. Two transactions marking two collector-days in opposite orders, each
 * mark new since the last metrics read, must not wait on each other: before migration 0020 one
 * was rolled back as a deadlock's victim. The writers are statements as those no deadlock retry
 * covers issue them (a single visit's change, the visit generator, the promise settler) and raw
 * check-ins and payments (a CSV or psql fix), driven statement by statement on two sessions.
 * PGlite is one session, where no two transactions are ever open at once.
 */

const DAY = '2026-11-20';
// Noon in Mexico City, the teams' zone: the check-ins', payments' and promises' day is DAY.
const NOON = '2026-11-20 18:00Z';

let tdb: TestDatabase;
let h: DbHandle;
const onPostgres = !!process.env.TEST_DATABASE_URL;

beforeAll(async () => {
  tdb = await createTestDatabase();
  h = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.dataDir });
  await migrateToLatest(h.db);
  await sql`
    insert into teams (id, name, time_zone) values (1, 'Norte', 'America/Mexico_City');
    insert into collectors (id, team_id, name) values (1, 1, 'Rosa'), (2, 1, 'Luis');
    insert into accounts (id, team_id, external_id, name, installment_amount) select i, 1, 'A-' || i, 'Cuenta ' || i, 100 from generate_series(1, 4) i;
    -- Visit (collector + 2 * session): each session changes its own rows, so only the marks are shared.
    insert into visits (id, account_id, team_id, collector_id, visit_date, priority, status)
    select i, i, 1, 2 - i % 2, ${sql.lit(DAY)}, 50, 'assigned' from generate_series(1, 4) i;
    select setval('visits_id_seq', 4);
    insert into checkins (id, visit_id, account_id, team_id, collector_id, ts, lat, lon, outcome)
    select ('00000000-0000-4000-8000-00000000000' || i)::uuid, i, i, 1, 2 - i % 2, ${sql.lit(NOON)}, 20, -103, 'promise' from generate_series(1, 4) i;
    insert into promises (checkin_id, account_id, team_id, visit_id, collector_id, promised_at, due_date, amount)
    select ('00000000-0000-4000-8000-00000000000' || i)::uuid, i, 1, i, 2 - i % 2, ${sql.lit(NOON)}, '2026-11-19', 50 from generate_series(1, 4) i;
  `.execute(h.db);
  await refreshCollectorDays(h.db, DAY, DAY);
});
afterAll(async () => {
  await h?.close();
  await tdb?.drop();
});

let seq = 100;
/**
 * One statement on one table that marks `collector`'s DAY, as the named writer issues it;
 * `session` (0 or 1) picks rows no other session changes.
 */
const writers: Record<string, (c: pg.ClientBase, collector: number, session: number) => Promise<unknown>> = {
  'a single visit changed (PATCH /api/visits/{id})': (c, collector, session) =>
    c.query(`update visits set note = 'n', version = version + 1 where id = $1`, [collector + 2 * session]),
  'visits generated': (c, collector) => c.query(`insert into visits (account_id, team_id, collector_id, visit_date, priority) values ($1, 1, $1, $2, 40)`, [collector, DAY]),
  'a promise settled': (c, collector, session) =>
    c.query(`update promises set status = 'broken', settled_at = now() where visit_id = $1`, [collector + 2 * session]),
  'a check-in stored': (c, collector, session) =>
    c.query(`insert into checkins (id, visit_id, account_id, team_id, collector_id, ts, lat, lon, outcome) values (gen_random_uuid(), $1, $1, 1, $2, $3, 20, -103, 'absent')`, [
      collector + 2 * session,
      collector,
      NOON,
    ]),
  'a payment stored': (c, collector, session) =>
    c.query(`insert into payments (id, visit_id, account_id, team_id, collector_id, ts, amount, currency, method, receipt_number) values (gen_random_uuid(), $1, $1, 1, $2, $3, 5, 'MXN', 'cash', $4)`, [
      collector + 2 * session,
      collector,
      NOON,
      seq++,
    ]),
};

/** Settles once `pid` waits on a lock, or `work` settled (it did not wait): 3 s at most. */
async function waitingOrDone(pid: number, work: Promise<unknown>): Promise<'waiting' | 'done'> {
  let settled = false;
  work.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 150; i++) {
    if (settled) return 'done';
    const { rows } = await h.pool.query(`select wait_event_type from pg_stat_activity where pid = $1`, [pid]);
    if (rows[0]?.wait_event_type === 'Lock') return 'waiting';
    await new Promise((r) => setTimeout(r, 20));
  }
  return settled ? 'done' : 'waiting';
}

async function twoSessions<T>(run: (a: pg.PoolClient, b: pg.PoolClient, pidA: number) => Promise<T>): Promise<T> {
  const a = await h.pool.connect();
  const b = await h.pool.connect();
  try {
    const pidA = (await a.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    return await run(a, b, pidA);
  } finally {
    await a.query('rollback').catch(() => undefined);
    await b.query('rollback').catch(() => undefined);
    a.release();
    b.release();
  }
}

const marksOf = async (collector: number) =>
  (await sql<{ n: number }>`select count(*)::int as n from collector_day_dirty where collector_id = ${collector} and day = ${DAY}`.execute(h.db)).rows[0].n;
const visitsPlanned = async (collector: number) =>
  (await sql<{ n: number }>`select visits_planned as n from collector_day_ops where collector_id = ${collector} and day = ${DAY}`.execute(h.db)).rows[0]?.n ?? 0;

describe.skipIf(!onPostgres)('two transactions marking two collector-days in opposite orders (PostgreSQL: two sessions)', () => {
  // A metrics read just took the day's marks away: every mark below is a new one.
  beforeEach(async () => {
    await refreshCollectorDays(h.db, DAY, DAY);
  });

  for (const [first, writeFirst] of Object.entries(writers)) {
    for (const [second, writeSecond] of Object.entries(writers)) {
      if (second < first) continue;
      it(`${first}, then ${second}: both commit`, async () => {
        const outcome = await twoSessions(async (a, b, pidA) => {
          await a.query('begin');
          await b.query('begin');
          await writeFirst(a, 1, 0);
          await writeSecond(b, 2, 1);
          // a now marks Luis's day, which b marked and holds; then b marks Rosa's, which a holds.
          const aSecond = writeSecond(a, 2, 0);
          await waitingOrDone(pidA, aSecond);
          const bSecond = writeFirst(b, 1, 1);
          const results = await Promise.allSettled([aSecond, bSecond]);
          const errors = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
          if (errors.length === 0) await Promise.all([a.query('commit'), b.query('commit')]);
          return errors;
        });
        expect(outcome).toEqual([]);
        expect(await marksOf(1)).toBeGreaterThan(0);
        expect(await marksOf(2)).toBeGreaterThan(0);
      });
    }
  }
});

describe.skipIf(!onPostgres)('a metrics read while a write is open (PostgreSQL: two sessions)', () => {
  it('neither waits for the write nor takes its new mark: the next read counts it', async () => {
    await refreshCollectorDays(h.db, DAY, DAY);
    const before = await visitsPlanned(1);
    await twoSessions(async (a) => {
      await a.query('begin');
      await writers['visits generated'](a, 1, 0);
      expect(await refreshCollectorDays(h.db, DAY, DAY)).toBe(0);
      await a.query('commit');
    });
    expect(await marksOf(1)).toBe(1);
    expect(await refreshCollectorDays(h.db, DAY, DAY)).toBe(1);
    expect(await visitsPlanned(1)).toBe(before + 1);
  });

  it('a write that found the mark already there keeps it through a read that runs before it commits', async () => {
    await refreshCollectorDays(h.db, DAY, DAY);
    const before = await visitsPlanned(1);
    // A committed write the read has not seen yet: its mark is there.
    await writers['visits generated'](h.pool as unknown as pg.ClientBase, 1, 1);
    await twoSessions(async (a) => {
      await a.query('begin');
      await writers['visits generated'](a, 1, 0);
      // The read recomputes Rosa's day with the committed visit, not the open one's.
      expect(await refreshCollectorDays(h.db, DAY, DAY)).toBe(1);
      expect(await visitsPlanned(1)).toBe(before + 1);
      await a.query('commit');
    });
    // Before 0020 the open write's mark was the committed one the read deleted: its visit was never counted.
    expect(await marksOf(1)).toBe(1);
    await refreshCollectorDays(h.db, DAY, DAY);
    expect(await visitsPlanned(1)).toBe(before + 2);
  });
});

describe('marks', () => {
  it('one write after another on the same collector-day leaves one mark', async () => {
    await refreshCollectorDays(h.db, DAY, DAY);
    for (let i = 0; i < 5; i++) await writers['a single visit changed (PATCH /api/visits/{id})'](h.pool as unknown as pg.ClientBase, 1, 0);
    expect(await marksOf(1)).toBe(1);
    expect(await refreshCollectorDays(h.db, DAY, DAY)).toBe(1);
    expect(await marksOf(1)).toBe(0);
  });
});
