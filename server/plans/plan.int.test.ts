import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { LIVE_PATH } from '../contract/live.ts';
import type { PhonePlan, PlanOut, PlanRoute } from '../contract/plan.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';
import { decodePolyline } from '../routing/geometry/polyline.ts';
import { HaversineProvider, OsrmProvider } from '../routing/matrix/index.ts';
import { PlanService } from './plan.service.ts';
import { SolverThread } from './solver-thread.ts';
import { until } from '../../test/support/until.ts';

/** A Tuesday in the future: routes start at the office at 08:00, no position of that day exists. */
const DATE = '2030-03-12';
/** Local midnight of DATE in America/Mexico_City (UTC−6). */
const MIDNIGHT = Date.parse('2030-03-12T06:00:00Z');
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const localMin = (iso: string) => (Date.parse(iso) - MIDNIGHT) / 60_000;
/** A fixed number of iterations and a seed: the same plans on any machine, however loaded. */
const SOLVE = { iterations: 200, seed: 1 };
const hhmm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

let t: TestServer;
let team: number;
let dispatcher: string;
const collectors: number[] = [];
const phones = new Map<number, { uniqueId: string; token: string }>();
const visitIds: number[] = [];
let skillVisit: number;
let earlyVisit: number;
let live: Socket;
const livePlans: PlanOut[] = [];
const liveVisits: { id: number; collectorId: number | null; status: string; version: number }[] = [];

/** The collector's phone, subscribed to its plan topic, keeping every plan it receives. */
async function phone(collectorId: number): Promise<{ client: MqttClient; plans: PhonePlan[] }> {
  const { uniqueId, token } = phones.get(collectorId)!;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0, clean: true });
  const plans: PhonePlan[] = [];
  client.on('message', (_topic, payload) => plans.push(JSON.parse(payload.toString())));
  await client.subscribeAsync(`ronda/${uniqueId}/plan`, { qos: 1 });
  return { client, plans };
}

const routeOf = (plan: PlanOut, collectorId: number) => plan.routes.find((r) => r.collectorId === collectorId)!;
const storedRoute = async (planId: number, collectorId: number) =>
  (await t.server.dbh.db.selectFrom('plan_routes').select('route').where('plan_id', '=', planId).where('collector_id', '=', collectorId).executeTakeFirstOrThrow()).route;

function expectFeasible(route: PlanRoute): void {
  for (const s of route.stops) {
    const eta = localMin(s.eta);
    if (s.window) {
      expect(eta).toBeGreaterThanOrEqual(hhmm(s.window.start));
      expect(eta).toBeLessThanOrEqual(hhmm(s.window.end));
    }
    expect(eta).toBeGreaterThanOrEqual(8 * 60);
    expect(Date.parse(s.departureAt) - Date.parse(s.eta)).toBe(s.serviceMinutes * 60_000);
  }
  expect(localMin(route.end.at)).toBeLessThanOrEqual(18 * 60);
}

