import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PATH } from '../contract/live.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { settlePromises } from './promise.service.ts';
import { computedPriority } from './visit.service.ts';
import { createCollector, createTeam, loginAs } from './testing/fixtures.ts';

/** The debtor's door, Av. Juárez in Guadalajara's centre. */
const HOME = { lat: 20.6767, lon: -103.3475 };
/** About 2 km north of it. */
const FAR = { lat: 20.6947, lon: -103.3475 };

let t: TestServer;
let team: number;
let ana: number;
let phone: MqttClient;
let live: Socket;
let otherTeamLive: Socket;
let poniente: number;
const events: { event: string; payload: any }[] = [];
const otherTeamEvents: string[] = [];
let seq = 0;
/** Positions from the future are filtered at ingest, so check-ins here happen in the last hour. */
const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

async function account(externalId: string, balance: number): Promise<number> {
  const csv = `external_id,name,address,lat,lon,balance_due,days_past_due,team\n${externalId},Rosa Díaz,Av. Juárez 100,${HOME.lat},${HOME.lon},${balance},45,Centro\n`;
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
  expect(res.status).toBe(200);
  return (await t.api('GET', `/api/accounts?search=${externalId}`)).body.accounts[0].id;
}

async function visit(accountId: number): Promise<number> {
  const r = await t.api('POST', '/api/visits', { accountId, date: '2026-11-23', collectorId: ana });
  expect(r.status).toBe(201);
  return r.body.id;
}

