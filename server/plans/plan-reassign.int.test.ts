import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { LiveVisit } from '../contract/live.ts';
import type { PhonePlan, PlanOut, PlanStop } from '../contract/plan.ts';
import type { VisitOut } from '../contract/visit.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';
import { HaversineProvider, type TravelMatrixProvider } from '../routing/matrix/index.ts';
import { PlanService } from './plan.service.ts';
import { SolverThread } from './solver-thread.ts';

/**
 * A dispatcher's changes as the board makes them (issue 4, SPEC §1 "reassign or reorder visits with
 * one action"): a move changes the collector of the moved visit only, a reorder outlives the next
 * change to its route, and a change that meets a day moved on says how.
 */

const DATE = '2030-04-09';
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const SOLVE = { iterations: 200, seed: 1 };

let t: TestServer;
let team: number;
let dispatcher: string;
let ana: number;
let beto: number;
let accounts: number[];

const planNow = async (): Promise<PlanOut> => (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body;
const stopsOf = (plan: PlanOut, collectorId: number) => plan.routes.find((r) => r.collectorId === collectorId)!.stops;
const idsOf = (plan: PlanOut, collectorId: number) => stopsOf(plan, collectorId).map((s) => s.visitId);
const ownerOf = (plan: PlanOut) => new Map(plan.routes.flatMap((r) => r.stops.map((s) => [s.visitId, r.collectorId] as const)));
const reassign = (body: object) => t.api('POST', `/api/plans/${DATE}/reassign`, { options: SOLVE, ...body }, dispatcher);
const openStops = (plan: PlanOut, collectorId: number) => stopsOf(plan, collectorId).filter((s) => s.status === 'assigned');
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
/** The collector's phone reporting at `stop`: the visit closes (SPEC §5 check-in). */
async function checkIn(stop: PlanStop, ts: string, outcome: 'paid' | 'absent'): Promise<void> {
  const r = await t.api('POST', '/api/checkins', { id: randomUUID(), visitId: stop.visitId, ts, lat: stop.lat, lon: stop.lon, outcome }, dispatcher);
  expect(r.status).toBe(201);
}

beforeAll(async () => {
  // DATE is "today" to the plans, at 01:00 in Mexico City before its shifts: the phones hold its plans, and the routes start at the shifts.
  t = await startTestServer({}, undefined, { planClock: () => Date.parse(`${DATE}T07:00:00Z`) });
  team = await createTeam(t, 'Oriente');
  dispatcher = await loginAs(t, 'dispatcher', team, 'Dana Despacho');
  ana = await createCollector(t, 'Ana', team);
  beto = await createCollector(t, 'Beto', team);
  expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: OFFICE, maxVisitsPerCollector: 16 }, dispatcher)).status).toBe(204);
  // 24 debtors on two streets, one running east of the office and one west, 300 m apart: a route's order matters.
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 24; i++) {
    const side = i < 12 ? 1 : -1;
    lines.push(`R-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + 0.001 * (i % 3)).toFixed(6)},${(OFFICE.lon + side * 0.003 * (1 + (i % 12))).toFixed(6)},${1000 + i},30,Oriente`);
  }
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: lines.join('\n') + '\n' });
  expect(res.status).toBe(200);
  const listed = (await t.api('GET', '/api/accounts?limit=100')).body.accounts as { id: number; externalId: string }[];
  accounts = Array.from({ length: 24 }, (_, i) => listed.find((a) => a.externalId === `R-${i}`)!.id);
  for (const accountId of accounts.slice(0, 22)) {
    expect((await t.api('POST', '/api/visits', { accountId, date: DATE, priority: 50, serviceMinutes: 10 }, dispatcher)).status).toBe(201);
  }
  const planned = await t.api('POST', '/api/plans/optimize', { date: DATE, options: { iterations: 300, seed: 3 } }, dispatcher);
  expect(planned.status).toBe(200);
  expect(planned.body.unassigned).toEqual([]);
  expect(idsOf(planned.body, ana).length).toBeGreaterThan(3);
  expect(idsOf(planned.body, beto).length).toBeGreaterThan(3);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('a move', () => {
  it('changes the collector of the moved visit only; both routes re-sequenced with new ETAs', async () => {
    // Ana drives at a third of the speed: a re-plan free to share out her day handed most of it to Beto.
    expect((await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { speedFactor: 0.3 }, dispatcher)).status).toBe(204);
    const before = await planNow();
    const moved = stopsOf(before, ana).at(-2)!;
    const r = await reassign({ moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }] });
    expect(r.status).toBe(200);
    const after = r.body as PlanOut;
    expect(after.changedCollectorIds).toEqual([ana, beto]);
    const owners = ownerOf(after);
    const changedHands = [...ownerOf(before)].filter(([visitId, collectorId]) => owners.get(visitId) !== collectorId).map(([visitId]) => visitId);
    expect(changedHands).toEqual([moved.visitId]);
    expect(after.unassigned).toEqual([]);
    expect(idsOf(after, beto)).toContain(moved.visitId);
    // Both routes re-sequenced, their ETAs computed again (Ana's now at her slower speed).
    for (const collectorId of [ana, beto]) {
      const stops = stopsOf(after, collectorId);
      expect(stops.map((s) => s.sequence)).toEqual(stops.map((_, i) => i + 1));
      for (let i = 1; i < stops.length; i++) expect(Date.parse(stops[i].eta)).toBeGreaterThan(Date.parse(stops[i - 1].departureAt));
    }
    expect(stopsOf(after, ana)[1].eta).not.toBe(stopsOf(before, ana)[1].eta);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { speedFactor: null }, dispatcher)).status).toBe(204);
  });

  it("reaches the collector it was taken from on their own live stream: the visit leaves their day", async () => {
    await t.server.auth.createUser({ email: 'ana@oriente.test', name: 'Ana', password: 'pw-123456', role: 'collector', teamId: team, collectorId: ana });
    const token = (await t.api('POST', '/api/auth/login', { email: 'ana@oriente.test', password: 'pw-123456' }, null)).body.token as string;
    const socket = io(t.baseUrl, { path: '/live', auth: { token }, transports: ['websocket'], reconnection: false });
    const visits: VisitOut[] = [];
    socket.on('visit', (v: VisitOut) => visits.push(v));
    try {
      await new Promise((resolve, reject) => socket.once('snapshot', resolve).once('connect_error', reject));
      const moved = openStops(await planNow(), ana).at(-1)!;
      expect((await reassign({ moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }] })).status).toBe(200);
      await expect.poll(() => visits.map((v) => [v.id, v.collectorId, (v as LiveVisit).formerCollectorId]), { timeout: 5000 }).toEqual([[moved.visitId, null, ana]]);
    } finally {
      socket.close();
    }
  });

  it('onto a route with no room left is refused, naming why, and nothing changes (no other visit gives way)', async () => {
    const before = await planNow();
    expect((await t.api('PUT', `/api/plans/settings/collectors/${beto}`, { maxVisits: idsOf(before, beto).length }, dispatcher)).status).toBe(204);
    const moved = stopsOf(before, ana)[0];
    const r = await reassign({ moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }] });
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('max_tasks');
    expect(r.body.message).toMatch(new RegExp(`^visit ${moved.visitId} cannot go to collector ${beto}: visit \\d+ would have to leave the route \\(the collector takes no more visits\\)$`));
    expect((await planNow()).version).toBe(before.version);
    expect((await t.api('GET', `/api/visits/${moved.visitId}`, undefined, dispatcher)).body).toMatchObject({ collectorId: ana, version: moved.visitVersion });
    expect((await t.api('PUT', `/api/plans/settings/collectors/${beto}`, { maxVisits: null }, dispatcher)).status).toBe(204);
  });
});