beforeAll(async () => {
  // DATE is "today" to the plans, before its shifts start: the phones hold its plans, and no route starts at a time of now.
  t = await startTestServer({}, undefined, { planClock: () => MIDNIGHT + 60 * 60_000 });
  team = await createTeam(t, 'Centro');
  dispatcher = await loginAs(t, 'dispatcher', team, 'Dora Dispatcher');
  for (const name of ['Ana', 'Beto', 'Caro']) {
    const id = await createCollector(t, name, team);
    collectors.push(id);
    const uniqueId = `${name.toLowerCase()}-phone`;
    phones.set(id, { uniqueId, token: (await t.createDevice(uniqueId, id)).token });
  }
  // 45 debtors on a 3 km ring of spokes around the office, plus two the optimizer cannot serve.
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 47; i++) {
    const angle = (i * 2 * Math.PI) / 47;
    const r = 0.004 + (i % 5) * 0.005;
    lines.push(`P-${i},Deudor ${i},Calle ${i} #${i + 10},${(OFFICE.lat + r * Math.sin(angle)).toFixed(6)},${(OFFICE.lon + r * Math.cos(angle)).toFixed(6)},${1000 + i},30,Centro`);
  }
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: lines.join('\n') + '\n' });
  expect(res.status).toBe(200);
  const accounts = (await t.api('GET', '/api/accounts?limit=100')).body.accounts as { id: number; externalId: string }[];
  const accountOf = (i: number) => accounts.find((a) => a.externalId === `P-${i}`)!.id;
  for (let i = 0; i < 47; i++) {
    const window = i === 46 ? { start: '06:00', end: '06:30' } : i % 4 === 0 ? { start: '09:00', end: '12:00' } : i % 4 === 1 ? { start: '13:00', end: '17:00' } : undefined;
    const r = await t.api('POST', '/api/visits', { accountId: accountOf(i), date: DATE, priority: 50, serviceMinutes: 10, ...(window ? { window } : {}) }, dispatcher);
    expect(r.status).toBe(201);
    visitIds.push(r.body.id);
  }
  skillVisit = visitIds[45];
  earlyVisit = visitIds[46];
  expect((await t.api('PUT', `/api/plans/settings/visits/${skillVisit}`, { skills: ['legal'] }, dispatcher)).status).toBe(204);
  expect((await t.api('PUT', `/api/plans/settings/collectors/${collectors[0]}`, { skills: ['moto'] }, dispatcher)).status).toBe(204);
  // 15 visits a collector: the 45 that can be served fill the three routes, from and back to the office.
  expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { maxVisitsPerCollector: 15, office: OFFICE }, dispatcher)).status).toBe(204);

  live = io(t.baseUrl, { path: LIVE_PATH, auth: { token: dispatcher }, transports: ['websocket'] });
  live.on('plan', (p: PlanOut) => livePlans.push(p));
  live.on('visit', (v: { id: number; collectorId: number | null; status: string; version: number }) => liveVisits.push(v));
  await new Promise<void>((resolve) => live.once('snapshot', () => resolve()));
});

afterAll(async () => {
  live?.close();
  await t?.close();
});

