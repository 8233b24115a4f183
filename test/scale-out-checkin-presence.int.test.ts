import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOut } from '../server/contract/event.ts';
import type { PlanOut, PlanRoute } from '../server/contract/plan.ts';
import { daytimeZone } from '../server/demo/demo-day.ts';
import { localDate } from '../server/plans/local-time.ts';
import { Gt06Device } from '../simulators/trackers/gt06-device.ts';
import type { ServerProcess, Storage } from './support/server-process.ts';
import { DEVIATION_TEST_ENV, gt06TrackerOn, startTwoInstances, trackerStandsAt } from './support/two-instances.ts';
import { until } from './support/until.ts';

/**
 * SPEC §8: a collector's tracker (GT06 over TCP) is served by instance B while the phone's MQTT
 * check-ins land on instance A. A holds none of the tracker's positions in memory; it judges a
 * check-in's presence and order on the positions stored by any instance.
 */
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((OFFICE.lat * Math.PI) / 180);
const MIN = 60_000;

let storage: Storage;
let a: ServerProcess;
let b: ServerProcess;
let teamId: number;
let collectorId: number;
/** Start of the tracker's day: 20 minutes ago, so every check-in's window is over when it lands. */
let t0: number;
let route: PlanRoute;
let phone: { uniqueId: string; token: string };
let tracker: Gt06Device;
let imei: string;
let phoneClient: mqtt.MqttClient;

beforeAll(async () => {
  ({ storage, a, b } = await startTwoInstances(DEVIATION_TEST_ENV));

  const zone = daytimeZone(12);
  const today = localDate(Date.now(), zone);
  const run = `${process.pid}-${Date.now() % 100000}`;
  const name = `Presencia ${run}`;
  teamId = ((await a.api('POST', '/api/teams', { name, timeZone: zone })) as { id: number }).id;
  collectorId = ((await a.api('POST', '/api/collectors', { name: 'Ana', teamId })) as { id: number }).id;
  const uniqueId = `presence-${run}`;
  phone = { uniqueId, token: ((await a.api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId })) as { token: string }).token };
  imei = `35${String(process.pid).padStart(7, '0').slice(-7)}${String(Date.now() % 1_000_000).padStart(6, '0')}`;
  expect(await a.api('POST', '/api/devices', { uniqueId: imei, name: 'GT06', collectorId, protocol: 'gt06' })).toMatchObject({ uniqueId: imei });

  // Four debtors 2.5 km east of the office, 600 m apart: a fix at one is far from the others.
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 4; i++) lines.push(`P-${run}-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + (i * 600) / M_LAT).toFixed(6)},${(OFFICE.lon + 2500 / M_LON).toFixed(6)},1000,30,${name}`);
  const imported = await fetch(`${a.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${a.token}` }, body: lines.join('\n') + '\n' });
  expect(imported.status).toBe(200);
  for (const acc of ((await a.api('GET', `/api/accounts?teamId=${teamId}&limit=10`)) as { accounts: { id: number }[] }).accounts) {
    await a.api('POST', '/api/visits', { accountId: acc.id, date: today, priority: 50, serviceMinutes: 10 });
  }
  const settings = await fetch(`${a.baseUrl}/api/plans/settings/teams/${teamId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
    body: JSON.stringify({ office: OFFICE }),
  });
  expect(settings.status).toBe(204);
  // Optimized through A: A's engine watches the collector's plan (and B's hears of it).
  const plan = (await a.api('POST', '/api/plans/optimize', { date: today, teamId, options: { iterations: 50, seed: 1 } })) as PlanOut;
  route = plan.routes.find((r) => r.collectorId === collectorId)!;
  expect(route.stops).toHaveLength(4);

  tracker = await gt06TrackerOn(b, imei);
  phoneClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${a.mqttPort}`, { username: phone.uniqueId, password: phone.token, reconnectPeriod: 0, clean: true });
}, 180_000);

afterAll(async () => {
  tracker?.close();
  await phoneClient?.endAsync(true);
  await a?.stop();
  await b?.stop();
  await storage?.drop();
});

