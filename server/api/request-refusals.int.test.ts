import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { accountLine, createCollector, createTeam, CSV_HEADER, postCsv } from '../operations/testing/fixtures.ts';

/** Requests an outsider's probe (2026-12-03) found taken in silence, or refused in the database's words. */
let t: TestServer;
let team: number;
let ana: number;
let accountId: number;
let visit: { id: number; version: number };

type Refusal = { statusCode: number; message: string; reason: string };

beforeAll(async () => {
  t = await startTestServer();
  team = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana', team);
  expect((await postCsv(t, [CSV_HEADER, accountLine(1, 'Centro'), accountLine(2, 'Centro')].join('\n'))).status).toBe(200);
  accountId = (await t.api<{ accounts: { id: number }[] }>('GET', '/api/accounts')).body.accounts[0].id;
  const created = await t.api<{ id: number; version: number }>('POST', '/api/visits', { accountId, date: '2026-12-03' });
  expect(created.status).toBe(201);
  visit = created.body;
}, 60_000);
afterAll(async () => t?.close());

describe('a body field no route takes', () => {
  it('is a 400 naming it and the fields the body takes, on every POST as on the PATCHes; nothing is made', async () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', '/api/teams', { name: 'Norte', timezone: 'America/Mexico_City' }, 'body/timezone is unknown; the known fields are name, timeZone, currency'],
      ['POST', '/api/visits', { accountId, date: '2026-12-04', colectorId: ana }, 'body/colectorId is unknown; the known fields are accountId, date, collectorId, priority, window, serviceMinutes'],
      ['POST', '/api/visits/generate', { date: '2026-12-22', teamId: team, maxPerColector: 1 }, 'body/maxPerColector is unknown; the known fields are date, teamId, maxPerCollector'],
      ['POST', '/api/collectors', { name: 'Beto', teamId: team, telefono: '33' }, 'body/telefono is unknown; the known fields are name, teamId, phone, externalId'],
      ['POST', '/api/devices', { uniqueId: 'x-phone', name: 'x', colector: ana }, 'body/colector is unknown; the known fields are uniqueId, name, collectorId, protocol'],
      ['POST', `/api/visits/${visit.id}/reassign`, { collectorId: ana, version: visit.version, force: true }, 'body/force is unknown; the known fields are collectorId, version'],
      ['POST', `/api/visits/${visit.id}/cancel`, { version: visit.version, reason: 'x' }, 'body/reason is unknown; the known fields are version, note'],
      ['POST', `/api/visits/${visit.id}/status`, { status: 'assigned', version: visit.version, nota: 'x' }, 'body/nota is unknown; the known fields are status, version, outcome'],
      [
        'POST',
        '/api/checkins',
        { id: randomUUID(), visitId: visit.id, ts: '2026-12-03T16:00:00Z', lat: 20.66, lon: -103.36, outcome: 'absent', notes: 'x' },
        'body/notes is unknown; the known fields are id, visitId, ts, lat, lon, outcome, note, promiseDate, promiseAmount',
      ],
      [
        'POST',
        '/api/payments',
        { id: randomUUID(), visitId: visit.id, ts: '2026-12-03T16:00:00Z', amount: 10, currency: 'MXN', method: 'cash', reciept: 'A1' },
        'body/reciept is unknown; the known fields are id, visitId, accountId, ts, amount, currency, method, receipt',
      ],
      ['PUT', `/api/plans/settings/teams/${team}`, { office: { lat: 20.6, lon: -103.3, zoom: 3 } }, 'body/office/zoom is unknown; the known fields are lat, lon'],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await t.api<Refusal>(method, path, body);
      expect({ path, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ path, status: 400, reason: 'invalid_request', message });
    }
    expect((await t.api<{ teams: { name: string }[] }>('GET', '/api/teams')).body.teams.map((x) => x.name)).toEqual(['Centro']);
    expect((await t.api<unknown[]>('GET', '/api/visits?date=2026-12-04')).body).toMatchObject({ visits: [] });
    expect((await t.api<unknown[]>('GET', '/api/visits?date=2026-12-22')).body).toMatchObject({ visits: [] });
    expect((await t.api<{ status: string }>('GET', `/api/visits/${visit.id}`)).body).toMatchObject({ status: 'planned', collectorId: null, version: visit.version });
  });
});