describe('POST /api/plans/optimize', () => {
  let plan: PlanOut;

  it('assigns every visit or names why not, with ETAs inside windows and shifts', async () => {
    const r = await t.api('POST', '/api/plans/optimize', { date: DATE, options: { iterations: 300, seed: 7 } }, dispatcher);
    expect(r.status).toBe(200);
    plan = r.body;
    expect(plan).toMatchObject({ teamId: team, date: DATE, version: 1, kind: 'optimize', provider: 'haversine', timeZone: 'America/Mexico_City', createdBy: 'Dora Dispatcher (dispatcher)' });
    expect(plan.routes.map((r) => r.collectorId)).toEqual(collectors);
    expect(plan.changedCollectorIds).toEqual(collectors);
    expect(plan.unassigned).toEqual([
      { visitId: skillVisit, accountName: 'Deudor 45', priority: 50, reason: 'skill' },
      { visitId: earlyVisit, accountName: 'Deudor 46', priority: 50, reason: 'window' },
    ]);
    const routed = plan.routes.flatMap((r) => r.stops.map((s) => s.visitId));
    expect([...routed].sort((a, b) => a - b)).toEqual(visitIds.slice(0, 45));
    for (const route of plan.routes) {
      expectFeasible(route);
      expect(route.stops.map((s) => s.sequence)).toEqual(route.stops.map((_, i) => i + 1));
      expect(route.start).toEqual({ ...OFFICE, at: '2030-03-12T14:00:00.000Z' });
      expect(route.startKind).toBe('office');
      const path = decodePolyline(route.polyline);
      expect(path[0]).toEqual([OFFICE.lon, OFFICE.lat]);
      expect(path).toHaveLength(route.stops.length + 2);
      expect(route.stops).toHaveLength(15);
      // The legs to each stop plus the way back to the office.
      expect(route.distanceM).toBeGreaterThan(route.stops.reduce((sum, s) => sum + s.distanceM, 0));
      expect(route.durationS).toBe((Date.parse(route.end.at) - Date.parse(route.start.at)) / 1000);
    }
  });

  it('marks the visits assigned to their collector with the planned sequence and ETA', async () => {
    const visits = (await t.api('GET', `/api/visits?date=${DATE}&teamId=${team}`, undefined, dispatcher)).body.visits as { id: number; collectorId: number | null; status: string }[];
    for (const route of plan.routes) {
      for (const s of route.stops) expect(visits.find((v) => v.id === s.visitId)).toMatchObject({ collectorId: route.collectorId, status: 'assigned' });
    }
    expect(visits.find((v) => v.id === skillVisit)).toMatchObject({ collectorId: null, status: 'planned' });
    const first = plan.routes[0].stops[0];
    const placed = await t.server.dbh.db.selectFrom('visit_plan').select(['sequence', 'eta', 'plan_id']).where('visit_id', '=', first.visitId).executeTakeFirstOrThrow();
    expect({ sequence: placed.sequence, eta: new Date(placed.eta!).toISOString(), planId: placed.plan_id }).toEqual({ sequence: 1, eta: first.eta, planId: plan.id });
  });

  it('serves the current version and pushes it to the dashboard', async () => {
    const r = await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...plan, changedCollectorIds: [] });
    const pushed = await until('live plan', () => livePlans.find((p) => p.version === 1));
    expect(pushed.routes).toEqual(plan.routes);
  });

  it("retains each collector's plan for its phone, also when the phone subscribes afterwards", async () => {
    const ana = await phone(collectors[0]);
    const got = await until('retained plan', () => ana.plans[0]);
    const route = routeOf(plan, collectors[0]);
    expect(got).toEqual({
      date: DATE,
      version: 1,
      collectorId: collectors[0],
      timeZone: 'America/Mexico_City',
      visits: route.stops.map((s) => ({
        visitId: s.visitId,
        sequence: s.sequence,
        accountName: s.accountName,
        address: s.address,
        lat: s.lat,
        lon: s.lon,
        eta: s.eta,
        window: s.window,
        serviceMinutes: 10,
        status: 'assigned',
      })),
      breaks: [],
    });
    await ana.client.endAsync();
  });
});

