import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { accountLine, createCollector, createTeam, CSV_HEADER, loginAs, postCsv } from '../operations/testing/fixtures.ts';

/** Requests an outsider's fuzzing sent (2026-11-30) that stored nonsense or answered 500. */
let t: TestServer;
let team: number;
let other: number;
let accountId: number;
let visitId: number;

/** A body sent as written: JSON.stringify cannot produce 1e400. */
async function raw(method: string, path: string, body: string, token = t.token) {
  const res = await fetch(t.baseUrl + path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  t = await startTestServer();
  team = await createTeam(t, 'Centro');
  other = await createTeam(t, 'Poniente');
  expect((await postCsv(t, [CSV_HEADER, accountLine(1, 'Centro')].join('\n'))).status).toBe(200);
  accountId = (await t.api<{ accounts: { id: number }[] }>('GET', '/api/accounts')).body.accounts[0].id;
  const visit = await t.api<{ id: number }>('POST', '/api/visits', { accountId, date: '2026-11-30', priority: 50 });
  expect(visit.status).toBe(201);
  visitId = visit.body.id;
}, 60_000);
afterAll(async () => t?.close());

const account = async () => (await t.api('GET', `/api/accounts/${accountId}`)).body;

describe('JSON bodies are taken as sent', () => {
  it('refuses a string, null or true where a number belongs, and leaves the account as it was', async () => {
    const before = await account();
    for (const patch of [{ lat: 'Infinity', lon: -103.3 }, { balanceDue: null }, { balanceDue: '' }, { daysPastDue: true }, { teamId: true }, { balanceDue: '500' }]) {
      const r = await t.api<{ message: string }>('PATCH', `/api/accounts/${accountId}`, patch);
      expect(r.status, JSON.stringify(patch)).toBe(400);
    }
    expect(await account()).toEqual(before);
    expect((await t.api('GET', '/api/accounts')).status).toBe(200);
  });

  it('refuses 1e400 (an infinity once parsed) with a message naming the field, and stores no check-in', async () => {
    const r = await raw('POST', '/api/checkins', `{"id":"${randomUUID()}","visitId":${visitId},"ts":"2026-11-30T16:00:00Z","lat":20.66,"lon":1e400,"outcome":"absent"}`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/lon must be (a finite )?number/);
    expect((await t.api<{ checkins: unknown[] }>('GET', `/api/checkins?visitId=${visitId}`)).body.checkins).toEqual([]);
    const payment = await raw('POST', '/api/payments', `{"id":"${randomUUID()}","visitId":${visitId},"ts":"2026-11-30T16:00:00Z","amount":1e400,"currency":"MXN","method":"cash"}`);
    expect(payment.status).toBe(400);
  });

  it('still reads numbers from the query string and the path', async () => {
    expect((await t.api('GET', `/api/accounts/${accountId}`)).status).toBe(200);
    expect((await t.api<{ accounts: unknown[] }>('GET', '/api/accounts?limit=1')).body.accounts).toHaveLength(1);
    expect((await t.api('GET', '/api/checkins?limit=Infinity')).status).toBe(400);
  });
});