const publish = (channel: string, body: unknown) => phone.publishAsync(`ronda/ana-phone/${channel}`, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

beforeAll(async () => {
  t = await startTestServer();
  team = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana', team);
  const dev = await t.createDevice('ana-phone', ana);
  phone = await new Promise<MqttClient>((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'ana-phone', password: dev.token, reconnectPeriod: 0 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
  live = io(t.baseUrl, { path: LIVE_PATH, auth: { token: t.token }, transports: ['websocket'] });
  await new Promise<void>((resolve) => live.once('snapshot', () => resolve()));
  for (const event of ['visit', 'checkin', 'payment']) live.on(event, (payload: unknown) => events.push({ event, payload }));
  poniente = await createTeam(t, 'Poniente');
  const other = await loginAs(t, 'dispatcher', poniente, 'Despacho Poniente');
  otherTeamLive = io(t.baseUrl, { path: LIVE_PATH, auth: { token: other }, transports: ['websocket'] });
  await new Promise<void>((resolve) => otherTeamLive.once('snapshot', () => resolve()));
  for (const event of ['visit', 'checkin', 'payment']) otherTeamLive.on(event, () => otherTeamEvents.push(event));
});
afterAll(async () => {
  live?.close();
  otherTeamLive?.close();
  await phone?.endAsync();
  await t?.close();
});

describe('payments over MQTT', () => {
  it('stores a payment published three times with the same id once: one receipt, balance reduced once', async () => {
    const accountId = await account('PAY-1', 5000);
    const visitId = await visit(accountId);
    const id = uuid();
    // A field of the app's own (a newer app version) is ignored, not a reason to lose the payment.
    const body = { id, visitId, ts: '2026-11-23T17:05:00Z', amount: 750.25, currency: 'MXN', method: 'cash', appVersion: '4.2.0' };
    for (let i = 0; i < 3; i++) await publish('payment', body);
    const payments = (await t.api('GET', `/api/payments?accountId=${accountId}`)).body.payments;
    expect(payments).toEqual([
      { id, visitId, accountId, teamId: team, collectorId: ana, ts: '2026-11-23T17:05:00.000Z', amount: 750.25, currency: 'MXN', method: 'cash', receiptNumber: 1, clientReceipt: null },
    ]);
    expect((await t.api('GET', `/api/accounts/${accountId}`)).body.balanceDue).toBe(4249.75);
    // The next payment of the team takes the next number; a card payment is not cash to reconcile.
    await publish('payment', { ...body, id: uuid(), amount: 100, ts: '2026-11-23T18:00:00Z' });
    await publish('payment', { ...body, id: uuid(), amount: 50, method: 'card', ts: '2026-11-23T18:10:00Z' });
    const cash = await t.api('GET', `/api/payments/cash?date=2026-11-23&collectorId=${ana}`);
    expect(cash.body.cash).toEqual([{ collectorId: ana, collectorName: 'Ana', teamId: team, date: '2026-11-23', currency: 'MXN', count: 2, total: 850.25, receipts: [1, 2] }]);
    expect(events.filter((e) => e.event === 'payment').map((e) => e.payload.receiptNumber)).toEqual([1, 2, 3]);
  });

  it('acknowledges and keeps a payload that can never be stored instead of letting the phone resend it forever', async () => {
    await publish('payment', '{oops');
    await publish('payment', { id: uuid(), visitId: 999_999, ts: Date.now(), amount: 10, currency: 'MXN', method: 'cash' });
    // PostgreSQL text holds no NUL character: not in a field (a JSON escape), nor in a payload kept as it came (a raw byte).
    await publish('payment', `{"id":"${uuid()}","visitId":1,"ts":0,"amount":1,"currency":"MXN","method":"cash","receipt":"r\\u0000"}`);
    await publish('checkin', `{"note":"\u0000"}`);
    await publish('checkin', { id: uuid(), visitId: 1, ts: Date.now(), lat: 20.6, lon: -103.3, outcome: 'vanished' });
    const records = (await t.api('GET', '/api/records/rejected')).body.records;
    // Why, as the server says it and as a code with what it names, for a dashboard to word in its own language.
    expect(records.map((r: any) => [r.uniqueId, r.collectorId, r.kind, r.reason, r.code, r.values])).toEqual([
      ['ana-phone', ana, 'checkin', '/outcome: Expected union value', 'invalid_record', { path: '/outcome' }],
      ['ana-phone', ana, 'checkin', 'payload is not valid JSON', 'invalid_json', {}],
      ['ana-phone', ana, 'payment', 'its texts hold a NUL character (\\u0000), which cannot be stored', 'unstorable_text', {}],
      ['ana-phone', ana, 'payment', 'visit 999999 does not exist', 'visit_not_found', { visitId: 999_999 }],
      ['ana-phone', ana, 'payment', 'payload is not valid JSON', 'invalid_json', {}],
    ]);
    expect(records[1].payload).toBe('{"note":"\uFFFD"}');
    // A supervisor reads their own team's, another team's supervisor none of them; a dispatcher is not let in.
    const mine = await loginAs(t, 'supervisor', team, 'Supervisión Centro');
    expect((await t.api('GET', '/api/records/rejected', undefined, mine)).body.records.slice(0, 5)).toEqual(records.slice(0, 5));
    const theirs = await loginAs(t, 'supervisor', poniente, 'Supervisión Poniente B');
    expect((await t.api('GET', '/api/records/rejected', undefined, theirs)).body.records.filter((r: any) => r.uniqueId === 'ana-phone')).toEqual([]);
    expect((await t.api('GET', '/api/records/rejected', undefined, await loginAs(t, 'dispatcher', team, 'Despacho Centro'))).status).toBe(403);

    // A page at a time, newest first, with how many there are in all (for each reader, theirs).
    const all = (await t.api('GET', '/api/records/rejected')).body;
    expect(all.total).toBe(all.records.length);
    const first = (await t.api('GET', '/api/records/rejected?limit=2')).body;
    const second = (await t.api('GET', `/api/records/rejected?limit=2&before=${first.records[1].id}`)).body;
    expect([...first.records, ...second.records]).toEqual(all.records.slice(0, 4));
    expect([first.total, second.total]).toEqual([all.total, all.total]);
    expect((await t.api('GET', '/api/records/rejected?limit=2', undefined, theirs)).body.total).toBe(0);
    expect((await t.api('GET', '/api/records/rejected?limit=0')).status).toBe(400);
  });
  it("refuses a device's payment or check-in on another team's account or visit, and keeps it as rejected", async () => {
    const accountId = await account('XTEAM-1', 5600);
    const visitId = await visit(accountId);
    const beto = await createCollector(t, 'Beto', poniente);
    const dev = await t.createDevice('beto-phone', beto);
    const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'beto-phone', password: dev.token, reconnectPeriod: 0 });
    await intruder.publishAsync('ronda/beto-phone/payment', JSON.stringify({ id: uuid(), accountId, ts: ago(5), amount: 250, currency: 'MXN', method: 'cash' }), { qos: 1 });
    await intruder.publishAsync('ronda/beto-phone/checkin', JSON.stringify({ id: uuid(), visitId, ts: ago(4), lat: HOME.lat, lon: HOME.lon, outcome: 'paid' }), { qos: 1 });
    await intruder.endAsync();
    const reasons = (await t.api('GET', '/api/records/rejected')).body.records.filter((r: any) => r.uniqueId === 'beto-phone').map((r: any) => [r.kind, r.reason]);
    expect(reasons).toEqual([
      ['checkin', `device beto-phone is in team ${poniente}, not team ${team}`],
      ['payment', `device beto-phone is in team ${poniente}, not team ${team}`],
    ]);
    expect((await t.api('GET', `/api/accounts/${accountId}`)).body.balanceDue).toBe(5600);
    expect((await t.api('GET', `/api/visits/${visitId}`)).body.status).toBe('assigned');
  });

  it('numbers concurrent payments without gaps and stores concurrent resends of one id once (API)', async () => {
    const accountId = await account('PAY-2', 10_000);
    const before = (await t.api('GET', `/api/payments?limit=1000`)).body.payments.length;
    const same = uuid();
    const body = (id: string) => ({ id, accountId, ts: new Date().toISOString(), amount: 10, currency: 'MXN', method: 'cash' });
    // A resend is the same body: taken once, or the clock could move its ts between calls.
    const resent = body(same);
    const results = await Promise.all([...Array(5)].map(() => t.api('POST', '/api/payments', resent)).concat([...Array(5)].map(() => t.api('POST', '/api/payments', body(uuid())))));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201, 201, 201, 201, 201, 201]);
    expect(new Set(results.slice(0, 5).map((r) => r.body.payment.receiptNumber)).size).toBe(1);
    const receipts = (await t.api('GET', `/api/payments?accountId=${accountId}`)).body.payments.map((p: { receiptNumber: number }) => p.receiptNumber).sort((a: number, b: number) => a - b);
    expect(receipts).toEqual([1, 2, 3, 4, 5, 6].map((n) => before + n));
    expect((await t.api('GET', `/api/accounts/${accountId}`)).body.balanceDue).toBe(9940);
    expect((await t.api('POST', '/api/payments', { ...body(uuid()), currency: 'USD' })).body.message).toBe('payment in USD on an account kept in MXN');
  });

  it('takes a payment with a fraction of a cent as the cent amount on its receipt, and the balance drops by that', async () => {
    const accountId = await account('PAY-CENTS', 100);
    await publish('payment', { id: uuid(), accountId, ts: ago(3), amount: 10.005, currency: 'MXN', method: 'cash' });
    const [payment] = (await t.api('GET', `/api/payments?accountId=${accountId}`)).body.payments;
    expect(payment.amount).toBe(10.01);
    expect((await t.api('GET', `/api/accounts/${accountId}`)).body.balanceDue).toBe(89.99);
  });
});

