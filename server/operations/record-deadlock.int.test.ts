import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam } from './testing/fixtures.ts';

/**
 * Two phones at once, each checking in at a visit of the other's collector (a swap agreed in the
 * field): each check-in marks its own collector's day (the check-in) and the other's (the visit)
 * for the metrics rollup, in opposite orders. With the day's marks just read away by a metrics
 * reader, the two waited on each other and PostgreSQL rolled one back: no PUBACK for it.
 */

const HOME = { lat: 20.6767, lon: -103.3475 };
const ROUNDS = 30;
const NAMES = ['ana', 'beto'];

let t: TestServer;
let timeZone: string;
let currency: string;
const phones: MqttClient[] = [];
const collectors: number[] = [];
const accounts: number[] = [];

beforeAll(async () => {
  t = await startTestServer();
  const team = await createTeam(t, 'Centro');
  ({ timeZone, currency } = (await t.api('GET', '/api/teams')).body.teams.find((x: { id: number }) => x.id === team));
  for (const name of NAMES) {
    const collectorId = await createCollector(t, name, team);
    collectors.push(collectorId);
    const dev = await t.createDevice(`${name}-phone`, collectorId);
    phones.push(await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: `${name}-phone`, password: dev.token, reconnectPeriod: 0 }));
  }
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 4 * ROUNDS; i++) lines.push(`SW-${i},Deudor ${i},Calle ${i},${HOME.lat},${HOME.lon},1000,30,Centro`);
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: lines.join('\n') + '\n' });
  expect(res.status).toBe(200);
  const listed = (await t.api('GET', '/api/accounts?limit=200')).body.accounts as { id: number; externalId: string }[];
  for (let i = 0; i < 4 * ROUNDS; i++) accounts.push(listed.find((a) => a.externalId === `SW-${i}`)!.id);
});

afterAll(async () => {
  // Forced: a publish left without its PUBACK would otherwise hold the client open.
  for (const phone of phones) await phone.endAsync(true);
  await t?.close();
});

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
type Sent = (phone: number, visitId: number, ts: Date, round: number) => { channel: 'checkin' | 'payment'; body: object };

/**
 * Rounds of: a visit for each collector, the day's marks read away, then each phone sends at the
 * other collector's visit what `send` makes; returns the first round a PUBACK did not come in 5 s.
 */
async function swapRounds(first: number, send: Sent): Promise<number | null> {
  for (let round = first; round < first + ROUNDS; round++) {
    const ts = new Date(Date.now() - 60_000);
    const day = ts.toLocaleDateString('en-CA', { timeZone });
    const visits: number[] = [];
    for (const [i, collectorId] of collectors.entries()) {
      const r = await t.api('POST', '/api/visits', { accountId: accounts[2 * round + i], date: day, collectorId });
      expect(r.status).toBe(201);
      visits.push(r.body.id);
    }
    // The wall's and the manager's figures read the day, which takes its marks away: the next writes mark it afresh.
    expect((await t.api('GET', `/api/metrics/summary?from=${day}&to=${day}&groupBy=total`)).status).toBe(200);
    const sent = phones.map((phone, i) => {
      const { channel, body } = send(i, visits[1 - i], ts, round);
      return phone.publishAsync(`ronda/${NAMES[i]}-phone/${channel}`, JSON.stringify(body), { qos: 1 });
    });
    if ((await within(Promise.all(sent), 5000)) === 'timeout') return round;
  }
  return null;
}

const checkin = (visitId: number, ts: Date) => ({ channel: 'checkin' as const, body: { id: randomUUID(), visitId, ts: ts.toISOString(), ...HOME, outcome: 'absent' } });
const payment = (visitId: number, ts: Date) => ({ channel: 'payment' as const, body: { id: randomUUID(), visitId, ts: ts.toISOString(), amount: 10, currency, method: 'cash' } });

describe("two phones at once at each other's visits", () => {
  it('both check-ins are stored and acknowledged, round after round, with a metrics reader between rounds', async () => {
    expect(await swapRounds(0, (_, visitId, ts) => checkin(visitId, ts))).toBeNull();
    const stored = (await t.api('GET', '/api/checkins?limit=500')).body.checkins as { visitId: number }[];
    expect(stored).toHaveLength(2 * ROUNDS);
    const visits = (await t.api('GET', '/api/visits?limit=500')).body.visits as { id: number; status: string }[];
    expect(visits.filter((v) => stored.some((c) => c.visitId === v.id)).map((v) => v.status)).toEqual(Array(2 * ROUNDS).fill('missed'));
  }, 120_000);

  it('a check-in and a payment are both stored and acknowledged, each phone sending either', async () => {
    // Which of the two marks a payment makes first is the database's choice: each phone takes each part in turn.
    expect(await swapRounds(ROUNDS, (phone, visitId, ts, round) => ((phone + round) % 2 ? payment : checkin)(visitId, ts))).toBeNull();
    const payments = (await t.api('GET', '/api/payments?limit=500')).body.payments as { receiptNumber: number }[];
    expect(payments.map((p) => p.receiptNumber).sort((a, b) => a - b)).toEqual(payments.map((_, i) => i + 1));
    expect(payments).toHaveLength(ROUNDS);
  }, 120_000);
});
