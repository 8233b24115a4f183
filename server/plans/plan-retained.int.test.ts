import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { daytimeZone } from '../demo/demo-day.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';
import type { PhonePlan, PlanOut, PlanRoute } from '../contract/plan.ts';
import { createCollector, createTeam } from '../operations/testing/fixtures.ts';
import { HaversineProvider } from '../routing/matrix/index.ts';
import { localDate, localMidnightMs } from './local-time.ts';
import { PlanService } from './plan.service.ts';
import { SolverThread } from './solver-thread.ts';

let db: TestDatabase;
let t: TestServer | undefined;
/** Mid-morning there, whenever the suite runs: in Mexico City after 17:30 only one of two visits fit before the shift's end. */
const ZONE = daytimeZone();

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

/** The plans a phone receives on its plan topic within a moment of subscribing (none when nothing is retained). */
async function plansReceived(server: TestServer, uniqueId: string, token: string): Promise<PhonePlan[]> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0, clean: true });
  const plans: PhonePlan[] = [];
  client.on('message', (_topic, payload) => plans.push(JSON.parse(payload.toString())));
  await client.subscribeAsync(`ronda/${uniqueId}/plan`, { qos: 1 });
  await until('a plan', () => plans.length > 0, 3000).catch(() => undefined);
  await client.endAsync();
  return plans;
}

/** Another instance's plan service on the same database, whose retained publishes are kept in `sent`. */
function capturingPlanService(server: TestServer, now?: () => number): { plans: PlanService; sent: { topic: string; plan: PhonePlan | null }[] } {
  const sent: { topic: string; plan: PhonePlan | null }[] = [];
  const plans = new PlanService({
    db: server.server.dbh.db,
    provider: new HaversineProvider(),
    solver: new SolverThread(),
    log: server.server.log,
    publishRetained: async (topic, payload) => void sent.push({ topic, plan: payload ? JSON.parse(payload) : null }),
    notify: () => undefined,
    now,
  });
  return { plans, sent };
}