describe('settings refuse what would break the team', () => {
  it('deviation rules: an unknown or nested key and an impossible number are 400, and the rules still read', async () => {
    // 5,000 levels deep overflowed the stack of the server's merge (and of JSON.stringify here).
    const nested = `{"offRoute":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    expect((await raw('PATCH', `/api/teams/${team}/deviation-rules`, nested)).status).toBe(400);
    for (const body of [{ offRoute: { corridorm: 50 } }, { visitOrder: { slack: 'Infinity' } }, { visitOrder: { slack: 1e20 } }]) {
      expect((await t.api('PATCH', `/api/teams/${team}/deviation-rules`, body)).status).toBe(400);
    }
    const rules = await t.api<{ visitOrder: { slack: number } }>('GET', `/api/teams/${team}/deviation-rules`);
    expect(rules.status).toBe(200);
    expect(rules.body.visitOrder.slack).toBe(1);
  });

  it('a team patch with no known field is 400, not a database error', async () => {
    const r = await t.api<{ message: string }>('PATCH', `/api/teams/${team}`, { foo: 1 });
    expect(r.status).toBe(400);
    expect(r.body.message).not.toMatch(/syntax/);
  });

  it('a collector speed factor near zero is refused (it made every plan of the team fail)', async () => {
    const ana = await createCollector(t, 'Ana', team);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { speedFactor: 1e-300 })).status).toBe(400);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { speedFactor: 0.8 })).status).toBe(204);
  });
});

describe('a team\'s people stay in their team', () => {
  it('a supervisor neither adds a collector to another team nor gives a device to another team\'s collector, nor sees its devices', async () => {
    const supervisor = await loginAs(t, 'supervisor', team);
    const theirs = await createCollector(t, 'Beto', other);
    const ours = await createCollector(t, 'Carla', team);
    expect((await t.api('POST', '/api/collectors', { name: 'X', teamId: other }, supervisor)).status).toBe(403);
    expect((await t.api('POST', '/api/collectors', { name: 'X', teamId: null }, supervisor)).status).toBe(403);
    expect((await t.api('POST', '/api/collectors', { name: 'Dora', teamId: team }, supervisor)).status).toBe(201);
    const missing = await t.api<{ message: string }>('POST', '/api/collectors', { name: 'Eva', teamId: 999_999 });
    expect(missing).toEqual({ status: 404, body: expect.objectContaining({ message: 'team 999999 does not exist' }) });

    expect((await t.api('POST', '/api/devices', { uniqueId: 'their-phone', name: 'x', collectorId: theirs }, supervisor)).status).toBe(404);
    expect((await t.api('POST', '/api/devices', { uniqueId: 'our-phone', name: 'x', collectorId: ours }, supervisor)).status).toBe(201);
    expect((await t.api('POST', '/api/devices', { uniqueId: 'beto-phone', name: 'x', collectorId: theirs })).status).toBe(201);
    expect((await t.api('POST', '/api/devices', { uniqueId: 'spare-phone', name: 'x' })).status).toBe(201);

    const seen = (await t.api<{ devices: { uniqueId: string }[] }>('GET', '/api/devices', undefined, supervisor)).body.devices.map((d) => d.uniqueId);
    expect(seen).toEqual(['our-phone', 'spare-phone']);
    expect((await t.api('GET', '/api/devices/beto-phone/positions', undefined, supervisor)).status).toBe(404);
    expect((await t.api('GET', '/api/devices/our-phone/positions', undefined, supervisor)).status).toBe(200);
  });

  it('metrics of another team are refused, as plans and rules are, not answered with one\'s own', async () => {
    const dispatcher = await loginAs(t, 'dispatcher', team);
    const q = 'from=2026-11-01&to=2026-11-30';
    expect((await t.api('GET', `/api/metrics/collectors?${q}&teamId=${other}`, undefined, dispatcher)).status).toBe(403);
    expect((await t.api('GET', `/api/metrics/summary?${q}&groupBy=team&teamId=${other}`, undefined, dispatcher)).status).toBe(403);
    expect((await t.api('GET', `/api/metrics/collectors?${q}&teamId=${team}`, undefined, dispatcher)).status).toBe(200);
  });

  it('a login answers an unknown email as slowly as a wrong password, so timing does not tell which emails exist', async () => {
    const timed = async (email: string) => {
      const started = performance.now();
      expect((await t.api('POST', '/api/auth/login', { email, password: 'not-it' }, null)).status).toBe(401);
      return performance.now() - started;
    };
    await timed('nobody@test.local');
    const median = async (email: string) => {
      const times = [];
      for (let i = 0; i < 5; i++) times.push(await timed(email));
      return times.sort((a, b) => a - b)[2];
    };
    const known = await median(ADMIN.email);
    const unknown = await median('nobody@test.local');
    // A bcrypt comparison (10 rounds) is tens of milliseconds; a lookup that finds no row, a few.
    expect(unknown).toBeGreaterThan(known / 2);
  });
});

describe('the accounts import', () => {
  it('refuses a row with a field longer than the API allows, and imports the rest', async () => {
    const long = accountLine(2, 'Centro', { name: 'N'.repeat(201) });
    const r = await postCsv(t, [CSV_HEADER, long, accountLine(3, 'Centro')].join('\n'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ imported: 1, invalid: [{ line: 2, externalId: 'ACC-00002', code: 'tooLong', reason: 'name is 201 characters long; at most 200' }] });
  });

  it('reads a spreadsheet saved in Windows-1252 (Spanish Windows) with its accents', async () => {
    const text = [CSV_HEADER, accountLine(4, 'Centro', { name: 'José Peña Muñoz' })].join('\r\n');
    const bytes = Buffer.from(text, 'latin1');
    const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: bytes });
    expect(res.status).toBe(200);
    const names = (await t.api<{ accounts: { name: string }[] }>('GET', '/api/accounts?search=Pe')).body.accounts.map((a) => a.name);
    expect(names).toContain('José Peña Muñoz');
  });

  it('?teamId= is the team of new accounts: re-importing an existing one without a team column keeps its team', async () => {
    const noTeam = 'external_id,name,lat,lon,balance_due';
    const r = await postCsv(t, [noTeam, 'ACC-00001,Deudor 1 (nuevo nombre),20.661,-103.36,900'].join('\n'), `?teamId=${other}`);
    expect(r.body).toMatchObject({ imported: 1, updated: 1 });
    expect(await account()).toMatchObject({ name: 'Deudor 1 (nuevo nombre)', teamId: team });
  });
});