describe('check-ins over MQTT', () => {
  it('stores a check-in at the door next to the collector trail unflagged and completes the visit', async () => {
    const visitId = await visit(await account('CHK-1', 1000));
    await publish('position', { ts: ago(32), lat: HOME.lat + 0.0003, lon: HOME.lon });
    const id = uuid();
    const ts = ago(30);
    await publish('checkin', { id, visitId, ts, ...HOME, outcome: 'partial', note: 'pagó la mitad' });
    await publish('checkin', { id, visitId, ts, ...HOME, outcome: 'partial', note: 'pagó la mitad' });
    const list = (await t.api('GET', `/api/checkins?visitId=${visitId}`)).body.checkins;
    expect(list).toEqual([
      { id, visitId, accountId: expect.any(Number), teamId: team, collectorId: ana, ts, ...HOME, outcome: 'partial', note: 'pagó la mitad', promiseDate: null, promiseAmount: null, distanceM: 0, flags: [] },
    ]);
    const v = (await t.api('GET', `/api/visits/${visitId}`)).body;
    expect(v).toMatchObject({ status: 'completed', outcome: 'partial', version: 2, updatedBy: 'device ana-phone' });
    expect(events.filter((e) => e.event === 'checkin' && e.payload.id === id)).toHaveLength(1);
    expect(events.find((e) => e.event === 'visit' && e.payload.id === visitId && e.payload.status === 'completed')).toBeDefined();
  });

  it('flags a collector who "checks in" from 2 km away with no trail near the address', async () => {
    const visitId = await visit(await account('CHK-2', 1000));
    await publish('position', { ts: ago(6), ...FAR });
    await publish('checkin', { id: uuid(), visitId, ts: ago(5), ...FAR, outcome: 'absent' });
    const [c] = (await t.api('GET', `/api/checkins?visitId=${visitId}`)).body.checkins;
    expect(c.flags).toEqual(['far_from_address', 'no_presence']);
    expect(c.distanceM).toBe(2002);
    expect((await t.api('GET', `/api/visits/${visitId}`)).body.status).toBe('missed');
    expect((await t.api('GET', '/api/checkins?flagged=true')).body.checkins.map((x: { visitId: number }) => x.visitId)).toEqual([visitId]);
  });

  it("lists one collector's check-ins of a time span, for the track replay", async () => {
    const visitId = await visit(await account('CHK-3', 1000));
    const id = uuid();
    await publish('checkin', { id, visitId, ts: ago(20), ...HOME, outcome: 'absent' });
    const span = (from: number, to: number) => `from=${encodeURIComponent(ago(from))}&to=${encodeURIComponent(ago(to))}`;
    const ids = async (query: string) => (await t.api('GET', `/api/checkins?${query}`)).body.checkins.map((c: { id: string }) => c.id);
    await expect.poll(() => ids(`collectorId=${ana}&${span(25, 15)}`)).toEqual([id]);
    expect(await ids(`collectorId=${ana}&${span(19, 0)}`)).not.toContain(id);
    expect(await ids(`collectorId=${ana + 1000}&${span(25, 15)}`)).toEqual([]);
    expect((await t.api('GET', '/api/checkins?from=yesterday')).status).toBe(400);
    // A leap second is RFC 3339 but no Date: refused by name, not passed to SQL as "0NaN-NaN-NaN".
    expect((await t.api('GET', '/api/checkins?to=2026-12-31T23:59:60Z')).body).toMatchObject({ statusCode: 400, message: 'querystring/to must match format "date-time"' });
  });

  it('refuses a promise without its date and amount through the API with a 400', async () => {
    const visitId = await visit(await account('CHK-3', 1000));
    const r = await t.api('POST', '/api/checkins', { id: uuid(), visitId, ts: '2026-11-23T17:00:00Z', ...HOME, outcome: 'promise' });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('a promise check-in needs promiseDate and promiseAmount');
  });
});