describe("a phone's retained plan of the day", () => {
  it('reaches a phone registered after the plan was made, and every phone after a restart', async () => {
    db = await createTestDatabase();
    t = await startTestServer({ TIME_ZONE: ZONE }, db);
    const team = await createTeam(t, 'Centro');
    const ana = await createCollector(t, 'Ana', team);
    const csv = 'external_id,name,address,lat,lon,balance_due,days_past_due,team\nRT-1,Rosa Díaz,Av. Juárez 100,20.6767,-103.3475,900,30,Centro\n';
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    const accountId = (await t.api('GET', '/api/accounts?search=RT-1')).body.accounts[0].id;
    const today = localDate(Date.now(), ZONE);
    expect((await t.api('POST', '/api/visits', { accountId, date: today })).status).toBe(201);
    const plan = await t.api('POST', '/api/plans/optimize', { date: today, teamId: team, options: { iterations: 10, seed: 1 } });
    expect(plan.status).toBe(200);
    const visitIds = plan.body.routes.find((r: { collectorId: number }) => r.collectorId === ana).stops.map((s: { visitId: number }) => s.visitId);
    expect(visitIds).toHaveLength(1);

    const phone = await t.createDevice('ana-new-phone', ana);
    const first = await plansReceived(t, 'ana-new-phone', phone.token);
    expect(first.map((p) => [p.version, p.date, p.visits.map((v) => v.visitId)])).toEqual([[1, today, visitIds]]);

    await t.close();
    t = await startTestServer({ TIME_ZONE: ZONE }, db);
    const again = await until('the plan after a restart', async () => {
      const received = await plansReceived(t!, 'ana-new-phone', phone.token);
      return received.length ? received : undefined;
    });
    expect(again.map((p) => [p.version, p.date, p.visits.map((v) => v.visitId)])).toEqual([[1, today, visitIds]]);
  });

  it("carries each visit's current status: a visit paid since the plan reads done in the API, on the phone at once and after a restart", async () => {
    db ??= await createTestDatabase();
    t ??= await startTestServer({ TIME_ZONE: ZONE }, db);
    const team = await createTeam(t, 'Oriente');
    const luis = await createCollector(t, 'Luis', team);
    const csv = 'external_id,name,address,lat,lon,balance_due,days_past_due,team\nST-1,Sara Ruiz,Calle 1,20.6800,-103.3400,900,30,Oriente\nST-2,Saul Vega,Calle 2,20.6900,-103.3500,700,20,Oriente\n';
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    const today = localDate(Date.now(), ZONE);
    for (const a of (await t.api('GET', '/api/accounts?search=ST-')).body.accounts) expect((await t.api('POST', '/api/visits', { accountId: a.id, date: today })).status).toBe(201);
    const phone = await t.createDevice('luis-phone', luis);
    expect((await t.api('POST', '/api/plans/optimize', { date: today, teamId: team, options: { iterations: 10, seed: 1 } })).status).toBe(200);

    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'luis-phone', password: phone.token, reconnectPeriod: 0, clean: true });
    const received: PhonePlan[] = [];
    client.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString())));
    await client.subscribeAsync('ronda/luis-phone/plan', { qos: 1 });
    const first = await until('the retained plan', () => received[0]);
    expect(first.visits.map((v) => v.status)).toEqual(['assigned', 'assigned']);
    const paid = first.visits[0];
    await client.publishAsync(
      'ronda/luis-phone/checkin',
      JSON.stringify({ id: randomUUID(), visitId: paid.visitId, ts: new Date().toISOString(), lat: paid.lat, lon: paid.lon, outcome: 'paid' }),
      { qos: 1 },
    );
    await client.publishAsync('ronda/luis-phone/payment', JSON.stringify({ id: randomUUID(), visitId: paid.visitId, ts: new Date().toISOString(), amount: 250, currency: 'MXN', method: 'cash' }), { qos: 1 });
    const done = await until('the plan again with the visit done', () => received.find((p) => p.visits[0].status === 'completed'));
    expect(done.visits.map((v) => [v.visitId, v.status])).toEqual([[paid.visitId, 'completed'], [first.visits[1].visitId, 'assigned']]);
    expect(done.version).toBe(first.version);
    // One publish for the one status change: the payment changed no status.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(2);
    await client.endAsync();

    const visit = (await t.api('GET', `/api/visits/${paid.visitId}`)).body;
    expect(visit).toMatchObject({ status: 'completed' });
    const plan = (await t.api('GET', `/api/plans/${today}?teamId=${team}`)).body as PlanOut;
    expect(plan.routes[0].stops.find((s) => s.visitId === paid.visitId)).toMatchObject({ status: 'completed', visitVersion: visit.version });

    await t.close();
    t = await startTestServer({ TIME_ZONE: ZONE }, db);
    const again = await until('the plan after a restart', async () => {
      const got = await plansReceived(t!, 'luis-phone', phone.token);
      return got.length ? got : undefined;
    });
    expect(again.map((p) => p.visits.map((v) => v.status))).toEqual([['completed', 'assigned']]);

    // Another instance, which published nothing itself, hears of the change too: it publishes the plan
    // that routes the visit, and nothing for a visit no plan routes.
    const { plans: other, sent } = capturingPlanService(t);
    await other.visitChanged(visit);
    expect(sent.map((x) => [x.topic, x.plan?.visits.map((v) => v.status)])).toEqual([['ronda/luis-phone/plan', ['completed', 'assigned']]]);
    const accountId = (await t.api('GET', '/api/accounts?search=ST-1')).body.accounts[0].id;
    const extra = (await t.api('POST', '/api/visits', { accountId, date: today, collectorId: luis })).body;
    await other.visitChanged({ ...extra, status: 'cancelled' });
    expect(sent).toHaveLength(1);
  });
});

describe("a plan of another day", () => {
  it("waits for its day: tomorrow's plan leaves today's on the phone, and goes to it at the team's midnight", async () => {
    db ??= await createTestDatabase();
    t ??= await startTestServer({ TIME_ZONE: ZONE }, db);
    const team = await createTeam(t, 'Norte');
    const eva = await createCollector(t, 'Eva', team);
    const csv = 'external_id,name,address,lat,lon,balance_due,days_past_due,team\nNT-1,Nora Tapia,Calle 3,20.6700,-103.3500,900,30,Norte\nNT-2,Noe Toral,Calle 4,20.6750,-103.3550,800,30,Norte\n';
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    const [nora, noe] = (await t.api('GET', '/api/accounts?search=NT-')).body.accounts.map((a: { id: number }) => a.id);
    const today = localDate(Date.now(), ZONE);
    const tomorrow = localDate(localMidnightMs(today, ZONE) + 36 * 3_600_000, ZONE);
    expect((await t.api('POST', '/api/visits', { accountId: nora, date: today })).status).toBe(201);
    const tomorrowsVisit = (await t.api('POST', '/api/visits', { accountId: noe, date: tomorrow })).body.id;
    const phone = await t.createDevice('eva-phone', eva);
    for (const date of [today, tomorrow]) expect((await t.api('POST', '/api/plans/optimize', { date, teamId: team, options: { iterations: 10, seed: 1 } })).status).toBe(200);

    // Planned this afternoon for tomorrow: the phone still holds today's, which Eva is working through.
    expect((await plansReceived(t, 'eva-phone', phone.token)).map((p) => p.date)).toEqual([today]);

    // At the team's midnight the new day's plan goes to its phones.
    let now = Date.now();
    const { plans, sent } = capturingPlanService(t, () => now);
    await plans.publishNewDays();
    expect(sent).toEqual([]);
    now = localMidnightMs(tomorrow, ZONE) + 60_000;
    await plans.publishNewDays();
    // (The other teams of this file, with no plan tomorrow, have their phones' plans cleared: see below.)
    const evas = () => sent.filter((x) => x.topic === 'ronda/eva-phone/plan').map((x) => [x.plan?.date, x.plan?.visits.map((v) => v.visitId)]);
    expect(evas()).toEqual([[tomorrow, [tomorrowsVisit]]]);
    const published = sent.length;
    await plans.publishNewDays();
    expect(sent).toHaveLength(published);
  });
});