describe('POST /api/plans/{date}/reassign', () => {
  beforeAll(async () => {
    // Room on every route: a move onto a full one is refused (plan-reassign.int.test.ts), no other visit gives way.
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { maxVisitsPerCollector: 20 }, dispatcher)).status).toBe(204);
  });

  it('moves a visit: both collectors re-planned, the third byte-identical, both phones get the new plan', async () => {
    const [ana, beto, caro] = collectors;
    const before = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const anaPhone = await phone(ana);
    const betoPhone = await phone(beto);
    await until('retained plans', () => (anaPhone.plans.length && betoPhone.plans.length ? true : undefined));
    const moved = routeOf(before, ana).stops[2];

    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(200);
    const after = r.body as PlanOut;
    expect(after).toMatchObject({ version: before.version + 1, kind: 'reassign', changedCollectorIds: [ana, beto] });
    expect(routeOf(after, ana).stops.map((s) => s.visitId)).not.toContain(moved.visitId);
    expect(routeOf(after, beto).stops.map((s) => s.visitId)).toContain(moved.visitId);
    expect(routeOf(after, beto).stops.find((s) => s.visitId === moved.visitId)).toMatchObject({ pinned: true, visitVersion: moved.visitVersion + 1 });
    expectFeasible(routeOf(after, ana));
    expectFeasible(routeOf(after, beto));
    expect(after.unassigned).toEqual(before.unassigned);
    expect(await storedRoute(after.id, caro)).toBe(await storedRoute(before.id, caro));
    const seen = await until('live visit event', () => liveVisits.find((v) => v.id === moved.visitId && v.collectorId === beto));
    expect(seen).toMatchObject({ status: 'assigned', version: moved.visitVersion + 1 });

    const anaNew = await until('new plan on Ana phone', () => anaPhone.plans.find((p) => p.version === after.version));
    expect(anaNew.visits.map((v) => v.visitId)).toEqual(routeOf(after, ana).stops.map((s) => s.visitId));
    const betoNew = await until('new plan on Beto phone', () => betoPhone.plans.find((p) => p.version === after.version));
    expect(betoNew.visits.map((v) => v.visitId)).toEqual(routeOf(after, beto).stops.map((s) => s.visitId));
    // Caro's phone still holds the first version: her route did not change.
    const caroPhone = await phone(caro);
    expect((await until('Caro retained plan', () => caroPhone.plans[0])).version).toBe(1);
    await Promise.all([anaPhone.client.endAsync(), betoPhone.client.endAsync(), caroPhone.client.endAsync()]);
  });

  it('two dispatchers moving the same visit at once: one wins, the other gets 409', async () => {
    const [ana, beto, caro] = collectors;
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const target = routeOf(current, caro).stops[0];
    const send = (to: number) => t.api('POST', `/api/plans/${DATE}/reassign`, { moves: [{ visitId: target.visitId, toCollectorId: to, version: target.visitVersion }], options: SOLVE }, dispatcher);
    const results = await Promise.all([send(ana), send(beto)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.body.message).toBe(
      `visit ${target.visitId} was changed by Dora Dispatcher (dispatcher) at ${lost.body.message.match(/at (\S+) \(/)![1]} (it is now version ${target.visitVersion + 1}, your change was made on version ${target.visitVersion}); reload the plan and try again`,
    );
    const latest = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    expect(latest.version).toBe(current.version + 1);
    const holders = latest.routes.filter((r) => r.stops.some((s) => s.visitId === target.visitId)).map((r) => r.collectorId);
    expect(holders).toHaveLength(1);
    expect([ana, beto]).toContain(holders[0]);
  });

  it("keeps a dispatcher's order, and a cancelled visit leaves the plan", async () => {
    const beto = collectors[1];
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const stops = routeOf(current, beto).stops;
    const cancelled = stops[0];
    const rest = stops.slice(1);
    // Two neighbours without a window, swapped: an order the day can keep.
    const k = rest.findIndex((s, i) => i + 1 < rest.length && s.window === null && rest[i + 1].window === null);
    expect(k).toBeGreaterThanOrEqual(0);
    const order = rest.map((s) => s.visitId);
    [order[k], order[k + 1]] = [order[k + 1], order[k]];
    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { reorder: { collectorId: beto, visitIds: order }, cancel: [{ visitId: cancelled.visitId, version: cancelled.visitVersion }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(200);
    expect(r.body.changedCollectorIds).toEqual([beto]);
    expect(routeOf(r.body, beto).stops.map((s: { visitId: number }) => s.visitId)).toEqual(order);
    expectFeasible(routeOf(r.body, beto));
    expect(r.body.unassigned.map((u: { visitId: number }) => u.visitId)).not.toContain(cancelled.visitId);
    const v = await t.api('GET', `/api/visits/${cancelled.visitId}`, undefined, dispatcher);
    expect(v.body.status).toBe('cancelled');
  });

  it('refuses an order that misses a window, naming the visit, and changes nothing (kept as given, it emptied the rest of the day)', async () => {
    const beto = collectors[1];
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const stops = routeOf(current, beto).stops;
    const last = stops[stops.length - 1];
    const reversed = stops.slice(0, -1).map((s) => s.visitId).reverse();
    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { reorder: { collectorId: beto, visitIds: reversed }, cancel: [{ visitId: last.visitId, version: last.visitVersion }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: 'window' });
    expect(r.body.message).toMatch(/^that order cannot be kept: visit \d+, at place \d+, would not be reached within its window \d\d:\d\d–\d\d:\d\d$/);
    expect(((await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut).version).toBe(current.version);
    expect((await t.api('GET', `/api/visits/${last.visitId}`, undefined, dispatcher)).body.status).toBe('assigned');
  });

  it('refuses to move a visit to a collector who lacks its skill, saying so, and changes nothing', async () => {
    const [ana, beto] = collectors;
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const moved = routeOf(current, ana).stops[0];
    expect((await t.api('PUT', `/api/plans/settings/visits/${moved.visitId}`, { skills: ['moto'] }, dispatcher)).status).toBe(204);
    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: 'skill', message: `visit ${moved.visitId} cannot go to collector ${beto}: the collector lacks the skills it needs` });
    expect((await t.api('GET', `/api/visits/${moved.visitId}`, undefined, dispatcher)).body).toMatchObject({ collectorId: ana, version: moved.visitVersion });
    expect((await t.api('PUT', `/api/plans/settings/visits/${moved.visitId}`, { skills: [] }, dispatcher)).status).toBe(204);
  });

  it('refuses a reorder that names a visit twice, with the move sent alongside, and changes nothing', async () => {
    const [ana, beto] = collectors;
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const [first, second] = routeOf(current, beto).stops;
    const incoming = routeOf(current, ana).stops[1];
    const r = await t.api(
      'POST',
      `/api/plans/${DATE}/reassign`,
      {
        moves: [{ visitId: incoming.visitId, toCollectorId: beto, version: incoming.visitVersion }],
        reorder: { collectorId: beto, visitIds: [first.visitId, first.visitId, second.visitId] },
        options: SOLVE,
      },
      dispatcher,
    );
    expect(r.status).toBe(400);
    expect((await t.api('GET', `/api/visits/${incoming.visitId}`, undefined, dispatcher)).body).toMatchObject({ collectorId: ana, version: incoming.visitVersion });
    expect(((await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut).version).toBe(current.version);
    expect((await t.api('POST', `/api/plans/${DATE}/reassign`, { lock: Array(2000).fill(first.visitId) }, dispatcher)).status).toBe(400);
  });

  it('a locked visit keeps its collector and its place, with everything before it', async () => {
    const [ana, , caro] = collectors;
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const head = routeOf(current, ana).stops.slice(0, 3).map((s) => s.visitId);
    const incoming = routeOf(current, caro).stops[4];
    const r = await t.api(
      'POST',
      `/api/plans/${DATE}/reassign`,
      { lock: [head[2]], moves: [{ visitId: incoming.visitId, toCollectorId: ana, version: incoming.visitVersion }], options: SOLVE },
      dispatcher,
    );
    expect(r.status).toBe(200);
    const after = r.body as PlanOut;
    expect(after.changedCollectorIds).toEqual([ana, caro]);
    const anaStops = routeOf(after, ana).stops;
    expect(anaStops.slice(0, 3).map((s) => s.visitId)).toEqual(head);
    expect(anaStops[2].locked).toBe(true);
    expect(anaStops.map((s) => s.visitId)).toContain(incoming.visitId);
    expectFeasible(routeOf(after, ana));
    expectFeasible(routeOf(after, caro));
  });

  it('refuses a stale version with a clear message and changes nothing', async () => {
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const stop = routeOf(current, collectors[0]).stops[0];
    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { moves: [{ visitId: stop.visitId, toCollectorId: collectors[2], version: stop.visitVersion - 1 }] }, dispatcher);
    expect(r.status).toBe(409);
    expect(r.body.message).toContain(`(it is now version ${stop.visitVersion}, your change was made on version ${stop.visitVersion - 1}); reload the plan and try again`);
    const count = await sql<{ n: number }>`select count(*)::int as n from plans where team_id = ${team}`.execute(t.server.dbh.db);
    expect(count.rows[0].n).toBe(current.version);
  });

  it('a move whose re-plan fails (the road router is down) changes nothing', async () => {
    const [ana, beto] = collectors;
    const current = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    const stop = routeOf(current, ana).stops[1];
    // Nothing listens on port 9: every table request is refused.
    const plans = new PlanService({
      db: t.server.dbh.db,
      provider: new OsrmProvider({ url: 'http://127.0.0.1:9' }),
      solver: new SolverThread(),
      log: t.server.log,
      publishRetained: async () => undefined,
      notify: () => undefined,
    });
    const actor = { kind: 'system', label: 'test' } as const;
    await expect(plans.reassign(actor, team, DATE, { moves: [{ visitId: stop.visitId, toCollectorId: beto, version: stop.visitVersion }], options: SOLVE })).rejects.toThrow(/OSRM|fetch/i);
    expect((await t.api('GET', `/api/visits/${stop.visitId}`, undefined, dispatcher)).body).toMatchObject({ collectorId: ana, status: 'assigned', version: stop.visitVersion });
    const flags = await t.server.dbh.db.selectFrom('visit_plan').select(['pinned']).where('visit_id', '=', stop.visitId).executeTakeFirstOrThrow();
    expect(flags.pinned).toBe(false);
    expect(((await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut).version).toBe(current.version);
    // The same move through the service that can route goes through.
    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { moves: [{ visitId: stop.visitId, toCollectorId: beto, version: stop.visitVersion }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(200);
    expect(routeOf(r.body, beto).stops.map((s: { visitId: number }) => s.visitId)).toContain(stop.visitId);
  });

  it('refuses a reassignment on a day with no plan, which would store a plan of only the moved routes', async () => {
    const [ana, beto] = collectors;
    const day = '2030-03-13';
    const accounts = (await t.api('GET', '/api/accounts?search=P-1&limit=2')).body.accounts as { id: number }[];
    const created = [];
    for (const [i, a] of accounts.entries()) created.push((await t.api('POST', '/api/visits', { accountId: a.id, date: day, collectorId: [ana, beto][i] }, dispatcher)).body);
    const r = await t.api('POST', `/api/plans/${day}/reassign`, { moves: [{ visitId: created[0].id, toCollectorId: beto, version: created[0].version }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(409);
    expect(r.body.message).toBe(`team ${team} has no plan on ${day} yet; optimize the day first`);
    expect((await t.api('GET', `/api/visits/${created[0].id}`, undefined, dispatcher)).body).toMatchObject({ collectorId: ana, version: created[0].version });
    expect((await t.api('GET', `/api/plans/${day}`, undefined, dispatcher)).status).toBe(404);
  });
});

describe('a day under way', () => {
  it("starts a collector's route from the latest position of the day, at the current time", async () => {
    const norte = await createTeam(t, 'Norte');
    const eva = await createCollector(t, 'Eva', norte);
    const csv = ['external_id,name,address,lat,lon,balance_due,days_past_due,team', 'N-1,Nora,Calle 1,20.700000,-103.340000,500,10,Norte', 'N-2,Nico,Calle 2,20.705000,-103.345000,500,10,Norte'];
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv.join('\n') + '\n' });
    const accounts = (await t.api('GET', '/api/accounts?search=N-&limit=10')).body.accounts as { id: number }[];
    for (const a of accounts) expect((await t.api('POST', '/api/visits', { accountId: a.id, date: DATE, priority: 40 })).status).toBe(201);
    expect((await t.api('PUT', `/api/plans/settings/teams/${norte}`, { office: OFFICE })).status).toBe(204);
    const device = await t.createDevice('eva-phone', eva);
    // Eva reported at 10:00 local from 2 km north of the office; it is now 10:30 local.
    await t.server.dbh.db
      .insertInto('device_last')
      .values({ device_id: device.id, collector_id: eva, device_time: new Date(MIDNIGHT + 600 * 60_000), lat: 20.695, lon: -103.3475, protocol: 'mqtt' })
      .execute();
    const published: { topic: string; payload: PhonePlan }[] = [];
    const plans = new PlanService({
      db: t.server.dbh.db,
      provider: new HaversineProvider(),
      solver: new SolverThread(),
      log: t.server.log,
      publishRetained: async (topic, payload) => void published.push({ topic, payload: JSON.parse(payload) }),
      notify: () => undefined,
      now: () => MIDNIGHT + 630 * 60_000,
    });
    const plan = await plans.optimize({ kind: 'system', label: 'test' }, norte, { date: DATE, options: { iterations: 50, seed: 1 } });
    const route = routeOf(plan, eva);
    expect(route).toMatchObject({ startKind: 'position', start: { lat: 20.695, lon: -103.3475, at: '2030-03-12T16:30:00.000Z' }, end: { ...OFFICE } });
    expect(route.stops).toHaveLength(2);
    expect(localMin(route.stops[0].arrivalAt)).toBeGreaterThan(630);
    expect(published.map((p) => [p.topic, p.payload.visits.length])).toEqual([['ronda/eva-phone/plan', 2]]);
  });
});

describe("collectors' break and speed factor", () => {
  it('plans the team break inside its window where the collector is, and a faster collector drives faster', async () => {
    const sur = await createTeam(t, 'Sur');
    const [walker, biker] = [await createCollector(t, 'Walter', sur), await createCollector(t, 'Bibi', sur)];
    const csv = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
    for (let i = 0; i < 10; i++) csv.push(`S-${i},Sur ${i},Calle ${i},${(OFFICE.lat - 0.01 - (i % 5) * 0.004).toFixed(6)},${(OFFICE.lon + (i - 5) * 0.003).toFixed(6)},500,10,Sur`);
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv.join('\n') + '\n' });
    const accounts = (await t.api('GET', '/api/accounts?search=S-&limit=20')).body.accounts as { id: number }[];
    // Long visits, so that the break falls between two of them whatever the order.
    for (const a of accounts) expect((await t.api('POST', '/api/visits', { accountId: a.id, date: DATE, priority: 40, serviceMinutes: 50 })).status).toBe(201);
    const settings = (body: object) => t.api('PUT', `/api/plans/settings/teams/${sur}`, body);
    expect((await settings({ break: { start: '13:00', end: '12:00', minutes: 45 } })).status).toBe(400);
    // A shift that ends when or before it starts would plan nothing.
    expect((await settings({ shift: { start: '08:00', end: '08:00' } })).body.message).toBe('shift 08:00–08:00 must end after it starts, within the day');
    expect((await t.api('PUT', `/api/plans/settings/collectors/${walker}`, { shift: { start: '18:00', end: '08:00' } })).status).toBe(400);
    expect((await settings({ maxVisitsPerCollector: 5, break: { start: '12:00', end: '13:30', minutes: 45 } })).status).toBe(204);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${biker}`, { speedFactor: 2 })).status).toBe(204);

    const r = await t.api('POST', '/api/plans/optimize', { date: DATE, teamId: sur, options: { iterations: 100, seed: 1 } });
    expect(r.status).toBe(200);
    const plan = r.body as PlanOut;
    expect(plan.unassigned).toEqual([]);
    for (const route of plan.routes) {
      expect(route.stops).toHaveLength(5);
      expect(route.breaks).toHaveLength(1);
      const pause = route.breaks![0];
      expect(localMin(pause.startAt)).toBeGreaterThanOrEqual(12 * 60);
      expect(localMin(pause.startAt)).toBeLessThanOrEqual(13 * 60 + 30);
      expect(localMin(pause.endAt) - localMin(pause.startAt)).toBe(45);
      // Taken after a visit and before driving to the next one.
      const before = route.stops[pause.afterSequence - 1];
      const after = route.stops[pause.afterSequence];
      if (before) expect(Date.parse(before.departureAt)).toBeLessThanOrEqual(Date.parse(pause.startAt));
      if (after) expect(Date.parse(after.arrivalAt)).toBe(Date.parse(pause.endAt) + after.travelS * 1000);
    }
    // Same straight-line speed for both, doubled for the biker (whole seconds, so within rounding).
    const speed = (id: number) => {
      const route = routeOf(plan, id);
      return route.stops.reduce((m, s) => m + s.distanceM, 0) / route.stops.reduce((sec, s) => sec + s.travelS, 0);
    };
    expect(speed(biker) / speed(walker)).toBeCloseTo(2, 1);
    await settings({ break: null });
    const again = (await t.api('POST', '/api/plans/optimize', { date: DATE, teamId: sur, options: { iterations: 20, seed: 1 } })).body as PlanOut;
    expect(again.routes.every((route) => route.breaks === undefined)).toBe(true);
  });
});

describe('team scope', () => {
  it('refuses to plan a day with nothing left to visit instead of storing an empty plan', async () => {
    const r = await t.api('POST', '/api/plans/optimize', { date: '2030-03-20', teamId: team });
    expect(r.status).toBe(422);
    expect(r.body.message).toBe(`team ${team} has no open visits on 2030-03-20 to plan`);
    expect((await t.api('GET', `/api/plans/2030-03-20?teamId=${team}`)).status).toBe(404);
  });

  it('a dispatcher of another team can neither plan nor read this team', async () => {
    const other = await createTeam(t, 'Poniente');
    const stranger = await loginAs(t, 'dispatcher', other, 'Otro Dispatcher');
    expect((await t.api('POST', '/api/plans/optimize', { date: DATE, teamId: team }, stranger)).status).toBe(403);
    expect((await t.api('GET', `/api/plans/${DATE}?teamId=${team}`, undefined, stranger)).status).toBe(403);
    expect((await t.api('GET', `/api/plans/${DATE}`, undefined, stranger)).status).toBe(404);
    // The day's plans in one answer: the stranger's scope has none (an empty list, not a 404), naming this team is refused.
    expect((await t.api('GET', `/api/plans?date=${DATE}`, undefined, stranger)).body).toEqual({ plans: [] });
    expect((await t.api('GET', `/api/plans?date=${DATE}&teamId=${team}`, undefined, stranger)).status).toBe(403);
  });

  it("lists the day's current plans: every team for an admin, one team when named, none on a day without", async () => {
    const current = (await t.api('GET', `/api/plans/${DATE}?teamId=${team}`)).body;
    const all = await t.api('GET', `/api/plans?date=${DATE}`);
    expect(all.status).toBe(200);
    // This file's other tests planned the same day for teams of their own: one current plan each.
    const teams = all.body.plans.map((p: { teamId: number }) => p.teamId);
    expect(teams.length).toBeGreaterThan(1);
    expect(new Set(teams).size).toBe(teams.length);
    expect(all.body.plans.every((p: { date: string }) => p.date === DATE)).toBe(true);
    expect(all.body.plans.find((p: { teamId: number }) => p.teamId === team)).toEqual(current);
    expect((await t.api('GET', `/api/plans?date=${DATE}&teamId=${team}`)).body.plans).toHaveLength(1);
    expect((await t.api('GET', `/api/plans?date=${DATE}`, undefined, dispatcher)).body.plans.map((p: { teamId: number }) => p.teamId)).toEqual([team]);
    expect((await t.api('GET', '/api/plans?date=2030-03-21')).body).toEqual({ plans: [] });
    expect((await t.api('GET', '/api/plans?date=tomorrow')).status).toBe(400);
  });
});