describe('promises to pay', () => {
  it('settles a promise kept by payments before its date and one broken when its date passed, raising the priority', async () => {
    const keptAcc = await account('PRO-1', 3000);
    const brokenAcc = await account('PRO-2', 3000);
    for (const [acc, pay] of [[keptAcc, 500], [brokenAcc, 200]] as const) {
      const visitId = await visit(acc);
      await publish('checkin', { id: uuid(), visitId, ts: '2026-11-23T17:00:00Z', ...HOME, outcome: 'promise', promiseDate: '2026-11-27', promiseAmount: 500 });
      await publish('payment', { id: uuid(), accountId: acc, visitId, ts: '2026-11-25T17:00:00Z', amount: pay, currency: 'MXN', method: 'transfer' });
    }
    // Priority counts the days since the last contact up to now, so both sides are read at one instant: the API's
    // own figures, taken a few ms apart, round either side of a half point depending on the hour the test runs.
    const at = new Date('2026-12-01T12:00:00Z');
    const before = await computedPriority(t.server.dbh.db, brokenAcc, at);
    const visitBefore = (await t.api('POST', '/api/visits', { accountId: brokenAcc, date: '2026-11-30' })).body.priority;
    // Mexico City, 23:00 on the due date: not passed yet, the short one stays pending.
    expect(await settlePromises(t.server.dbh.db, new Date('2026-11-28T05:00:00Z'))).toEqual({ kept: 1, broken: 0 });
    expect(await settlePromises(t.server.dbh.db, new Date('2026-11-28T06:30:00Z'))).toEqual({ kept: 0, broken: 1 });
    const promises = (await t.api('GET', '/api/promises')).body.promises;
    expect(promises.map((p: any) => [p.accountId, p.status, p.paidAmount, p.dueDate])).toEqual([
      [keptAcc, 'kept', 500, '2026-11-27'],
      [brokenAcc, 'broken', 200, '2026-11-27'],
    ]);
    expect((await t.api('GET', `/api/accounts/${brokenAcc}`)).body.brokenPromises).toBe(1);
    expect(await computedPriority(t.server.dbh.db, brokenAcc, at)).toBe(before + 7); // 20 points per 3 broken promises
    expect((await t.api('POST', '/api/visits', { accountId: brokenAcc, date: '2026-12-01' })).body.priority).toBeGreaterThan(visitBefore);
  });
});

