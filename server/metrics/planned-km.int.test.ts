import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test/support/until.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { MetricsResponse } from '../contract/metrics.ts';
import type { PlanOut, PlanRoute } from '../contract/plan.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { openDatabase } from '../db/connect.ts';
import { migrateTo, migrateToLatest } from '../db/migrate.ts';
import { refreshCollectorDays } from './collector-day-rollup.ts';

/**
 * Planned km of a day the dispatcher re-plans while it is driven (README "Planned km").
 * Marta's three visits lie north of the office on the meridian −103.35, in windows that fix
 * their order; a re-plan starts from her phone's last position and leaves out what she has done.
 */
const DAY = '2026-11-18';
const TIME_ZONE = 'America/Mexico_City';
const LON = -103.35;
const OFFICE = 20.655;
const STOPS = [
  ['PKM-1', 20.665, '09:00', '10:00'],
  ['PKM-2', 20.68, '10:00', '11:00'],
  ['PKM-3', 20.7, '11:00', '12:00'],
] as const;

let t: TestServer;
let teamId: number;
let marta: number;
let nico: number;
let phoneToken: string;
const visit = new Map<string, number>();
let first: PlanOut;

async function ok<T>(what: string, p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const routeOf = (plan: PlanOut, collectorId: number): PlanRoute => plan.routes.find((r) => r.collectorId === collectorId)!;
const plannedKm = async (collectorId: number) => {
  const r = await ok<MetricsResponse>('metrics', t.api('GET', `/api/metrics/collectors?from=${DAY}&to=${DAY}&collectorId=${collectorId}`));
  return r.rows.find((x) => x.collectorId === collectorId)?.plannedKm ?? null;
};
const km = (m: number) => Math.round(m / 10) / 100;

/** Marta's phone reports at `lat` (local `hhmm`); the re-plan reads her latest stored position. */
async function phoneAt(lat: number, hhmm: string): Promise<void> {
  const ts = Date.parse(`${DAY}T${hhmm}:00-06:00`);
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'marta-phone', password: phoneToken });
  await c.publishAsync('ronda/marta-phone/position', JSON.stringify([{ ts, lat, lon: LON, speed: 0 }]), { qos: 1 });
  await c.endAsync();
  await until(`Marta's fix at ${hhmm}`, async () => {
    const r = await sql<{ n: number }>`select count(*)::int as n from positions where collector_id = ${marta} and device_time = ${new Date(ts)}`.execute(t.server.dbh.db);
    return r.rows[0].n > 0;
  });
}

const lock = (visitId: number) =>
  ok<PlanOut>('lock', t.api('POST', `/api/plans/${DAY}/reassign`, { teamId, lock: [visitId], options: { iterations: 50, seed: 1 } }));

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE });
  teamId = (await ok<{ id: number }>('team', t.api('POST', '/api/teams', { name: 'Meridiano' }))).id;
  marta = (await ok<{ id: number }>('Marta', t.api('POST', '/api/collectors', { name: 'Marta Gil', teamId }))).id;
  nico = (await ok<{ id: number }>('Nico', t.api('POST', '/api/collectors', { name: 'Nico Paz', teamId }))).id;
  phoneToken = (await t.createDevice('marta-phone', marta)).token;
  await ok('office', t.api('PUT', `/api/plans/settings/teams/${teamId}`, { office: { lat: OFFICE, lon: LON } }));
  for (const [ext, lat, start, end] of STOPS) {
    await t.server.dbh.db.insertInto('accounts').values({ team_id: teamId, external_id: ext, name: ext, lat, lon: LON, installment_amount: 100 }).execute();
    const account = await t.server.dbh.db.selectFrom('accounts').select('id').where('external_id', '=', ext).executeTakeFirstOrThrow();
    const v = await ok<{ id: number }>(ext, t.api('POST', '/api/visits', { accountId: account.id, date: DAY, collectorId: marta, window: { start, end } }));
    visit.set(ext, v.id);
    await ok(`pin ${ext}`, t.api('PUT', `/api/plans/settings/visits/${v.id}`, { pinned: true }));
  }
  first = await ok<PlanOut>('optimize', t.api('POST', '/api/plans/optimize', { date: DAY, teamId, options: { iterations: 50, seed: 1 } }));
}, 60_000);
afterAll(async () => t?.close());