describe('a reorder', () => {
  it('is kept by the next change to the route: the moved visit is locked in its new place', async () => {
    const before = await planNow();
    const [first, ...rest] = idsOf(before, beto);
    const last = rest.pop()!;
    const wanted = [first, last, ...rest];
    const r = await reassign({ reorder: { collectorId: beto, visitIds: wanted, movedVisitId: last } });
    expect(r.status).toBe(200);
    expect(idsOf(r.body, beto)).toEqual(wanted);

    // Another change to Beto's route: a new visit given to him. The order up to the moved visit stays; the rest is re-planned around the newcomer.
    const created = (await t.api('POST', '/api/visits', { accountId: accounts[22], date: DATE, priority: 50, serviceMinutes: 10 }, dispatcher)).body;
    const m = await reassign({ moves: [{ visitId: created.id, toCollectorId: beto, version: created.version }] });
    expect(m.status).toBe(200);
    const now = idsOf(m.body, beto);
    expect(now.slice(0, 2)).toEqual([first, last]);
    expect(new Set(now)).toEqual(new Set([...wanted, created.id]));
    // The board shows it locked, and "Liberar" gives the order back to the optimizer.
    expect(stopsOf(m.body, beto).filter((s) => s.locked).map((s) => s.visitId)).toEqual([last]);
    expect((await planNow()).version).toBe(m.body.version);
  });

  it('locks the visit the order moved when the request does not name it', async () => {
    const before = await planNow();
    const open = idsOf(before, ana);
    // Ana's third visit goes first: the first two are not locked, the moved one is, and the first place follows it.
    const wanted = [open[2], open[0], open[1], ...open.slice(3)];
    const r = await reassign({ reorder: { collectorId: ana, visitIds: wanted } });
    expect(r.status).toBe(200);
    expect(idsOf(r.body, ana)).toEqual(wanted);
    expect(stopsOf(r.body, ana).filter((s) => s.locked).map((s) => s.visitId)).toEqual([open[2]]);
    const bad = await reassign({ reorder: { collectorId: ana, visitIds: wanted, movedVisitId: idsOf(before, beto)[0] } });
    expect(bad.status).toBe(400);
  });

  it('passes over a visit done since the board drew the route: no conflict', async () => {
    const before = await planNow();
    const stops = stopsOf(before, beto);
    const done = stops[0];
    const visit = (await t.api('GET', `/api/visits/${done.visitId}`, undefined, dispatcher)).body;
    expect((await t.api('POST', `/api/visits/${done.visitId}/status`, { status: 'completed', version: visit.version, outcome: 'paid' })).status).toBe(200);
    // The order a board that had not heard of it sends: every stop of the plan, the 3rd and 4th swapped (after the locked 2nd).
    const order = stops.map((s) => s.visitId);
    [order[2], order[3]] = [order[3], order[2]];
    const r = await reassign({ reorder: { collectorId: beto, visitIds: order, movedVisitId: order[3] } });
    expect(r.status).toBe(200);
    expect(idsOf(r.body, beto)).toEqual(order.slice(1));
  });
});