describe('live stream', () => {
  it("sends a team's records to its own room and the all-teams room only", async () => {
    expect(events.length).toBeGreaterThan(20);
    // Poniente's dispatcher has seen none of Centro's records; a Poniente visit reaches them and the admin.
    expect(otherTeamEvents).toEqual([]);
    const csv = `external_id,name,lat,lon,balance_due,days_past_due,team\nLIVE-1,Pepe,20.6,-103.4,100,10,${poniente}\n`;
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    const accountId = (await t.api('GET', '/api/accounts?search=LIVE-1')).body.accounts[0].id;
    const got = new Promise<{ teamId: number }>((resolve) => otherTeamLive.once('visit', resolve));
    const adminGot = new Promise<{ teamId: number }>((resolve) => live.once('visit', resolve));
    await t.api('POST', '/api/visits', { accountId, date: '2026-11-23' });
    expect((await got).teamId).toBe(poniente);
    expect((await adminGot).teamId).toBe(poniente);
  });
});

describe('a client id names one record', () => {
  /** Centro's payment and check-in under fresh ids, through the API as an admin. */
  async function centroRecords(externalId: string) {
    const accountId = await account(externalId, 1000);
    const visitId = await visit(accountId);
    const payment = { id: uuid(), accountId, ts: ago(10), amount: 300, currency: 'MXN', method: 'cash', receipt: 'R-77' };
    // A day ahead of the check-in wherever the test runs: a promise may not fall due before it was made.
    const promiseDate = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const checkin = { id: uuid(), visitId, ts: ago(9), ...HOME, outcome: 'promise', note: 'paga el viernes', promiseDate, promiseAmount: 500 };
    expect((await t.api('POST', '/api/payments', payment)).status).toBe(201);
    expect((await t.api('POST', '/api/checkins', checkin)).status).toBe(201);
    return { accountId, visitId, payment, checkin };
  }

  it("answers another team's writer reusing an id with the id taken, and another team's account as missing: never with the record or whose it is", async () => {
    const centro = await centroRecords('IDEM-1');
    const csv = `external_id,name,lat,lon,balance_due,days_past_due,team\nIDEM-P,Pepe,20.6,-103.4,800,10,Poniente\n`;
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    const theirAccount = (await t.api('GET', '/api/accounts?search=IDEM-P')).body.accounts[0].id;
    const theirVisit = (await t.api('POST', '/api/visits', { accountId: theirAccount, date: '2026-11-23' })).body.id;
    const supervisor = await loginAs(t, 'supervisor', poniente, 'Supervisión Poniente');
    const taken = (kind: string, id: string) => ({ status: 409, body: { statusCode: 409, error: 'Conflict', message: `${kind} ${id} is already used: a new ${kind} needs an id of its own`, reason: 'id_taken', values: { id } } });
    // Centro's ids, on their own account and visit or on Centro's: taken, nothing more. Centro's account under a new id: not there for them, as in their reads.
    expect(await t.api('POST', '/api/payments', { ...centro.payment, accountId: theirAccount, amount: 1 }, supervisor)).toEqual(taken('payment', centro.payment.id));
    expect(await t.api('POST', '/api/payments', { ...centro.payment }, supervisor)).toEqual(taken('payment', centro.payment.id));
    expect(await t.api('POST', '/api/payments', { ...centro.payment, id: uuid() }, supervisor)).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: `account ${centro.accountId} does not exist`, reason: 'account_not_found', values: { accountId: centro.accountId } },
    });
    expect(await t.api('POST', '/api/checkins', { ...centro.checkin, visitId: theirVisit, outcome: 'absent', promiseDate: null, promiseAmount: null }, supervisor)).toEqual(
      taken('check-in', centro.checkin.id),
    );
    expect(await t.api('POST', '/api/checkins', { ...centro.checkin, id: centro.checkin.id.toUpperCase() }, supervisor)).toEqual(taken('check-in', centro.checkin.id));
    expect((await t.api('GET', `/api/accounts/${theirAccount}`)).body.balanceDue).toBe(800);
    expect((await t.api('GET', `/api/checkins?visitId=${theirVisit}`)).body.checkins).toEqual([]);
  });

  it('answers an exact resend as the duplicate it is, and another record under a used id with a 409 that stores nothing', async () => {
    const { accountId, visitId, payment, checkin } = await centroRecords('IDEM-2');
    const first = (await t.api('GET', `/api/payments?accountId=${accountId}`)).body.payments[0];
    const again = await t.api('POST', '/api/payments', { ...payment, id: payment.id.toUpperCase() });
    expect(again).toEqual({ status: 200, body: { duplicate: true, payment: first } });
    expect((await t.api('POST', '/api/checkins', checkin)).body).toMatchObject({ duplicate: true, checkin: { id: checkin.id, outcome: 'promise' } });

    const other = await t.api('POST', '/api/payments', { ...payment, amount: 301, method: 'card' });
    expect(other).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: `payment ${payment.id} is already stored with another amount, method: a new payment needs an id of its own`, reason: 'id_taken', values: { id: payment.id, fields: 'amount, method' } },
    });
    const otherCheckin = await t.api('POST', '/api/checkins', { ...checkin, outcome: 'absent', note: null, promiseDate: null, promiseAmount: null });
    expect(otherCheckin.status).toBe(409);
    expect(otherCheckin.body.message).toBe(`check-in ${checkin.id} is already stored with another outcome, note, promiseDate, promiseAmount: a new check-in needs an id of its own`);
    expect((await t.api('GET', `/api/accounts/${accountId}`)).body.balanceDue).toBe(700);
    expect((await t.api('GET', `/api/payments?accountId=${accountId}`)).body.payments).toEqual([first]);
    expect((await t.api('GET', `/api/checkins?visitId=${visitId}`)).body.checkins.map((c: { outcome: string }) => c.outcome)).toEqual(['promise']);
  });

  it("acknowledges a phone's resend that is another record, and keeps it as rejected; an exact resend is not", async () => {
    const accountId = await account('IDEM-3', 1000);
    const visitId = await visit(accountId);
    const payment = { id: uuid(), accountId, ts: ago(8), amount: 10.005, currency: 'MXN', method: 'cash' };
    const checkin = { id: uuid(), visitId, ts: ago(7), ...HOME, outcome: 'partial' };
    await publish('payment', payment);
    await publish('checkin', checkin);
    const rejectedBefore = (await t.api('GET', '/api/records/rejected')).body.records.length;
    // The same again (the amount as sent, stored to the cent): duplicates, nothing rejected.
    await publish('payment', payment);
    await publish('checkin', checkin);
    expect((await t.api('GET', '/api/records/rejected')).body.records).toHaveLength(rejectedBefore);
    // publishAsync resolves on the PUBACK: the phone is told to stop resending.
    await publish('payment', { ...payment, amount: 20 });
    await publish('checkin', { ...checkin, outcome: 'paid' });
    const records = (await t.api('GET', '/api/records/rejected')).body.records.slice(0, 2);
    expect(records.map((r: any) => [r.uniqueId, r.kind, r.reason])).toEqual([
      ['ana-phone', 'checkin', `check-in ${checkin.id} is already stored with another outcome: a new check-in needs an id of its own`],
      ['ana-phone', 'payment', `payment ${payment.id} is already stored with another amount: a new payment needs an id of its own`],
    ]);
    expect(JSON.parse(records[1].payload)).toMatchObject({ id: payment.id, amount: 20 });
    expect((await t.api('GET', `/api/payments?accountId=${accountId}`)).body.payments.map((p: { amount: number }) => p.amount)).toEqual([10.01]);
    expect((await t.api('GET', `/api/checkins?visitId=${visitId}`)).body.checkins.map((c: { outcome: string }) => c.outcome)).toEqual(['partial']);

    // Another team's phone under Ana's ids: refused as any write to her team is.
    const dora = await createCollector(t, 'Dora', poniente);
    const dev = await t.createDevice('dora-phone', dora);
    const theirs = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'dora-phone', password: dev.token, reconnectPeriod: 0 });
    await theirs.publishAsync('ronda/dora-phone/payment', JSON.stringify(payment), { qos: 1 });
    await theirs.publishAsync('ronda/dora-phone/checkin', JSON.stringify(checkin), { qos: 1 });
    await theirs.endAsync();
    const reasons = (await t.api('GET', '/api/records/rejected')).body.records.filter((r: any) => r.uniqueId === 'dora-phone').map((r: any) => [r.kind, r.reason]);
    expect(reasons).toEqual([
      ['checkin', `device dora-phone is in team ${poniente}, not team ${team}`],
      ['payment', `device dora-phone is in team ${poniente}, not team ${team}`],
    ]);
  });
});

