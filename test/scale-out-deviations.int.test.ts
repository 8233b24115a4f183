import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviationRules, EventOut } from '../server/contract/event.ts';
import type { PlanOut, PlanRoute } from '../server/contract/plan.ts';
import { daytimeZone } from '../server/demo/demo-day.ts';
import { localDate } from '../server/plans/local-time.ts';
import { decodePolyline } from '../server/routing/geometry/index.ts';
import { testRedisUrl } from './support/scale-services.ts';
import { createStorage, startServerProcess, type ServerProcess, type Storage } from './support/server-process.ts';
import { until } from './support/until.ts';
import { excursionTrack, STEP_MS } from '../server/deviations/testing/excursion-track.ts';

/**
 * SPEC §8 with REDIS_URL: the deviation engine of every instance watches the plans and rules made
 * through any of them, and no instance reports offline a phone that reports through another.
 * Today's plans in a zone where it is about noon, as in server/deviations/deviation.int.test.ts.
 */
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((OFFICE.lat * Math.PI) / 180);
const NAMES = ['Ana', 'Beto', 'Caro'];

let storage: Storage;
let a: ServerProcess;
let b: ServerProcess;
let teamId: number;
let today: string;
const collectors: number[] = [];
const phones = new Map<number, { uniqueId: string; token: string }>();
const routes = new Map<number, PlanRoute>();
const clients: mqtt.MqttClient[] = [];
/** Ana's last fix, for her return in the offline test. */
let anaLast: { ts: number; lat: number; lon: number };