describe('text PostgreSQL cannot hold', () => {
  it('is a 400 naming the field, on any route, instead of a name stored with U+FFFD in it or the database\'s words for a NUL', async () => {
    const cases: [string, string, string | undefined, string][] = [
      ['POST', '/api/collectors', `{"name":"A\\ud800B","teamId":${team}}`, 'body/name must be well-formed Unicode (it holds half of a UTF-16 surrogate pair)'],
      ['POST', '/api/teams', '{"name":"Sur\\udc00"}', 'body/name must be well-formed Unicode (it holds half of a UTF-16 surrogate pair)'],
      ['PATCH', `/api/visits/${visit.id}`, `{"version":${visit.version},"note":"ok \\ud83d"}`, 'body/note must be well-formed Unicode (it holds half of a UTF-16 surrogate pair)'],
      ['PUT', `/api/plans/settings/collectors/${ana}`, '{"skills":["moto","\\udfff"]}', 'body/skills/1 must be well-formed Unicode (it holds half of a UTF-16 surrogate pair)'],
      ['POST', '/api/collectors', `{"name":"A\\u0000B","teamId":${team}}`, 'body/name must not hold a NUL character (\\u0000)'],
      ['PATCH', `/api/visits/${visit.id}`, `{"version":${visit.version},"note":"ok\\u0000"}`, 'body/note must not hold a NUL character (\\u0000)'],
      ['GET', '/api/devices/x%00y/positions', undefined, 'params/uniqueId must not hold a NUL character (\\u0000)'],
    ];
    for (const [method, path, body, message] of cases) {
      const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${t.token}` };
      const res = await fetch(t.baseUrl + path, { method, headers, body });
      expect({ path, status: res.status, body: await res.json() }).toEqual({ path, status: 400, body: expect.objectContaining({ reason: 'invalid_request', message }) });
    }
    const names = (await t.api<{ collectors: { name: string }[] }>('GET', '/api/collectors')).body.collectors.map((c) => c.name);
    expect(names).toEqual(['Ana']);
    // A whole pair is one character, and welcome.
    expect((await t.api('POST', '/api/collectors', { name: 'Ana 😀', teamId: team })).status).toBe(201);
  });
});

describe('an id past what the database holds', () => {
  it('is a 400 naming the parameter, in a path, a query or a body, not the database\'s "out of range for type integer"', async () => {
    const cases: [string, string, unknown, string][] = [
      ['GET', '/api/visits/2147483648', undefined, 'params/id must be <= 2147483647'],
      ['PATCH', `/api/teams/2147483648`, { name: 'X' }, 'params/id must be <= 2147483647'],
      ['GET', '/api/visits?collectorId=2147483648', undefined, 'querystring/collectorId must be <= 2147483647'],
      ['GET', `/api/records/rejected?before=${2 ** 53}`, undefined, 'querystring/before must be <= 2147483647'],
      ['GET', `/api/devices/x-phone/positions?collectorId=2147483648`, undefined, 'querystring/collectorId must be <= 2147483647'],
      ['POST', '/api/visits', { accountId: 2147483648, date: '2026-12-04' }, 'body/accountId must be <= 2147483647'],
      ['POST', `/api/visits/${visit.id}/cancel`, { version: 2147483648 }, 'body/version must be <= 2147483647'],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await t.api<Refusal>(method, path, body);
      expect({ path, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ path, status: 400, reason: 'invalid_request', message });
    }
    // The largest id there can be is looked for, and is not there.
    expect(await t.api<Refusal>('GET', '/api/visits/2147483647')).toMatchObject({ status: 404, body: { reason: 'visit_not_found' } });
  });
});

describe('a number in a path or a query string', () => {
  it('is read only as plain decimal digits: 0x1F, 1e1, +25, 25.0 and " 25" are 400s, not visits 31, 10 and 25', async () => {
    const id = visit.id;
    for (const text of [`0x${id.toString(16)}`, `${id / 10}e1`, `+${id}`, `${id}.0`, `%20${id}`, `${id}%20`, '0b1', '']) {
      const r = await t.api<Refusal>('GET', `/api/visits/${text}`);
      expect({ text, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ text, status: 400, reason: 'invalid_request', message: 'params/id must be a decimal integer' });
    }
    const write = await t.api<Refusal>('POST', `/api/visits/+${id}/cancel`, { version: visit.version });
    expect(write).toMatchObject({ status: 400, body: { message: 'params/id must be a decimal integer' } });
    expect((await t.api<{ status: string }>('GET', `/api/visits/${id}`)).body.status).toBe('planned');
    const query = await t.api<Refusal>('GET', `/api/visits?collectorId=0x${ana.toString(16)}`);
    expect(query).toMatchObject({ status: 400, body: { reason: 'invalid_request', message: 'querystring/collectorId must be a decimal integer' } });
    expect((await t.api('GET', `/api/visits?collectorId=${ana}&limit=10`)).status).toBe(200);
    expect((await t.api('GET', `/api/visits/${id}`)).status).toBe(200);
  });
});

describe('a day', () => {
  const DAY = 'must be a day that exists, YYYY-MM-DD, from 2000-01-01 to 2099-12-31';

  it('that does not exist is a 400 naming the field, in a body, a path or a query, not the database\'s "date/time field value out of range"', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/visits', { accountId, date: '2026-02-30' }, `body/date ${DAY}`],
      ['PATCH', `/api/visits/${visit.id}`, { version: visit.version, date: '2026-04-31' }, `body/date ${DAY}`],
      ['POST', '/api/checkins', { id: randomUUID(), visitId: visit.id, ts: '2026-12-03T16:00:00Z', lat: 20.66, lon: -103.36, outcome: 'promise', promiseDate: '2026-02-30', promiseAmount: 100 }, `body/promiseDate ${DAY}`],
      ['GET', '/api/plans/2026-02-30', undefined, `params/date ${DAY}`],
      ['GET', '/api/visits?date=2027-02-29', undefined, `querystring/date ${DAY}`],
      ['GET', '/api/payments/cash?date=2026-13-01', undefined, `querystring/date ${DAY}`],
      ['GET', '/api/metrics/collectors?from=2026-02-30&to=2026-03-02', undefined, `querystring/from ${DAY}`],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await t.api<Refusal>(method, path, body);
      expect({ path, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ path, status: 400, reason: 'invalid_request', message });
    }
    // A leap day is a day.
    expect((await t.api('GET', '/api/visits?date=2028-02-29')).status).toBe(200);
    expect((await t.api('GET', '/api/plans?date=2000-02-29')).status).toBe(200);
  });

  it('of another age is refused: visits in year 1 or 9999 are typos, never a working day', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/visits', { accountId, date: '0001-01-01' }, `body/date ${DAY}`],
      ['POST', '/api/visits/generate', { date: '9999-12-31', teamId: team }, `body/date ${DAY}`],
      ['POST', '/api/plans/optimize', { date: '2100-01-01', teamId: team }, `body/date ${DAY}`],
      ['GET', '/api/metrics/summary?from=1999-12-31&to=2000-01-02&groupBy=day', undefined, `querystring/from ${DAY}`],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await t.api<Refusal>(method, path, body);
      expect({ path, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ path, status: 400, reason: 'invalid_request', message });
    }
    expect((await t.api<{ visits: unknown[] }>('GET', `/api/visits?date=2099-12-31`)).body.visits).toEqual([]);
  });

  it('range of metrics too long says so, not that from is after to', async () => {
    const r = await t.api<Refusal>('GET', '/api/metrics/collectors?from=2025-01-01&to=2026-12-03');
    expect(r).toMatchObject({ status: 400, body: { reason: 'invalid_request', message: 'the range from 2025-01-01 to 2026-12-03 is 702 days long; it may be at most 366' } });
    const reversed = await t.api<Refusal>('GET', '/api/metrics/collectors?from=2026-12-03&to=2026-12-01');
    expect(reversed).toMatchObject({ status: 400, body: { message: 'querystring/from must not be after to (from 2026-12-03, to 2026-12-01)' } });
    expect((await t.api('GET', '/api/metrics/collectors?from=2025-12-03&to=2026-12-03')).status).toBe(200);
  });
});

describe("a team's name", () => {
  it('taken by another team is refused in words on a rename as on a new team, not in the database\'s "duplicate key value violates unique constraint"', async () => {
    const poniente = await createTeam(t, 'Poniente');
    for (const [method, path] of [['PATCH', `/api/teams/${team}`], ['POST', '/api/teams']]) {
      const r = await t.api<Refusal & { values: unknown }>(method, path, { name: 'Poniente' });
      expect({ path, status: r.status, body: r.body }).toMatchObject({
        path,
        status: 409,
        body: { reason: 'team_name_taken', message: `team ${poniente} is named "Poniente"`, values: { name: 'Poniente', teamId: poniente } },
      });
    }
    expect((await t.api('DELETE', `/api/teams/${poniente}`)).status).toBe(204);
  });

  it('is stored trimmed, and one of spaces only is a 400, on creation and on a rename, as a collector\'s', async () => {
    for (const [method, path] of [['POST', '/api/teams'], ['PATCH', `/api/teams/${team}`]]) {
      const r = await t.api<Refusal>(method, path, { name: '   ' });
      expect({ path, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({
        path,
        status: 400,
        reason: 'invalid_request',
        message: 'body/name is blank: a team needs a name that is not only spaces',
      });
    }
    const norte = await t.api<{ id: number }>('POST', '/api/teams', { name: ' Norte  ' });
    expect(norte.status).toBe(201);
    expect((await t.api('PATCH', `/api/teams/${team}`, { name: '\tCentro ' })).body).toMatchObject({ id: team, name: 'Centro' });
    const names = (await t.api<{ teams: { name: string }[] }>('GET', '/api/teams')).body.teams.map((x) => x.name);
    expect(names).toEqual(['Centro', 'Norte']);
    // Trimmed before it is compared: " Norte " is Norte's name.
    expect((await t.api<Refusal>('POST', '/api/teams', { name: 'Norte ' })).body).toMatchObject({ reason: 'team_name_taken', message: `team ${norte.body.id} is named "Norte"` });
    expect((await t.api('DELETE', `/api/teams/${norte.body.id}`)).status).toBe(204);
  });
});

describe("a team's deviation rules", () => {
  const rules = () => t.api<Record<string, Record<string, number>>>('GET', `/api/teams/${team}/deviation-rules`);

  it('refuse thresholds that make a rule noise, naming the field and its bounds; the rules stay as they were', async () => {
    const before = (await rules()).body;
    const cases: [Record<string, unknown>, string][] = [
      [{ offRoute: { corridorM: 1e-300, openAfterS: 0 } }, 'body/offRoute/corridorM must be >= 30'],
      [{ offRoute: { openAfterS: 86_400 } }, 'body/offRoute/openAfterS must be <= 3600'],
      [{ longStop: { minutes: 0, radiusM: 0 } }, 'body/longStop/radiusM must be >= 20'],
      [{ longStop: { minutes: 0 } }, 'body/longStop/minutes must be >= 1'],
      [{ offRoute: { corridorM: 100_000 } }, 'body/offRoute/corridorM must be <= 5000'],
      [{ speeding: { limitKph: 0 } }, 'body/speeding/limitKph must be >= 10'],
      [{ offline: { minutes: 0 } }, 'body/offline/minutes must be >= 0.05'],
      [{ offRoute: { hysteresisM: 100 } }, "body/offRoute/hysteresisM: hysteresisM (100) must be below corridorM (100), the team's corridorM now"],
      [{ offRoute: { corridorM: 30, hysteresisM: 30 } }, 'body/offRoute/hysteresisM: hysteresisM (30) must be below corridorM (30)'],
      [{ arrivedNoCheckin: { leaveRadiusM: 40 } }, "body/arrivedNoCheckin/leaveRadiusM: leaveRadiusM (40) must be at least radiusM (50), the team's radiusM now"],
      [{ lowBattery: { openBelowPct: 30 } }, "body/lowBattery/openBelowPct: closeAbovePct (20) must be at least openBelowPct (30)"],
    ];
    for (const [body, message] of cases) {
      const r = await t.api<Refusal>('PATCH', `/api/teams/${team}/deviation-rules`, body);
      expect({ body, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ body, status: 400, reason: 'invalid_request', message });
    }
    expect((await rules()).body).toEqual(before);
  });

  it('take sensible settings at their bounds', async () => {
    // A timer of 0 decides on one fix: a choice (bench:deviations makes it), not noise.
    const r = await t.api('PATCH', `/api/teams/${team}/deviation-rules`, { offRoute: { corridorM: 30, hysteresisM: 10, openAfterS: 0, closeAfterS: 0 }, longStop: { minutes: 1, radiusM: 20 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ offRoute: { corridorM: 30, hysteresisM: 10, openAfterS: 0, closeAfterS: 0 }, longStop: { minutes: 1, radiusM: 20 } });
    expect((await t.api('PATCH', `/api/teams/${team}/deviation-rules`, { lowBattery: { openBelowPct: 25, closeAbovePct: 30 } })).status).toBe(200);
  });
});

describe('a place at lat 0, lon 0', () => {
  const NO_FIX = 'must not be 0 with lon 0: lat/lon 0,0 is not an address (missing coordinates)';

  it("is refused as an office, an account's place or a check-in's, as the accounts import refuses it; the settings stay as they were", async () => {
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: { lat: 20.6767, lon: -103.3475 } })).status).toBe(204);
    const cases: [string, string, unknown, string][] = [
      ['PUT', `/api/plans/settings/teams/${team}`, { office: { lat: 0, lon: 0 } }, `body/office/lat ${NO_FIX}`],
      ['PATCH', `/api/accounts/${accountId}`, { lat: 0, lon: 0 }, `body/lat ${NO_FIX}`],
      ['POST', '/api/checkins', { id: randomUUID(), visitId: visit.id, ts: '2026-12-03T16:00:00Z', lat: 0, lon: 0, outcome: 'absent' }, `body/lat ${NO_FIX}`],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await t.api<Refusal>(method, path, body);
      expect({ path, status: r.status, reason: r.body.reason, message: r.body.message }).toEqual({ path, status: 400, reason: 'invalid_request', message });
    }
    expect((await t.api('GET', `/api/plans/settings/teams/${team}`)).body.office).toEqual({ lat: 20.6767, lon: -103.3475 });
    // On the equator or the meridian is a place.
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: { lat: 0, lon: -78.5 } })).status).toBe(204);
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: null })).status).toBe(204);
  });
});