describe('planned km of a day re-planned while it is driven', () => {
  it('are not cut when the dispatcher re-plans from where the collector is', async () => {
    const planned = routeOf(first, marta);
    expect(planned.startKind).toBe('office');
    expect(planned.stops.map((s) => s.visitId)).toEqual(STOPS.map(([ext]) => visit.get(ext)));
    expect(await plannedKm(marta)).toBe(km(planned.distanceM));

    // On her way to the first visit, the dispatcher locks the last one: the route now starts where she is.
    await phoneAt(20.66, '09:10');
    const onTheWay = routeOf(await lock(visit.get('PKM-3')!), marta);
    expect(onTheWay.startKind).toBe('position');
    expect(onTheWay.distanceM).toBeLessThan(planned.distanceM);
    expect(await plannedKm(marta)).toBe(km(planned.distanceM));

    // The first visit done, she stands at its door; another lock leaves it out of the route.
    await ok('check-in', t.api('POST', '/api/checkins', { id: randomUUID(), visitId: visit.get('PKM-1'), ts: `${DAY}T15:30:00Z`, lat: 20.665, lon: LON, outcome: 'paid' }));
    await phoneAt(20.665, '09:31');
    const afterOne = routeOf(await lock(visit.get('PKM-2')!), marta);
    expect(afterOne.stops.map((s) => s.visitId)).toEqual([visit.get('PKM-2'), visit.get('PKM-3')]);
    expect(afterOne.distanceM).toBeLessThan(planned.distanceM);
    expect(await plannedKm(marta)).toBe(km(planned.distanceM));
  });

  it("follow a visit given to someone else: its legs leave one collector's day and join the other's", async () => {
    const v3 = await ok<{ version: number }>('visit', t.api('GET', `/api/visits/${visit.get('PKM-3')}`));
    const moved = await ok<PlanOut>(
      'move',
      t.api('POST', `/api/plans/${DAY}/reassign`, { teamId, moves: [{ visitId: visit.get('PKM-3'), toCollectorId: nico, version: v3.version }], options: { iterations: 50, seed: 1 } }),
    );
    const martaNow = routeOf(moved, marta);
    expect(martaNow.stops.map((s) => s.visitId)).toEqual([visit.get('PKM-2')]);
    // As planned at first up to the second visit (office → 1 → 2), then the way back as planned now (2 → office).
    const [toFirst, toSecond] = routeOf(first, marta).stops;
    const wayBack = martaNow.distanceM - martaNow.stops[0].distanceM;
    expect(await plannedKm(marta)).toBe(km(toFirst.distanceM + toSecond.distanceM + wayBack));
    expect(await plannedKm(nico)).toBe(km(routeOf(moved, nico).distanceM));
  });

  it('stored before the definition changed, are recomputed on upgrade', { timeout: 120_000 }, async () => {
    const old = await createTestDatabase();
    const o = await openDatabase({ databaseUrl: old.databaseUrl ?? null, dataDir: old.dataDir });
    try {
      await migrateTo(o.db, '0010-money-by-currency');
      const stop = (visitId: number, distanceM: number) => ({ visitId, distanceM });
      await sql`
        insert into teams (id, name) values (1, 'Norte');
        insert into collectors (id, team_id, name) values (1, 1, 'Rosa');
        insert into accounts (id, team_id, external_id, name, installment_amount) values (1, 1, 'A-1', 'Uno', 100), (2, 1, 'A-2', 'Dos', 100);
        insert into visits (id, account_id, team_id, collector_id, visit_date, priority, status)
        values (1, 1, 1, 1, '2026-11-20', 50, 'completed'), (2, 2, 1, 1, '2026-11-20', 50, 'assigned');
        insert into plans (id, team_id, plan_date, version, kind, provider, created_by) values (1, 1, '2026-11-20', 1, 'optimize', 'haversine', 't'), (2, 1, '2026-11-20', 2, 'reassign', 'haversine', 't');
      `.execute(o.db);
      await sql`
        insert into plan_routes (plan_id, collector_id, route) values
          (1, 1, ${JSON.stringify({ startKind: 'office', stops: [stop(1, 1000), stop(2, 2000)], distanceM: 6000 })}),
          (2, 1, ${JSON.stringify({ startKind: 'position', stops: [stop(2, 1500)], distanceM: 4500 })});
      `.execute(o.db);
      // What the old rollup kept: the latest version's 4.5 km.
      await sql`delete from collector_day_dirty`.execute(o.db);
      await sql`
        insert into collector_day_ops (day, collector_id, planned_m, visits_planned, visits_completed, visits_paid, timed_visits, on_site_s)
        values ('2026-11-20', 1, 4500, 2, 1, 0, 0, 0)`.execute(o.db);
      await migrateToLatest(o.db);
      expect(await refreshCollectorDays(o.db, '2026-11-20', '2026-11-20')).toBe(1);
      const ops = await sql<{ planned_m: number }>`select planned_m from collector_day_ops`.execute(o.db);
      // Office → 1 and 1 → 2 as first planned (she came from visit 1, done), 2 → office as planned last.
      expect(ops.rows).toEqual([{ planned_m: 1000 + 2000 + 3000 }]);
    } finally {
      await o.close();
      await old.drop();
    }
  });
});
