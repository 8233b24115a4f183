import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOut } from '../server/contract/event.ts';
import type { PlanOut, PlanRoute } from '../server/contract/plan.ts';
import { daytimeZone } from '../server/demo/demo-day.ts';
import { hhmmToMinutes, localDate, localMidnightMs, minutesToHhmm } from '../server/plans/local-time.ts';
import { Gt06Device } from '../simulators/trackers/gt06-device.ts';
import type { ServerProcess, Storage } from './support/server-process.ts';
import { DEVIATION_TEST_ENV, gt06TrackerOn, startTwoInstances, trackerStandsAt } from './support/two-instances.ts';
import { until } from './support/until.ts';

/**
 * SPEC §8: every instance's engine watches every plan of today, so each raises `visit_skipped` for
 * a visit still pending at the end of its window. The collector's tracker (GT06 over TCP) reports
 * through B, the phone through A: a skip is stored once whichever instances raise it, and A, which
 * never saw the tracker dwell at a door, does not report that visit skipped.
 */
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((OFFICE.lat * Math.PI) / 180);
const MIN = 60_000;

let storage: Storage;
let a: ServerProcess;
let b: ServerProcess;
let collectorId: number;
let route: PlanRoute;
/** The end of both visits' window: the deadline of their `visit_skipped`. */
let windowEndMs: number;
let phone: { uniqueId: string; token: string };
let tracker: Gt06Device;
let imei: string;
let phoneClient: mqtt.MqttClient;

beforeAll(async () => {
  ({ storage, a, b } = await startTwoInstances(DEVIATION_TEST_ENV));

  // About noon (whole hours off UTC): the window below never crosses midnight.
  const zone = daytimeZone(12);
  const today = localDate(Date.now(), zone);
  const midnight = localMidnightMs(today, zone);
  const nowMin = Math.floor((Date.now() - midnight) / MIN);
  // Ends 40 minutes from now: the tracker's fixes (device time) can pass it, within FILTER_FUTURE_S.
  const window = { start: minutesToHhmm(nowMin - 60), end: minutesToHhmm(nowMin + 40) };
  windowEndMs = midnight + hhmmToMinutes(window.end) * MIN;

  const run = `${process.pid}-${Date.now() % 100000}`;
  const name = `Saltadas ${run}`;
  const teamId = ((await a.api('POST', '/api/teams', { name, timeZone: zone })) as { id: number }).id;
  collectorId = ((await a.api('POST', '/api/collectors', { name: 'Ana', teamId })) as { id: number }).id;
  const uniqueId = `skipped-${run}`;
  phone = { uniqueId, token: ((await a.api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId })) as { token: string }).token };
  imei = `36${String(process.pid).padStart(7, '0').slice(-7)}${String(Date.now() % 1_000_000).padStart(6, '0')}`;
  expect(await a.api('POST', '/api/devices', { uniqueId: imei, name: 'GT06', collectorId, protocol: 'gt06' })).toMatchObject({ uniqueId: imei });

  // Two debtors 2.5 km east of the office, 600 m apart.
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 2; i++) lines.push(`S-${run}-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + (i * 600) / M_LAT).toFixed(6)},${(OFFICE.lon + 2500 / M_LON).toFixed(6)},1000,30,${name}`);
  const imported = await fetch(`${a.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${a.token}` }, body: lines.join('\n') + '\n' });
  expect(imported.status).toBe(200);
  for (const acc of ((await a.api('GET', `/api/accounts?teamId=${teamId}&limit=10`)) as { accounts: { id: number }[] }).accounts) {
    await a.api('POST', '/api/visits', { accountId: acc.id, date: today, priority: 50, serviceMinutes: 10, window });
  }
  const settings = await fetch(`${a.baseUrl}/api/plans/settings/teams/${teamId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
    body: JSON.stringify({ office: OFFICE }),
  });
  expect(settings.status).toBe(204);
  const plan = (await a.api('POST', '/api/plans/optimize', { date: today, teamId, options: { iterations: 50, seed: 1 } })) as PlanOut;
  route = plan.routes.find((r) => r.collectorId === collectorId)!;
  expect(route.stops).toHaveLength(2);
  // Both engines watch the plan (B heard of it through Redis): wait for B's before its tracker reports.
  await until('B watches the plan', async () => ((await (await fetch(`${b.baseUrl}/api/health`)).json()) as { ingest: { deviations: { activePlans: number } } }).ingest.deviations.activePlans > 0, 10_000);

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

const skipsOn = async (server: ServerProcess): Promise<EventOut[]> =>
  ((await server.api('GET', `/api/events?collectorId=${collectorId}&type=visit_skipped`)) as { events: EventOut[] }).events;

describe('visit_skipped with the tracker through B and the phone through A', () => {
  it('a visit skipped is stored once, and one B\'s tracker dwelt at is not reported skipped by A', async () => {
    const [reached, skipped] = route.stops;
    // In the shift (it begins when the route leaves the office) and before the window's end.
    const t1 = Math.ceil((Math.max(Date.now(), Date.parse(route.start.at)) + MIN) / 1000) * 1000;
    expect(t1 + 8 * MIN).toBeLessThan(windowEndMs);
    // Six minutes at the first debtor's door (no check-in: nobody home), then back at the office after the window's end.
    const before = await storedCount();
    const sent = (await trackerStandsAt(tracker, reached, t1, t1 + 6 * MIN)) + (await trackerStandsAt(tracker, OFFICE, windowEndMs + MIN, windowEndMs + 2 * MIN));
    await until('the tracker positions stored', async () => (await storedCount()) === before + sent, 10_000);
    await until('B reports the second visit skipped', async () => (await skipsOn(b)).some((e) => e.visitId === skipped.visitId), 10_000);

    // The phone, through A, reports from the office after the window's end: A's engine passes the deadline too.
    const phoneFix = { ts: windowEndMs + 3 * MIN, lat: OFFICE.lat, lon: OFFICE.lon };
    await phoneClient.publishAsync(`ronda/${phone.uniqueId}/position`, JSON.stringify(phoneFix), { qos: 1 });
    await until('the phone position stored', async () => (await storedCount(phone.uniqueId)) === 1, 10_000);
    // Ten ticks of A, and its read of the stored fixes.
    await new Promise((r) => setTimeout(r, 2000));

    const skips = await skipsOn(a);
    expect.soft(skips.filter((e) => e.visitId === skipped.visitId), 'the second visit, skipped: stored once').toHaveLength(1);
    expect.soft(skips.filter((e) => e.visitId === reached.visitId), 'the first visit, reached: not skipped').toEqual([]);
    expect(skips.find((e) => e.visitId === skipped.visitId)).toMatchObject({ openedAt: new Date(windowEndMs).toISOString(), closedAt: new Date(windowEndMs).toISOString() });
    // Neither instance failed to store (a conflict is no failure).
    for (const s of [a, b]) expect(((await (await fetch(`${s.baseUrl}/api/health`)).json()) as { ingest: { deviations: { failures: number } } }).ingest.deviations.failures).toBe(0);
  });
});

/** A device's positions, as anyone reads them from the database. */
async function storedCount(uniqueId = imei): Promise<number> {
  const from = new Date(Date.now() - 60 * MIN).toISOString();
  const to = new Date(Date.now() + 90 * MIN).toISOString();
  const r = (await a.api('GET', `/api/devices/${uniqueId}/positions?from=${from}&to=${to}`)) as { positions?: unknown[] };
  return r.positions?.length ?? 0;
}
