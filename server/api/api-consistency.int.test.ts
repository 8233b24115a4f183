import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../device-protocols/messages.ts';
import { ACCOUNT_REFUSALS } from '../contract/account.ts';
import { SCOPE_REFUSALS } from '../contract/auth.ts';
import { CHECKIN_REFUSALS } from '../contract/checkin.ts';
import { COLLECTOR_REFUSALS } from '../contract/collector.ts';
import { DEVICE_REFUSALS } from '../contract/device.ts';
import { PAYMENT_REFUSALS } from '../contract/payment.ts';
import { PLAN_REFUSALS } from '../contract/plan.ts';
import { REQUEST_REFUSALS, type RefusalTable } from '../contract/refusal.ts';
import { TEAM_REFUSALS } from '../contract/team.ts';
import { USER_REFUSALS } from '../contract/user.ts';
import { VISIT_REFUSALS } from '../contract/visit.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { accountLine, createCollector, createTeam, CSV_HEADER, loginAs, postCsv } from '../operations/testing/fixtures.ts';

/** Where an outsider's probe of the API (2026-11-30) found one route answering unlike the others. */
let t: TestServer;
let centro: number;
let poniente: number;
let ana: number;
let carla: number;
let centroAccount: number;
let centroVisit: { id: number; version: number };
/** A dispatcher of Poniente: Centro's records are not theirs to see. */
let ponienteDispatcher: string;

const T0 = Date.parse('2026-11-30T15:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

async function fixes(uniqueId: string, seconds: number[]) {
  const dev = await t.server.dbh.db.selectFrom('devices').select(['id', 'collector_id']).where('unique_id', '=', uniqueId).executeTakeFirstOrThrow();
  const r = await t.server.ingest.submitPositions(
    { deviceId: dev.id, uniqueId, collectorId: dev.collector_id },
    'mqtt',
    seconds.map((s) => ({ kind: 'position' as const, fixTime: new Date(T0 + s * 1000), lat: 20.6767 + s * 1e-5, lon: -103.3475, valid: true, attributes: {} })),
  );
  expect(r.stored).toBe(seconds.length);
}

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  poniente = await createTeam(t, 'Poniente');
  ana = await createCollector(t, 'Ana', centro);
  carla = await createCollector(t, 'Carla', poniente);
  await t.createDevice('ana-phone', ana);
  await fixes('ana-phone', [0, 10, 20, 30, 40]);
  expect((await postCsv(t, [CSV_HEADER, accountLine(1, 'Centro'), accountLine(2, 'Poniente')].join('\n'))).status).toBe(200);
  centroAccount = (await t.api<{ accounts: { id: number }[] }>('GET', `/api/accounts?teamId=${centro}`)).body.accounts[0].id;
  const visit = await t.api<{ id: number; version: number }>('POST', '/api/visits', { accountId: centroAccount, date: '2026-11-30' });
  expect(visit.status).toBe(201);
  centroVisit = visit.body;
  ponienteDispatcher = await loginAs(t, 'dispatcher', poniente);
}, 60_000);
afterAll(async () => t?.close());