describe('a change that meets a day moved on', () => {
  it("answers 409 with a reason a board can word: 'version', 'closed', 'not_on_route'", async () => {
    const before = await planNow();
    const stop = stopsOf(before, ana)[1];
    const stale = await reassign({ moves: [{ visitId: stop.visitId, toCollectorId: beto, version: stop.visitVersion - 1 }] });
    expect(stale).toMatchObject({ status: 409, body: { reason: 'version' } });
    expect(stale.body.message).toMatch(/^visit \d+ was changed by .+ at \S+ \(it is now version \d+, your change was made on version \d+\); reload the plan and try again$/);

    const visit = (await t.api('GET', `/api/visits/${stop.visitId}`, undefined, dispatcher)).body;
    expect((await t.api('POST', `/api/visits/${stop.visitId}/status`, { status: 'missed', version: visit.version, outcome: 'absent' })).status).toBe(200);
    const closed = await reassign({ moves: [{ visitId: stop.visitId, toCollectorId: beto, version: visit.version + 1 }] });
    expect(closed).toMatchObject({ status: 409, body: { reason: 'closed', message: `visit ${stop.visitId} is missed; it can no longer be reassigned` } });
    expect(await reassign({ cancel: [{ visitId: stop.visitId, version: visit.version + 1 }] })).toMatchObject({ status: 409, body: { reason: 'closed' } });
    expect(await reassign({ lock: [stop.visitId] })).toMatchObject({ status: 409, body: { reason: 'closed' } });

    const elsewhere = idsOf(before, beto).at(-1)!;
    const notHis = await reassign({ reorder: { collectorId: ana, visitIds: [elsewhere, ...idsOf(before, ana)] } });
    expect(notHis).toMatchObject({ status: 409, body: { reason: 'not_on_route' } });
    expect((await planNow()).version).toBe(before.version);
  });
});