async function checkinOnA(stop: { visitId: number; lat: number; lon: number }, tsMs: number): Promise<void> {
  const checkin = { id: crypto.randomUUID(), visitId: stop.visitId, ts: new Date(tsMs).toISOString(), lat: stop.lat, lon: stop.lon, outcome: 'absent' };
  await phoneClient.publishAsync(`ronda/${phone.uniqueId}/checkin`, JSON.stringify(checkin), { qos: 1 });
}

const eventsOf = async (type: string): Promise<EventOut[]> => ((await a.api('GET', `/api/events?collectorId=${collectorId}&type=${type}`)) as { events: EventOut[] }).events;

describe('a check-in through A, the tracker through B', () => {
  it("A raises none for a check-in at the door where B's tracker was, and one for a check-in 600 m from every stored fix", async () => {
    const [door, far] = route.stops;
    t0 = Math.floor((Date.now() - 20 * MIN) / 1000) * 1000;
    // Seven minutes at the first debtor's door.
    const sent = await trackerStandsAt(tracker, door, t0, t0 + 7 * MIN);
    await until('the tracker positions stored', async () => (await storedCount()) === sent, 10_000);

    // Both check-ins 4 minutes before the last fix: their ±2 min windows and the grace after them are over.
    for (const stop of [door, far]) await checkinOnA(stop, t0 + 3 * MIN);
    await until('the far check-in flagged', async () => (await eventsOf('checkin_without_presence')).some((e) => e.visitId === far.visitId), 10_000);
    // A ticks five times a second: ten more ticks to raise a wrong one for the door.
    await new Promise((r) => setTimeout(r, 2000));
    const events = await eventsOf('checkin_without_presence');
    expect(events.map((e) => e.visitId)).toEqual([far.visitId]);
    expect(events[0].details).toMatchObject({ radiusM: 150, windowS: 120, nearestPositionM: expect.any(Number) });
    expect(events[0].details.nearestPositionM as number).toBeGreaterThan(500);
  });

  it('A raises no visit_out_of_order for a check-in after a visit only B\'s tracker saw reached', async () => {
    const [, , third, fourth] = route.stops;
    // Slack 0: reaching a visit before an earlier one still due is out of order.
    await a.api('PATCH', `/api/teams/${teamId}/deviation-rules`, { visitOrder: { slack: 0 } });
    // In the shift, which begins when the route leaves the office (the plan was made a moment ago): ahead of now.
    const t1 = Math.ceil((Math.max(Date.now(), Date.parse(route.start.at)) + 10 * MIN) / 1000) * 1000;
    // Six minutes at the third debtor's (no check-in: nobody home), then at the fourth's.
    const before = await storedCount();
    const sent = (await trackerStandsAt(tracker, third, t1, t1 + 6 * MIN)) + (await trackerStandsAt(tracker, fourth, t1 + 7 * MIN, t1 + 9 * MIN));
    await until('the tracker positions stored', async () => (await storedCount()) === before + sent, 10_000);

    const statusOf = async () => ((await a.api('GET', `/api/visits/${fourth.visitId}`)) as { status: string }).status;
    const planned = await statusOf();
    await checkinOnA(fourth, t1 + 8 * MIN);
    await until('the check-in stored', async () => (await statusOf()) !== planned, 10_000);
    // Ten ticks of A, and its read of the stored fixes.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await eventsOf('visit_out_of_order')).toEqual([]);
    expect((await eventsOf('checkin_without_presence')).map((e) => e.visitId)).toEqual([route.stops[1].visitId]);
  });
});

/** The tracker's positions stored by B, as anyone reads them from the database. */
async function storedCount(): Promise<number> {
  const from = new Date(Date.now() - 60 * MIN).toISOString();
  const to = new Date(Date.now() + 60 * MIN).toISOString();
  const r = (await a.api('GET', `/api/devices/${imei}/positions?from=${from}&to=${to}`)) as { positions?: unknown[] };
  return r.positions?.length ?? 0;
}