describe('a range whose from is after its to', () => {
  it('is a 400 naming both parameters on every list that takes a range, as metrics already said', async () => {
    const from = '2026-11-30T16:00:00Z';
    const to = '2026-11-30T15:00:00Z';
    for (const path of [
      `/api/devices/ana-phone/positions?from=${from}&to=${to}`,
      `/api/events?from=${from}&to=${to}`,
      `/api/checkins?from=${from}&to=${to}`,
      '/api/metrics/collectors?from=2026-11-30&to=2026-11-01',
      '/api/metrics/summary?from=2026-11-30&to=2026-11-01&groupBy=day',
    ]) {
      const r = await t.api<{ message: string }>('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.message, path).toMatch(/from must not be after to/);
    }
    const positions = await t.api<{ message: string }>('GET', `/api/devices/ana-phone/positions?from=${from}&to=${to}`);
    expect(positions.body.message).toBe(`querystring/from must not be after to (from ${from}, to ${to})`);
  });

  it('an empty range, and a range in another zone that is in order, still answer', async () => {
    expect((await t.api('GET', `/api/devices/ana-phone/positions?from=${at(0)}&to=${at(0)}`)).body).toEqual({ positions: [], next: null });
    // 10:00 in Mexico City is 16:00Z: after 15:30Z, though it reads as an earlier hour.
    expect((await t.api('GET', '/api/events?from=2026-11-30T15:30:00Z&to=2026-11-30T10:00:00-06:00')).status).toBe(200);
  });
});

describe('positions past the limit', () => {
  type Page = { positions: { ts: string }[]; next: string | null };
  const page = async (query: string) => (await t.api<Page>('GET', `/api/devices/ana-phone/positions?${query}`)).body;

  it('say that they were cut and where the rest starts, and following `next` gets every position once', async () => {
    const range = `from=${at(-60)}&to=${at(3600)}`;
    const first = await page(`${range}&limit=2`);
    expect(first).toMatchObject({ positions: [{ ts: at(0) }, { ts: at(10) }], next: at(20) });
    const seen = [...first.positions];
    let next = first.next;
    while (next !== null) {
      const more = await page(`from=${next}&to=${at(3600)}&limit=2`);
      seen.push(...more.positions);
      next = more.next;
    }
    expect(seen.map((p) => p.ts)).toEqual([0, 10, 20, 30, 40].map(at));
    expect(await page(`${range}&limit=5`)).toMatchObject({ next: null });
    expect((await page(range)).positions).toHaveLength(5);
  });

  it('take a limit up to the documented maximum, no more', async () => {
    expect((await t.api('GET', '/api/devices/ana-phone/positions?limit=100000')).status).toBe(200);
    expect((await t.api('GET', '/api/devices/ana-phone/positions?limit=100001')).status).toBe(400);
  });
});

describe('a device registered with a protocol', () => {
  it('takes only a protocol Ronda speaks, and a refusal names them', async () => {
    const bad = await t.api<{ message: string }>('POST', '/api/devices', { uniqueId: 'odd-tracker', name: 'x', protocol: 'tk103' });
    expect(bad.status).toBe(400);
    for (const p of PROTOCOLS) expect(bad.body.message).toContain(`"${p}"`);
    expect(bad.body.message).not.toMatch(/equal to constant|anyOf/);
    expect((await t.api('GET', '/api/devices')).body.devices.map((d: { uniqueId: string }) => d.uniqueId)).not.toContain('odd-tracker');
    const good = await t.api('POST', '/api/devices', { uniqueId: 'real-tracker', name: 'x', protocol: 'teltonika' });
    expect(good.status).toBe(201);
    expect(good.body.protocol).toBe('teltonika');
    expect((await t.api('POST', '/api/devices', { uniqueId: 'any-phone', name: 'x', protocol: null })).status).toBe(201);
  });
});

describe("a team's currency", () => {
  it('is an ISO 4217 code: an unknown one is a 400 naming it, on creation and change', async () => {
    const made = await t.api<{ message: string }>('POST', '/api/teams', { name: 'Moneda rara', currency: 'ABC' });
    expect(made).toEqual({ status: 400, body: expect.objectContaining({ message: expect.stringMatching(/unknown currency "ABC"/) }) });
    expect((await t.api<{ teams: { name: string }[] }>('GET', '/api/teams')).body.teams.map((x) => x.name)).not.toContain('Moneda rara');
    const changed = await t.api<{ message: string }>('PATCH', `/api/teams/${poniente}`, { currency: 'XYZ' });
    expect(changed.status).toBe(400);
    expect(changed.body.message).toMatch(/unknown currency "XYZ"/);
    expect((await t.api('PATCH', `/api/teams/${poniente}`, { currency: 'COP' })).body).toMatchObject({ currency: 'COP' });
    expect((await t.api('PATCH', `/api/teams/${poniente}`, { currency: 'MXN' })).body).toMatchObject({ currency: 'MXN' });
  });
});

describe('a disabled device', () => {
  it("no longer gives its collector's last position; it stays listed, marked, for its past trail", async () => {
    const beto = await createCollector(t, 'Beto', centro);
    await t.createDevice('beto-phone', beto);
    await fixes('beto-phone', [5]);
    type Row = { id: number; devices: { uniqueId: string; active: boolean }[]; last: { uniqueId: string } | null };
    const row = async () => (await t.api<{ collectors: Row[] }>('GET', '/api/collectors')).body.collectors.find((c) => c.id === beto)!;
    expect(await row()).toMatchObject({ devices: [{ uniqueId: 'beto-phone', active: true }], last: { uniqueId: 'beto-phone' } });

    expect((await t.api('PATCH', '/api/devices/beto-phone', { active: false })).status).toBe(200);
    expect(await row()).toMatchObject({ devices: [{ uniqueId: 'beto-phone', active: false }], last: null });
    expect((await t.api('GET', `/api/devices/beto-phone/positions?from=${at(0)}&to=${at(60)}`)).body.positions).toHaveLength(1);

    expect((await t.api('PATCH', '/api/devices/beto-phone', { active: true })).status).toBe(200);
    expect(await row()).toMatchObject({ last: { uniqueId: 'beto-phone' } });
  });
});

describe('the OpenAPI document', () => {
  type Parameter = { in: string; name: string; required?: boolean; schema: { enum?: string[]; anyOf?: { enum?: string[] }[] } };
  type Media = Record<string, unknown>;
  type Operation = { security?: unknown[]; parameters?: Parameter[]; requestBody?: { content: Media }; responses: Record<string, { content?: Media }> };
  const PUBLIC = ['post /api/auth/login', 'get /api/health'];
  const operations = async () => {
    const doc = (await t.api<{ paths: Record<string, Record<string, Operation>> }>('GET', '/api/docs/json', undefined, null)).body;
    return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path}`, method, path, op })));
  };
  const urlOf = (path: string) => path.replace(/\{date\}/g, '2026-11-30').replace(/\{\w+\}/g, '1');

  it('documents a 401 on every route that needs a token, and shows the public ones as public', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(40);
    for (const { key, op } of ops) {
      if (PUBLIC.includes(key)) expect(op.security, key).toEqual([]);
      else expect(Object.keys(op.responses), key).toContain('401');
    }
  });

  it('documents what the routes answer: a request without a token, or from a role the route refuses; every refusal carries a reason', async () => {
    const collector = await (async () => {
      await t.server.auth.createUser({ email: 'ana@test.local', name: 'Ana', password: 'pw-123456', role: 'collector', teamId: centro, collectorId: ana });
      return (await t.api('POST', '/api/auth/login', { email: 'ana@test.local', password: 'pw-123456' }, null)).body.token as string;
    })();
    const answered = { 401: 0, 403: 0 };
    const refused: Record<number, number> = {};
    for (const { key, method, path, op } of await operations()) {
      if (key === 'post /api/auth/logout') continue;
      // Poniente's dispatcher: a role most routes take, of a team whose records `1` is not, so its writes are refused too.
      for (const token of [null, collector, ponienteDispatcher]) {
        const res = await fetch(t.baseUrl + urlOf(path), {
          method: method.toUpperCase(),
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'get' ? {} : { 'content-type': 'application/json' }) },
          body: method === 'get' ? undefined : '{}',
        });
        const text = await res.text();
        if (res.status === 401 || res.status === 403) {
          answered[res.status]++;
          expect(Object.keys(op.responses), `${key} answered ${res.status}`).toContain(String(res.status));
        }
        // Whatever refuses it (the token hook, the schema, the route, the database), a client can act on the code.
        if (res.status >= 400 && res.status < 500) {
          refused[res.status] = (refused[res.status] ?? 0) + 1;
          expect({ key, status: res.status, reason: (JSON.parse(text) as { reason?: unknown }).reason }).toEqual({ key, status: res.status, reason: expect.any(String) });
        }
      }
    }
    // The probe reached the refusals it checks (most routes validate a body before they look at the token).
    expect(answered[401]).toBeGreaterThan(15);
    expect(answered[403]).toBeGreaterThan(10);
    expect(Object.keys(refused)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409']));
    expect(await t.api('GET', '/api/users', undefined, collector)).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'role collector may not do this', reason: 'role_not_allowed', values: { role: 'collector' } },
    });
    expect(await t.api('GET', '/api/users', undefined, null)).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'a valid bearer token is required', reason: 'unauthenticated', values: {} },
    });
    expect(await t.api('GET', '/api/no-such-route')).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'no route GET /api/no-such-route', reason: 'no_route', values: {} },
    });
  });

  it('refuses on every route a query parameter it does not declare, naming it and the ones it does (?form= for ?from= read as no range)', async () => {
    // What a route requires, so that the unknown parameter is the only fault: a day, or a choice's first value.
    const valueOf = (p: Parameter) => p.schema.enum?.[0] ?? p.schema.anyOf?.[0].enum?.[0] ?? '2026-11-30';
    const routes = (await operations()).filter(({ op }) => op.parameters?.some((p) => p.in === 'query'));
    expect(routes.length).toBeGreaterThan(12);
    for (const { key, method, path, op } of routes) {
      const declared = op.parameters!.filter((p) => p.in === 'query');
      const query = new URLSearchParams(declared.filter((p) => p.required).map((p) => [p.name, valueOf(p)]));
      const send = (q: URLSearchParams) =>
        fetch(`${t.baseUrl}${urlOf(path)}?${q}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${t.token}`, ...(method === 'get' ? {} : { 'content-type': 'text/csv' }) },
          body: method === 'get' ? undefined : CSV_HEADER,
        });
      const refused = await send(new URLSearchParams([...query, ['form', '2026-01-01']]));
      expect({ key, status: refused.status, body: await refused.json() }).toEqual({
        key,
        status: 400,
        body: expect.objectContaining({ message: `querystring/form is unknown; the known parameters are ${declared.map((p) => p.name).join(', ')}` }),
      });
      // The same request without it passes the query's validation: the 400 was the unknown parameter's.
      const taken = await (await send(query)).text();
      expect(taken, key).not.toMatch(/"message":"querystring/);
    }
  });

  it('closes every JSON body, at every level: a field the route does not declare is refused, not ignored', async () => {
    const open = (schema: unknown, at: string): string[] => {
      if (schema === null || typeof schema !== 'object') return [];
      const s = schema as { type?: string; enum?: unknown; properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown; anyOf?: unknown[]; oneOf?: unknown[]; allOf?: unknown[] };
      // OpenAPI 3.0 has no null type: the document writes `null` as an object whose only value is null.
      const here = s.type === 'object' && s.enum === undefined && s.additionalProperties !== false ? [at] : [];
      const inner = [
        ...Object.entries(s.properties ?? {}).flatMap(([k, v]) => open(v, `${at}/${k}`)),
        ...open(s.items, `${at}[]`),
        ...[...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].flatMap((b) => open(b, at)),
      ];
      return [...here, ...inner];
    };
    const bodies = (await operations()).filter(({ op }) => op.requestBody?.content['application/json']);
    expect(bodies.length).toBeGreaterThan(20);
    for (const { key, op } of bodies) expect({ key, open: open((op.requestBody!.content['application/json'] as { schema: unknown }).schema, 'body') }).toEqual({ key, open: [] });
  });

  it('bounds every integer a request sends by what an integer column holds, so that no id reaches the database out of range', async () => {
    const unbounded = (schema: unknown, at: string): string[] => {
      if (schema === null || typeof schema !== 'object') return [];
      const s = schema as { type?: string; maximum?: number; properties?: Record<string, unknown>; items?: unknown; anyOf?: unknown[]; oneOf?: unknown[]; allOf?: unknown[] };
      return [
        ...(s.type === 'integer' && !(typeof s.maximum === 'number' && s.maximum <= 2_147_483_647) ? [at] : []),
        ...Object.entries(s.properties ?? {}).flatMap(([k, v]) => unbounded(v, `${at}/${k}`)),
        ...unbounded(s.items, `${at}[]`),
        ...[...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].flatMap((b) => unbounded(b, at)),
      ];
    };
    for (const { key, op } of await operations()) {
      const body = (op.requestBody?.content['application/json'] as { schema?: unknown } | undefined)?.schema;
      const found = [...(op.parameters ?? []).flatMap((p) => unbounded(p.schema, `${p.in}/${p.name}`)), ...unbounded(body, 'body')];
      expect({ key, unbounded: found }).toEqual({ key, unbounded: [] });
    }
  });

  it('documents every refusal as the JSON it is; a CSV route says text/csv only of its CSV', async () => {
    const ops = await operations();
    for (const { key, op } of ops) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400) expect({ key, status, media: Object.keys(response.content ?? {}) }).toEqual({ key, status, media: ['application/json'] });
      }
    }
    const op = (key: string) => ops.find((o) => o.key === key)!.op;
    const csv = op('get /api/metrics/collectors.csv');
    expect(Object.keys(csv.responses['200'].content!)).toEqual(['text/csv']);
    expect(Object.keys(csv.responses).filter((s) => s >= '400')).toEqual(['400', '401', '403', '404']);
    expect(Object.keys(op('post /api/accounts/import').requestBody!.content)).toEqual(['text/csv', 'text/plain']);
    // As served: a refused export is JSON, as documented.
    const refused = await fetch(`${t.baseUrl}/api/metrics/collectors.csv?from=2026-11-30&to=2026-11-01`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toMatchObject({ statusCode: 400, message: expect.stringContaining('from') });
  });

  it("lists every code of the route families' tables on a route that gives it, under a status the route declares", async () => {
    type Op = { description?: string; responses: Record<string, unknown> };
    const ops = (await operations()) as { key: string; op: Op }[];
    const listed = new Map<string, string[]>();
    for (const { key, op } of ops) {
      for (const [, status, code] of (op.description ?? '').matchAll(/^- (\d{3}) `(\w+)`/gm)) {
        expect(Object.keys(op.responses), `${key} lists ${code}`).toContain(status);
        listed.set(`${status} ${code}`, [...(listed.get(`${status} ${code}`) ?? []), key]);
      }
    }
    const tables = { ACCOUNT_REFUSALS, CHECKIN_REFUSALS, COLLECTOR_REFUSALS, DEVICE_REFUSALS, PAYMENT_REFUSALS, PLAN_REFUSALS, TEAM_REFUSALS, USER_REFUSALS, VISIT_REFUSALS };
    for (const [name, table] of Object.entries(tables)) {
      for (const [code, { status }] of Object.entries(table as RefusalTable)) expect(listed.has(`${status} ${code}`), `${name}.${code} is listed by no route`).toBe(true);
    }
    // The shared codes too, which the common helpers throw (actor.ts, missing-team.ts, notFound), except those no
    // route's handler gives: the hooks' and the error handler's, on any route, and a device's, over MQTT only.
    const unlisted: Record<string, string> = {
      unauthenticated: 'requireUser, on every route with a token (its 401 is documented on each: openapi-refusals.ts)',
      role_not_allowed: "requireUser, on every route with roles (its 403 likewise)",
      body_too_large: "Fastify's body limit (app.ts)",
      unsupported_media_type: "Fastify's content-type parser (app.ts)",
      invalid_value: "the error handler, for what the database refuses (app.ts)",
      conflicts_with_stored: 'the error handler likewise',
      no_route: 'the not-found handler: no route',
      role_may_not_change: 'assertCanWrite: every route calling it lets only admins, supervisors and dispatchers in',
      device_of_no_team: 'a device, over MQTT',
      device_of_other_team: 'a device, over MQTT',
    };
    const shared = { REQUEST_REFUSALS, SCOPE_REFUSALS };
    for (const [name, table] of Object.entries(shared)) {
      for (const [code, { status }] of Object.entries(table as RefusalTable)) {
        if (code in unlisted) expect(listed.has(`${status} ${code}`), `${name}.${code} is listed, yet said to be given by no route`).toBe(false);
        else expect(listed.has(`${status} ${code}`), `${name}.${code} is listed by no route`).toBe(true);
      }
    }
    expect(Object.keys(unlisted).filter((code) => !(code in REQUEST_REFUSALS) && !(code in SCOPE_REFUSALS))).toEqual([]);
    // Declared once: a family table does not repeat the shared team_not_found (its routes list SCOPE_REFUSALS').
    for (const [name, table] of Object.entries(tables)) expect(Object.keys(table), name).not.toContain('team_not_found');
  });

  it('documents the 403 and 409 of the routes known to answer them', async () => {
    const ops = new Map((await operations()).map((o) => [o.key, Object.keys(o.op.responses)]));
    const known = {
      403: ['post /api/devices', 'get /api/devices/unknown', 'patch /api/devices/{uniqueId}', 'get /api/users', 'post /api/teams', 'patch /api/teams/{id}', 'post /api/collectors', 'patch /api/collectors/{id}',
        'get /api/metrics/collectors.csv', 'post /api/promises/settle', 'get /api/records/rejected', 'post /api/auth/password', 'post /api/events/{id}/ack', 'post /api/plans/optimize'],
      409: ['post /api/teams', 'patch /api/teams/{id}', 'post /api/collectors', 'patch /api/collectors/{id}', 'post /api/devices', 'post /api/users', 'post /api/checkins', 'post /api/payments', 'post /api/visits/{id}/reassign'],
    };
    for (const [status, keys] of Object.entries(known)) for (const key of keys) expect(ops.get(key), key).toContain(status);
    // The 409s documented here are real: a name or an external id already taken.
    expect((await t.api('POST', '/api/teams', { name: 'centro' })).status).toBe(409);
    expect((await t.api('PATCH', `/api/teams/${poniente}`, { name: 'CENTRO' })).status).toBe(409);
    expect((await t.api('POST', '/api/collectors', { name: 'X', teamId: centro, externalId: 'COL-1' })).status).toBe(201);
    expect((await t.api('POST', '/api/collectors', { name: 'Y', teamId: centro, externalId: 'COL-1' })).status).toBe(409);
  });
});

describe("writes to another team's records", () => {
  it('are answered as reads are: not there, in the very words of a record that does not exist', async () => {
    const notThere = (what: string) => {
      const [kind, id] = what.split(' ');
      return { status: 404, body: { statusCode: 404, error: 'Not Found', message: `${what} does not exist`, reason: `${kind}_not_found`, values: { [`${kind}Id`]: Number(id) } } };
    };
    const as = ponienteDispatcher;
    expect(await t.api('GET', `/api/accounts/${centroAccount}`, undefined, as)).toEqual(notThere(`account ${centroAccount}`));
    expect(await t.api('PATCH', `/api/accounts/${centroAccount}`, { phone: '1' }, as)).toEqual(notThere(`account ${centroAccount}`));
    expect(await t.api('PATCH', '/api/accounts/999999', { phone: '1' }, as)).toEqual(notThere('account 999999'));
    expect(await t.api('POST', '/api/visits', { accountId: centroAccount, date: '2026-12-01' }, as)).toEqual(notThere(`account ${centroAccount}`));

    const v = centroVisit;
    expect(await t.api('GET', `/api/visits/${v.id}`, undefined, as)).toEqual(notThere(`visit ${v.id}`));
    expect(await t.api('PATCH', `/api/visits/${v.id}`, { version: v.version, priority: 99 }, as)).toEqual(notThere(`visit ${v.id}`));
    expect(await t.api('POST', `/api/visits/${v.id}/reassign`, { version: v.version, collectorId: carla }, as)).toEqual(notThere(`visit ${v.id}`));
    expect(await t.api('POST', `/api/visits/${v.id}/cancel`, { version: v.version }, as)).toEqual(notThere(`visit ${v.id}`));
    expect(await t.api('POST', `/api/visits/${v.id}/status`, { version: v.version, status: 'en_route' }, as)).toEqual(notThere(`visit ${v.id}`));

    const checkin = { id: '00000000-0000-4000-8000-00000000c001', visitId: v.id, ts: at(0), lat: 20.66, lon: -103.36, outcome: 'absent' };
    expect(await t.api('POST', '/api/checkins', checkin, as)).toEqual(notThere(`visit ${v.id}`));
    const payment = { id: '00000000-0000-4000-8000-00000000d001', ts: at(0), amount: 10, currency: 'MXN', method: 'cash' };
    expect(await t.api('POST', '/api/payments', { ...payment, visitId: v.id, accountId: centroAccount + 1000 }, as)).toEqual(notThere(`visit ${v.id}`));
    expect(await t.api('POST', '/api/payments', { ...payment, accountId: centroAccount }, as)).toEqual(notThere(`account ${centroAccount}`));

    // The plan settings of another team's collector and visit too.
    expect(await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { maxVisits: 3 }, as)).toEqual(notThere(`collector ${ana}`));
    expect(await t.api('PUT', `/api/plans/settings/visits/${v.id}`, { locked: true }, as)).toEqual(notThere(`visit ${v.id}`));

    // Nothing changed.
    expect((await t.api('GET', `/api/visits/${v.id}`)).body).toMatchObject({ version: v.version, status: 'planned' });
    expect((await t.api('GET', `/api/checkins?visitId=${v.id}`)).body.checkins).toEqual([]);
  });

  it("a collector of another team is as unknown to a team's dispatcher as a missing one; an admin is told why instead", async () => {
    const ownDispatcher = await loginAs(t, 'dispatcher', centro, 'Despacho Centro');
    const v = (await t.api('GET', `/api/visits/${centroVisit.id}`)).body as { id: number; version: number };
    expect(await t.api('POST', `/api/visits/${v.id}/reassign`, { version: v.version, collectorId: carla }, ownDispatcher)).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: `collector ${carla} does not exist`, reason: 'collector_not_found', values: { collectorId: carla } },
    });
    const admin = await t.api<{ message: string }>('POST', `/api/visits/${v.id}/reassign`, { version: v.version, collectorId: carla });
    expect(admin).toMatchObject({ status: 400, body: { message: `collector ${carla} is not in team ${centro}`, reason: 'collector_of_other_team', values: { collectorId: carla, teamId: centro } } });
  });

  it('keep a clear refusal where the caller can see what they may not change, or names a team', async () => {
    const manager = await loginAs(t, 'manager', null);
    expect((await t.api('GET', `/api/accounts/${centroAccount}`, undefined, manager)).status).toBe(200);
    expect(await t.api('PATCH', `/api/accounts/${centroAccount}`, { phone: '1' }, manager)).toMatchObject({
      status: 403,
      body: { message: 'role manager may not do this', reason: 'role_not_allowed', values: { role: 'manager' } },
    });
    // A team id is no secret record (GET /api/teams lists the caller's own): naming another is refused, and says so.
    const ponienteSupervisor = await loginAs(t, 'supervisor', poniente);
    const notYours = { status: 403, body: { message: `team ${centro} is not your team`, reason: 'not_your_team', values: { teamId: centro } } };
    expect(await t.api('POST', '/api/collectors', { name: 'X', teamId: centro }, ponienteSupervisor)).toMatchObject(notYours);
    // Every route that refuses another team's name, whether it writes or reads, with the same code.
    expect(await t.api('PUT', `/api/plans/settings/teams/${centro}`, { maxVisitsPerCollector: 12 }, ponienteSupervisor)).toMatchObject(notYours);
    expect(await t.api('PATCH', `/api/teams/${centro}/deviation-rules`, { offline: { minutes: 30 } }, ponienteSupervisor)).toMatchObject(notYours);
    expect(await t.api('GET', `/api/teams/${centro}/deviation-rules`, undefined, ponienteSupervisor)).toMatchObject(notYours);
    expect(await t.api('GET', `/api/plans/2030-01-02?teamId=${centro}`, undefined, ponienteSupervisor)).toMatchObject(notYours);
    expect(await t.api('GET', `/api/metrics/collectors?from=2030-01-01&to=2030-01-02&teamId=${centro}`, undefined, ponienteSupervisor)).toMatchObject(notYours);
    // One of a team's people whose login has no team acts on none, and is told so with a code of its own.
    const teamless = await loginAs(t, 'dispatcher', null, 'Despacho sin equipo');
    const noTeam = {
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'you belong to no team: a dispatcher acts on their own team only', reason: 'not_in_a_team', values: { role: 'dispatcher' } },
    };
    expect(await t.api('POST', '/api/plans/optimize', { date: '2030-01-02' }, teamless)).toEqual(noTeam);
    // Generating visits asked the same of them as a 400 'teamId is required' without a code.
    expect(await t.api('POST', '/api/visits/generate', { date: '2030-01-02' }, teamless)).toEqual(noTeam);
  });

  it('name a team that does not exist with the code every team route gives: team_not_found', async () => {
    const none = { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'team 999999 does not exist', reason: 'team_not_found', values: { teamId: 999_999 } } };
    expect(await t.api('GET', '/api/plans/settings/teams/999999')).toEqual(none);
    expect(await t.api('PUT', '/api/plans/settings/teams/999999', { maxVisitsPerCollector: 12 })).toEqual(none);
    expect(await t.api('GET', '/api/teams/999999/deviation-rules')).toEqual(none);
    expect(await t.api('PATCH', '/api/teams/999999/deviation-rules', { offline: { minutes: 30 } })).toEqual(none);
    expect(await t.api('POST', '/api/plans/optimize', { date: '2030-01-02', teamId: 999_999 })).toEqual(none);
    expect(await t.api('PATCH', `/api/accounts/${centroAccount}`, { teamId: 999_999 })).toEqual(none);
    // In the same words as every other route (it said 'no team 999999').
    expect(await t.api('PATCH', '/api/teams/999999', { name: 'Nadie' })).toEqual(none);
    expect(await postCsv(t, [CSV_HEADER, accountLine(3, '')].join('\n'), '?teamId=999999')).toEqual(none);
    // As the collectors' and users' routes already did.
    expect(await t.api('POST', '/api/collectors', { name: 'X', teamId: 999_999 })).toEqual(none);
    expect(await t.api('POST', '/api/users', { email: 'x@test.local', name: 'X', password: 'pw-123456', role: 'supervisor', teamId: 999_999 })).toEqual(none);
  });
});

describe('an account change refused', () => {
  it('says why with a code: a move to another team is for admins, and lat goes with lon', async () => {
    const supervisor = await loginAs(t, 'supervisor', centro, 'Supervisión Centro');
    expect(await t.api('PATCH', `/api/accounts/${centroAccount}`, { teamId: poniente }, supervisor)).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'only an admin moves an account to another team', reason: 'move_for_admins', values: { accountId: centroAccount } },
    });
    expect(await t.api('PATCH', `/api/accounts/${centroAccount}`, { lat: 20.7 }, supervisor)).toMatchObject({ status: 200 });
    expect(await t.api('PATCH', `/api/accounts/${centroAccount}`, { lat: null }, supervisor)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'lat and lon go together: set both or clear both', reason: 'lat_lon_together', values: {} },
    });
  });
});

describe('a request without a valid token', () => {
  it('is a 401 before its body is read or judged: no 400 on the body, no 50 MB import read for a stranger', async () => {
    const anonymous = async (method: string, path: string, body: string, type = 'application/json') => {
      const res = await fetch(`${t.baseUrl}${path}`, { method, headers: { 'content-type': type }, body });
      return res.status;
    };
    expect(await anonymous('POST', '/api/payments', '{"amount": "not a number"}')).toBe(401);
    expect(await anonymous('PATCH', `/api/accounts/${centroAccount}`, 'not json at all')).toBe(401);
    expect(await anonymous('PUT', `/api/plans/settings/visits/${centroVisit.id}`, '{"locked": "yes"}')).toBe(401);
    expect(await anonymous('POST', `/api/accounts/import?teamId=${centro}`, 'x'.repeat(5_000_000), 'text/csv')).toBe(401);
    // A signed-in caller's bad body is still a 400.
    expect((await t.api('POST', '/api/payments', { amount: 'not a number' })).status).toBe(400);
  });
});