describe('a new day with no plan for a collector', () => {
  it("clears the day gone's plan from the phones: no plan yet, or a plan that leaves the collector out", async () => {
    db ??= await createTestDatabase();
    let now = Date.now();
    const server = await startTestServer({ TIME_ZONE: ZONE }, db, { planClock: () => now });
    try {
      const team = await createTeam(server, 'Poniente');
      const [ada, beto] = [await createCollector(server, 'Ada', team), await createCollector(server, 'Beto', team)];
      const csv = 'external_id,name,address,lat,lon,balance_due,days_past_due,team\nPT-1,Pia Tello,Calle 5,20.6700,-103.3600,900,30,Poniente\nPT-2,Pablo Toro,Calle 6,20.6800,-103.3700,800,30,Poniente\n';
      await fetch(`${server.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${server.token}` }, body: csv });
      const [pia, pablo] = (await server.api('GET', '/api/accounts?search=PT-')).body.accounts.map((a: { id: number }) => a.id);
      const phones = { ada: await server.createDevice('ada-phone', ada), beto: await server.createDevice('beto-phone', beto) };
      const held = async () => ({ ada: await plansReceived(server, 'ada-phone', phones.ada.token), beto: await plansReceived(server, 'beto-phone', phones.beto.token) });
      const dayAfter = (date: string) => localDate(localMidnightMs(date, ZONE) + 36 * 3_600_000, ZONE);
      const day1 = localDate(now, ZONE);
      const [day2, day3] = [dayAfter(day1), dayAfter(dayAfter(day1))];

      // Day 1: each collector is sent to one debtor.
      for (const [accountId, collectorId] of [[pia, ada], [pablo, beto]]) {
        expect((await server.api('POST', '/api/visits', { accountId, date: day1, collectorId })).status).toBe(201);
      }
      const plan1 = await server.api('POST', '/api/plans/optimize', { date: day1, teamId: team, options: { iterations: 10, seed: 1 } });
      expect(plan1.status).toBe(200);
      const onDay1 = await held();
      expect([...onDay1.ada, ...onDay1.beto].map((p) => [p.date, p.visits.length])).toEqual([[day1, 1], [day1, 1]]);

      // Day 2 has no plan yet: at the team's midnight both phones let go of day 1's round.
      await server.server.plans.publishNewDays();
      now = localMidnightMs(day2, ZONE) + 60_000;
      await server.server.plans.publishNewDays();
      expect(await held()).toEqual({ ada: [], beto: [] });

      // Day 3, planned ahead with Ada alone on duty: Beto's phone keeps no round either.
      const visit3 = (await server.api('POST', '/api/visits', { accountId: pia, date: day3, collectorId: ada })).body.id;
      const plan3 = await server.api('POST', '/api/plans/optimize', { date: day3, teamId: team, collectorIds: [ada], options: { iterations: 10, seed: 1 } });
      expect(plan3.body.routes.map((r: PlanRoute) => r.collectorId)).toEqual([ada]);
      now = localMidnightMs(day3, ZONE) + 60_000;
      await server.server.plans.publishNewDays();
      const onDay3 = await held();
      expect(onDay3.ada.map((p) => [p.date, p.visits.map((v) => v.visitId)])).toEqual([[day3, [visit3]]]);
      expect(onDay3.beto.filter((p) => p.date !== day3 || p.visits.length > 0)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