// Last: its promise, due on a past day, would count as broken in the settling above.
describe('promise check-ins that say nothing sensible', () => {
  it('refuses promise fields on a check-in that is not a promise, and a promise due before the day it was made or past a year', async () => {
    const visitId = await visit(await account('CHK-4', 1000));
    // 17:00 UTC on the 23rd is 11:00 on the 23rd in Mexico City, Centro's zone.
    const checkin = (extra: object) => t.api('POST', '/api/checkins', { id: uuid(), visitId, ts: '2026-11-23T17:00:00Z', ...HOME, ...extra });
    const absent = await checkin({ outcome: 'absent', promiseDate: '2026-12-10', promiseAmount: 50 });
    expect(absent.status).toBe(400);
    expect(absent.body).toMatchObject({ reason: 'promise_not_a_promise', values: { outcome: 'absent' } });
    const past = await checkin({ outcome: 'promise', promiseDate: '2025-06-01', promiseAmount: 50 });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ reason: 'promise_date_out_of_range', values: { promiseDate: '2025-06-01', from: '2026-11-23', to: '2027-11-24' } });
    expect((await checkin({ outcome: 'promise', promiseDate: '2026-11-22', promiseAmount: 50 })).body.reason).toBe('promise_date_out_of_range');
    expect((await checkin({ outcome: 'promise', promiseDate: '2027-11-25', promiseAmount: 50 })).body.reason).toBe('promise_date_out_of_range');
    // Nothing of them was stored: no promise, and the visit still waits.
    expect((await t.api('GET', `/api/promises?accountId=${(await t.api('GET', `/api/visits/${visitId}`)).body.accountId}`)).body.promises).toEqual([]);
    expect((await t.api('GET', `/api/visits/${visitId}`)).body.status).toBe('assigned');
    // The day itself is a promise for later today.
    expect((await checkin({ outcome: 'promise', promiseDate: '2026-11-23', promiseAmount: 50 })).status).toBe(201);
  });
});