beforeAll(async () => {
  const redisUrl = await testRedisUrl();
  storage = await createStorage('postgres').catch((err: Error) => {
    throw new Error(`two instances need one PostgreSQL (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test): ${err.message}`);
  });
  const env = { REDIS_URL: redisUrl, DEVIATION_TICK_S: '0.2', FILTER_FUTURE_S: '3600' };
  // One after the other: the first one migrates the shared database.
  a = await startServerProcess('postgres', env, storage);
  b = await startServerProcess('postgres', env, storage);

  const zone = daytimeZone(12);
  today = localDate(Date.now(), zone);
  const run = `${process.pid}-${Date.now() % 100000}`;
  const name = `Desvíos ${run}`;
  teamId = ((await a.api('POST', '/api/teams', { name, timeZone: zone })) as { id: number }).id;
  for (const n of NAMES) {
    const id = ((await a.api('POST', '/api/collectors', { name: n, teamId })) as { id: number }).id;
    collectors.push(id);
    const uniqueId = `dev-${n.toLowerCase()}-${run}`;
    phones.set(id, { uniqueId, token: ((await a.api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId: id })) as { token: string }).token });
  }
  // Debtors 2.5–3 km east of the office: every route leaves it eastwards on a long first leg.
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 6; i++) {
    const east = 2500 + (i % 3) * 250;
    const north = (i - 3) * 120;
    lines.push(`D-${run}-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + north / M_LAT).toFixed(6)},${(OFFICE.lon + east / M_LON).toFixed(6)},${1000 + i},30,${name}`);
  }
  const imported = await fetch(`${a.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${a.token}` }, body: lines.join('\n') + '\n' });
  expect(imported.status).toBe(200);
  const accounts = ((await a.api('GET', `/api/accounts?teamId=${teamId}&limit=100`)) as { accounts: { id: number }[] }).accounts;
  for (const acc of accounts) await a.api('POST', '/api/visits', { accountId: acc.id, date: today, priority: 50, serviceMinutes: 10 });
  const settings = await fetch(`${a.baseUrl}/api/plans/settings/teams/${teamId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
    body: JSON.stringify({ office: OFFICE, maxVisitsPerCollector: 2 }),
  });
  expect(settings.status).toBe(204);
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await a?.stop();
  await b?.stop();
  await storage?.drop();
});

async function phoneOn(server: ServerProcess, collectorId: number): Promise<{ publish(fixes: unknown): Promise<unknown> }> {
  const { uniqueId, token } = phones.get(collectorId)!;
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { username: uniqueId, password: token, reconnectPeriod: 0, clean: true });
  clients.push(c);
  return { publish: (fixes) => c.publishAsync(`ronda/${uniqueId}/position`, JSON.stringify(fixes), { qos: 1 }) };
}

async function eventsOf(collectorId: number, type: string): Promise<EventOut[]> {
  return ((await a.api('GET', `/api/events?collectorId=${collectorId}&type=${type}`)) as { events: EventOut[] }).events;
}

const rulesOn = async (server: ServerProcess): Promise<DeviationRules> => (await server.api('GET', `/api/teams/${teamId}/deviation-rules`)) as DeviationRules;


describe("two instances' deviation engines", () => {
  it('watch a plan optimized through A on B within 2 s: B opens the off-route event of a phone reporting to B', async () => {
    const activePlansOn = async (s: ServerProcess) => ((await (await fetch(`${s.baseUrl}/api/health`)).json()) as { ingest: { deviations: { activePlans: number } } }).ingest.deviations.activePlans;
    expect(await activePlansOn(b)).toBe(0);
    const plan = (await a.api('POST', '/api/plans/optimize', { date: today, teamId, options: { iterations: 100, seed: 1 } })) as PlanOut;
    const optimizedAt = Date.now();
    for (const r of plan.routes) routes.set(r.collectorId, r);
    expect([...routes.keys()].sort()).toEqual([...collectors].sort());
    await until("the plan in B's engine", async () => (await activePlansOn(b)) === 3, 2000, 50);
    expect(Date.now() - optimizedAt).toBeLessThan(2000);

    // Five minutes 400 m off the route, uploaded at once to B.
    const ana = collectors[0];
    const fixes = excursionTrack(routes.get(ana)!, 20, (i) => i >= 4 && i < 14, 400);
    await (await phoneOn(b, ana)).publish(fixes);
    anaLast = fixes[fixes.length - 1];
    const [event] = await until('the off-route event', async () => ((await eventsOf(ana, 'off_route')).find((e) => e.closedAt !== null) ? await eventsOf(ana, 'off_route') : false));
    expect(await eventsOf(ana, 'off_route')).toHaveLength(1);
    expect(event).toMatchObject({ teamId, openedAt: new Date(fixes[4].ts).toISOString(), closedAt: new Date(fixes[14].ts).toISOString() });
  });

  it("apply a rules change made through A on B within 2 s: B's off-route corridor narrows", async () => {
    expect(await rulesOn(b)).toMatchObject({ offRoute: { corridorM: 100, hysteresisM: 20 } });
    await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { offRoute: { corridorM: 40 } });
    const changedAt = Date.now();
    await until('the new corridor on B', async () => (await rulesOn(b)).offRoute.corridorM === 40, 2000, 50);
    expect(Date.now() - changedAt).toBeLessThan(2000);

    // 70 m aside is inside the default 100 m corridor, outside the new 40 m one.
    const beto = collectors[1];
    const fixes = excursionTrack(routes.get(beto)!, 20, (i) => i >= 4 && i < 14, 70);
    await (await phoneOn(b, beto)).publish(fixes);
    const event = await until("B's off-route event", async () => (await eventsOf(beto, 'off_route'))[0], 10_000);
    expect(event).toMatchObject({ openedAt: new Date(fixes[4].ts).toISOString(), details: expect.objectContaining({ corridorM: 40 }) });
  });

  it('A opens no offline event for a phone that reports only to B, and closes its own when a quiet phone reports to B', async () => {
    const caro = collectors[2];
    const ana = collectors[0];
    const caroPhone = await phoneOn(b, caro);
    const route = routes.get(caro)!;
    const [lon, lat] = decodePolyline(route.polyline)[0];
    let reporting = true;
    const reports = (async () => {
      while (reporting) {
        await caroPhone.publish({ ts: Date.now(), lat, lon });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    try {
      // Offline after 3 s of silence instead of 10 minutes.
      await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { offline: { minutes: 0.05 } });
      await until('the offline rule on B', async () => (await rulesOn(b)).offline.minutes === 0.05, 2000, 50);
      // Ana has been quiet since the first test: the rule is on, on both instances.
      await until("Ana's offline event", async () => (await eventsOf(ana, 'offline')).length > 0, 10_000);
      await new Promise((r) => setTimeout(r, 6000));
      expect(await eventsOf(caro, 'offline')).toEqual([]);
    } finally {
      reporting = false;
      await reports;
    }

    // Ana's phone back, on B only: every instance's offline event for her closes.
    await (await phoneOn(b, ana)).publish({ ...anaLast, ts: anaLast.ts + STEP_MS });
    const events = await until("Ana's offline events closed", async () => {
      const all = await eventsOf(ana, 'offline');
      return all.every((e) => e.closedAt !== null) && all;
    }, 3000, 50);
    expect(events.length).toBeGreaterThan(0);
    await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { offline: { minutes: 60 } });
  });
});