describe("a route's day", () => {
  it('keeps the visits done before a re-plan, in the order they were done, with status and time; the phone and the planned legs get the open ones only', async () => {
    const device = await t.createDevice('ana-reassign-phone', ana);
    const before = await planNow();
    // Checked in out of the plan's order: the day lists the one done first first. (Ana's missed visit of the 409 test was closed just now.)
    const [second, first] = openStops(before, ana);
    const [firstAt, secondAt] = [minutesAgo(90), minutesAgo(60)];
    await checkIn(first, firstAt, 'paid');
    await checkIn(second, secondAt, 'absent');
    const missed = stopsOf(before, ana).find((s) => s.status === 'missed')!;
    const missedAt = (await t.api('GET', `/api/visits/${missed.visitId}`, undefined, dispatcher)).body.updatedAt as string;
    // Read before any re-plan, a stop closed since the plan says when it was done.
    expect(stopsOf(await planNow(), ana).find((s) => s.visitId === first.visitId)).toMatchObject({ status: 'completed', doneAt: firstAt });

    const given = openStops(before, beto)[0];
    const r = await reassign({ moves: [{ visitId: given.visitId, toCollectorId: ana, version: given.visitVersion }] });
    expect(r.status).toBe(200);
    const after = r.body as PlanOut;
    const route = after.routes.find((x) => x.collectorId === ana)!;
    expect(route.done?.map((d) => [d.visitId, d.status, Date.parse(d.doneAt)])).toEqual([
      [first.visitId, 'completed', Date.parse(firstAt)],
      [second.visitId, 'missed', Date.parse(secondAt)],
      [missed.visitId, 'missed', Date.parse(missedAt)],
    ]);
    expect(route.done![0]).toMatchObject({ accountName: first.accountName, address: first.address, lat: first.lat, lon: first.lon });
    // The giving route keeps its own: Beto's visit done in the reorder test.
    expect(after.routes.find((x) => x.collectorId === beto)!.done?.map((d) => d.status)).toEqual(['completed']);
    // What is routed, driven and sent to the phone is the rest of the day, as before.
    expect(route.stops.every((s) => s.status === 'assigned')).toBe(true);
    expect(route.stops.map((s) => s.visitId)).toContain(given.visitId);
    const legs = await sql<{ stop_legs: { visits: number[] } }>`select stop_legs from plan_routes where plan_id = ${after.id} and collector_id = ${ana}`.execute(t.server.dbh.db);
    expect(legs.rows[0].stop_legs.visits).toEqual(idsOf(after, ana));
    const phone = await retainedPlan('ana-reassign-phone', device.token);
    expect(phone.version).toBe(after.version);
    expect(phone.visits.map((v) => v.visitId)).toEqual(idsOf(after, ana));
    expect(phone).not.toHaveProperty('done');
    // Read again later, the day is the same.
    expect((await planNow()).routes.find((x) => x.collectorId === ana)!.done).toEqual(route.done);
  });
});

