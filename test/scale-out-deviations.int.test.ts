import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviationRules, EventOut } from '../server/contract/event.ts';
import type { PlanOut, PlanRoute } from '../server/contract/plan.ts';
import { daytimeZone } from '../server/demo/demo-day.ts';
import { localDate } from '../server/plans/local-time.ts';
import { decodePolyline } from '../server/routing/geometry/index.ts';
import type { ServerProcess, Storage } from './support/server-process.ts';
import { DEVIATION_TEST_ENV, startTwoInstances } from './support/two-instances.ts';
import { until } from './support/until.ts';
import { excursionTrack, STEP_MS } from '../server/deviations/testing/excursion-track.ts';
import { dwellTrack } from '../server/deviations/testing/dwell-track.ts';
import type { VisitOut } from '../server/contract/visit.ts';

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
/** The newest device time each collector's phone sent: a later test's track starts after it. */
const newestFix = new Map<number, number>();

beforeAll(async () => {
  ({ storage, a, b } = await startTwoInstances(DEVIATION_TEST_ENV));

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
  return {
    publish: (fixes) => {
      for (const f of [fixes].flat() as { ts: number }[]) newestFix.set(collectorId, Math.max(newestFix.get(collectorId) ?? 0, f.ts));
      return c.publishAsync(`ronda/${uniqueId}/position`, JSON.stringify(fixes), { qos: 1 });
    },
  };
}

async function eventsOf(collectorId: number, type: string): Promise<EventOut[]> {
  return ((await a.api('GET', `/api/events?collectorId=${collectorId}&type=${type}`)) as { events: EventOut[] }).events;
}

const rulesOn = async (server: ServerProcess): Promise<DeviationRules> => (await server.api('GET', `/api/teams/${teamId}/deviation-rules`)) as DeviationRules;

/** Ten minutes after the collector's every fix so far and the start of its route: new ground for its clock, in its shift. */
const nextTrackStart = (collectorId: number) => Math.max(Date.now(), newestFix.get(collectorId) ?? 0, Date.parse(routes.get(collectorId)!.start.at)) + 10 * 60_000;

/** The visits (by id) that have an event of `type` for the collector. */
async function visitsWith(collectorId: number, type: string): Promise<(number | null)[]> {
  return (await eventsOf(collectorId, type)).map((e) => e.visitId).sort((x, y) => (x ?? 0) - (y ?? 0));
}

/** A's change reaches B's engine through Redis and B's read of the database: a second is plenty. */
const heardOnB = () => new Promise((r) => setTimeout(r, 1000));


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

  it('B hears of a check-in made through A: no arrived_no_checkin on B for the visit checked in, one for the visit not', async () => {
    const ana = collectors[0];
    const [first, second] = routes.get(ana)!.stops;
    const track = dwellTrack([first, second], nextTrackStart(ana));
    const checkin = { id: crypto.randomUUID(), visitId: first.visitId, ts: new Date().toISOString(), lat: first.lat, lon: first.lon, outcome: 'paid' };
    expect((await a.api('POST', '/api/checkins', checkin)).checkin).toMatchObject({ visitId: first.visitId, collectorId: ana });
    await heardOnB();

    // Six minutes at each address, reported to B only.
    await (await phoneOn(b, ana)).publish(track);
    await until('arrived_no_checkin at the visit not checked in', async () => (await visitsWith(ana, 'arrived_no_checkin')).includes(second.visitId), 10_000);
    expect(await visitsWith(ana, 'arrived_no_checkin')).toEqual([second.visitId]);
  });

  it('B follows visits cancelled and moved through A: no visit_out_of_order past a cancelled visit, no arrived_no_checkin at a visit moved away', async () => {
    const [, beto, caro] = collectors;
    const moved = routes.get(beto)!.stops;
    const cancelled = routes.get(caro)!.stops;
    // Slack 0: reaching a visit before an earlier one still due is out of order.
    await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { visitOrder: { slack: 0 } });
    await until('slack 0 on B', async () => (await rulesOn(b)).visitOrder.slack === 0, 2000, 50);
    const version = async (id: number) => ((await a.api('GET', `/api/visits/${id}`)) as VisitOut).version;
    expect(await a.api('POST', `/api/visits/${moved[0].visitId}/reassign`, { collectorId: caro, version: await version(moved[0].visitId) })).toMatchObject({ collectorId: caro });
    expect(await a.api('POST', `/api/visits/${cancelled[0].visitId}/cancel`, { version: await version(cancelled[0].visitId) })).toMatchObject({ status: 'cancelled' });
    await heardOnB();

    // Beto calls at the visit taken from him, then at his other one; Caro skips her cancelled first visit.
    await (await phoneOn(b, beto)).publish(dwellTrack([moved[0], moved[1]], nextTrackStart(beto)));
    await (await phoneOn(b, caro)).publish(dwellTrack([cancelled[1]], nextTrackStart(caro)));
    await until("Beto's and Caro's arrived_no_checkin at the visits they kept", async () => {
      const [betos, caros] = [await visitsWith(beto, 'arrived_no_checkin'), await visitsWith(caro, 'arrived_no_checkin')];
      return betos.includes(moved[1].visitId) && caros.includes(cancelled[1].visitId);
    }, 10_000);
    expect(await visitsWith(beto, 'arrived_no_checkin')).toEqual([moved[1].visitId]);
    expect(await visitsWith(caro, 'visit_out_of_order')).toEqual([]);
  });

  it('store one offline event for a quiet phone that both instances watch, which its return to either closes', async () => {
    await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { offline: { minutes: 0.05 } });
    await until('the offline rule on B', async () => (await rulesOn(b)).offline.minutes === 0.05, 2000, 50);
    const openOffline = async (id: number) => ((await a.api('GET', `/api/events?collectorId=${id}&type=offline&open=true`)) as { events: EventOut[] }).events;
    await until('every quiet phone offline', async () => (await Promise.all(collectors.map(openOffline))).every((e) => e.length > 0), 10_000);
    // Both instances tick five times a second: ten more ticks each.
    await new Promise((r) => setTimeout(r, 2000));
    for (const id of collectors) expect(await openOffline(id)).toHaveLength(1);

    // Beto's phone back, on A: the one event closes.
    const beto = collectors[1];
    const [event] = await openOffline(beto);
    const { lat, lon } = routes.get(beto)!.stops[1];
    await (await phoneOn(a, beto)).publish({ ts: newestFix.get(beto)! + STEP_MS, lat, lon });
    await until("Beto's offline event closed", async () => (await openOffline(beto)).length === 0, 3000, 50);
    expect((await eventsOf(beto, 'offline')).filter((e) => e.id >= event.id)).toEqual([expect.objectContaining({ id: event.id, closedAt: expect.any(String) })]);
    await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { offline: { minutes: 60 } });
  });
});