describe("a change to a route whose day has run out", () => {
  it('takes off the giving route only what its re-plan can no longer hold, naming whose route each visit was', async () => {
    const before = await planNow();
    const open = openStops(before, beto);
    expect(open.length).toBeGreaterThan(3);
    // Beto's shift now ends at 09:30: his re-plan cannot hold every visit he has left.
    expect((await t.api('PUT', `/api/plans/settings/collectors/${beto}`, { shift: { start: '08:00', end: '09:30' } }, dispatcher)).status).toBe(204);
    const moved = open.at(-1)!;
    const r = await reassign({ moves: [{ visitId: moved.visitId, toCollectorId: ana, version: moved.visitVersion }] });
    expect(r.status).toBe(200);
    const after = r.body as PlanOut;
    expect(idsOf(after, ana)).toContain(moved.visitId);
    const fell = after.unassigned.filter((u) => u.fromCollectorId !== undefined);
    expect(fell.length).toBeGreaterThan(0);
    expect(fell.map((u) => u.fromCollectorId)).toEqual(fell.map(() => beto));
    // Every open visit Beto had is on a route or named as taken off his.
    expect(new Set([...idsOf(after, beto), ...fell.map((u) => u.visitId), moved.visitId])).toEqual(new Set(open.map((s) => s.visitId)));
    for (const u of fell) expect((await t.api('GET', `/api/visits/${u.visitId}`, undefined, dispatcher)).body).toMatchObject({ collectorId: null, status: 'planned' });

    // The next version, which takes nothing off, does not say it again: the visits wait unassigned, as any other.
    const lockOn = openStops(after, ana)[0];
    const next = await reassign({ lock: [lockOn.visitId] });
    expect(next.status).toBe(200);
    expect((next.body as PlanOut).unassigned.map((u) => u.visitId)).toEqual(expect.arrayContaining(fell.map((u) => u.visitId)));
    expect((next.body as PlanOut).unassigned.filter((u) => u.fromCollectorId !== undefined)).toEqual([]);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${beto}`, { shift: null }, dispatcher)).status).toBe(204);
  });
});

describe('a re-plan that meets a day moved on while it is computed', () => {
  /** A provider that has the collector check in at the next of `stops` each time the re-plan asks for travel times, up to `times`. */
  function checkingIn(stops: PlanStop[], times: number): { provider: TravelMatrixProvider; reported: () => number } {
    const haversine = new HaversineProvider();
    let reported = 0;
    return {
      reported: () => reported,
      provider: {
        name: haversine.name,
        route: (points) => haversine.route(points),
        table: async (locations) => {
          if (reported < times) await checkIn(stops[reported++], minutesAgo(1), 'paid');
          return haversine.table(locations);
        },
      },
    };
  }
  async function withPlans<T>(provider: TravelMatrixProvider, work: (plans: PlanService) => Promise<T>): Promise<T> {
    const solver = new SolverThread();
    try {
      return await work(new PlanService({ db: t.server.dbh.db, provider, solver, log: t.server.log, publishRetained: async () => undefined, notify: () => undefined }));
    } finally {
      await solver.close();
    }
  }

  it('computes it again on the day as it now is, and stores that: a check-in elsewhere does not undo the dispatcher\'s change', async () => {
    const before = await planNow();
    const [locked, checked] = openStops(before, ana).filter((s) => !s.locked);
    // The collector checks in at one of the route's visits while the re-plan waits for its travel times.
    const day = checkingIn([checked], 1);
    const plan = await withPlans(day.provider, (plans) => plans.reassign({ kind: 'system', label: 'test' }, team, DATE, { lock: [locked.visitId], options: SOLVE }));
    expect(day.reported()).toBe(1);
    expect(plan.version).toBe(before.version + 1);
    expect((await planNow()).version).toBe(plan.version);
    // The lock asked for holds; the visit checked in meanwhile is done, not a stop still to make.
    expect(stopsOf(plan, ana).find((s) => s.visitId === locked.visitId)?.locked).toBe(true);
    expect(idsOf(plan, ana)).not.toContain(checked.visitId);
    expect(plan.routes.find((r) => r.collectorId === ana)!.done?.map((d) => d.visitId)).toContain(checked.visitId);
    const flags = await t.server.dbh.db.selectFrom('visit_plan').select('locked').where('visit_id', '=', locked.visitId).executeTakeFirstOrThrow();
    expect(flags.locked).toBe(true);
  });

  it("answers 409 'changed' and stores nothing when the day moves on each of the three times", async () => {
    const before = await planNow();
    const [locked, ...others] = openStops(before, beto).filter((s) => !s.locked);
    expect(others.length).toBeGreaterThanOrEqual(3);
    const day = checkingIn(others, 3);
    const refused = await withPlans(day.provider, (plans) => plans.reassign({ kind: 'system', label: 'test' }, team, DATE, { lock: [locked.visitId], options: SOLVE }).catch((err: unknown) => err));
    expect(day.reported()).toBe(3);
    expect(refused).toMatchObject({ statusCode: 409, reason: 'changed', message: `visit ${others[2].visitId} changed while the plan was computed; run it again` });
    expect((await planNow()).version).toBe(before.version);
    const flags = await t.server.dbh.db.selectFrom('visit_plan').select('locked').where('visit_id', '=', locked.visitId).executeTakeFirstOrThrow();
    expect(flags.locked).toBe(false);
  });
});

/** The retained plan a phone receives when it subscribes now (SPEC §5 `ronda/{uniqueId}/plan`). */
async function retainedPlan(uniqueId: string, token: string): Promise<PhonePlan> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0 });
  try {
    const got = new Promise<PhonePlan>((resolve) => client.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))));
    await client.subscribeAsync(`ronda/${uniqueId}/plan`, { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}
