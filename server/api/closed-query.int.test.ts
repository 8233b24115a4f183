import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';

/** closed-query.ts: a route that declares no query string refuses one, by name, instead of ignoring it. */
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

type Operation = { parameters?: { in: string }[]; requestBody?: unknown; responses: Record<string, unknown> };

/** Every documented operation that declares no query parameter: the routes that used to ignore one. */
async function withoutQuery() {
  const doc = (await t.api<{ paths: Record<string, Record<string, Operation>> }>('GET', '/api/docs/json', undefined, null)).body;
  return Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path}`, method, path, op })))
    .filter(({ op }) => !op.parameters?.some((p) => p.in === 'query'));
}

const send = async (method: string, path: string) => {
  const res = await fetch(t.baseUrl + path.replace(/\{\w+\}/g, '1'), {
    method: method.toUpperCase(),
    headers: { authorization: `Bearer ${t.token}`, ...(method === 'get' ? {} : { 'content-type': 'application/json' }) },
    body: method === 'get' ? undefined : '{}',
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { message?: string } | null };
};

describe('a route that takes no query string', () => {
  it('refuses ?x=1 with a 400 naming x, where it answered as if nothing was asked (GET /api/devices?teamId=2: every team)', async () => {
    // Fastify judges a body before the query: routes that take one are probed below, with a body they take.
    const routes = (await withoutQuery()).filter(({ key, op }) => key !== 'get /api/health' && !op.requestBody);
    // Enough to mean the list was read, not a count to keep: routes gain parameters (rejected records got pages).
    expect(routes.length).toBeGreaterThan(10);
    for (const { key, method, path, op } of routes) {
      // The admin's token, and a 400 before any record is sought: `1` for a path's id need not exist.
      expect({ key, ...(await send(method, `${path}?x=1`)) }).toEqual({
        key,
        status: 400,
        body: expect.objectContaining({ message: 'querystring/x is unknown; there are no parameters here' }),
      });
      expect(Object.keys(op.responses), key).toContain('400');
    }
    const devices = await t.api<{ devices: unknown[]; message?: string }>('GET', '/api/devices?teamId=2');
    expect(devices).toEqual({ status: 400, body: expect.objectContaining({ message: 'querystring/teamId is unknown; there are no parameters here' }) });
    expect((await t.api('GET', '/api/devices')).status).toBe(200);
  });

  it('refuses it on a write too, before anything is written', async () => {
    const made = await t.api<{ message: string }>('POST', '/api/teams?teamId=2', { name: 'Oriente' });
    expect(made).toEqual({ status: 400, body: expect.objectContaining({ message: 'querystring/teamId is unknown; there are no parameters here' }) });
    const teams = (await t.api<{ teams: { name: string }[] }>('GET', '/api/teams')).body.teams;
    expect(teams.map((team) => team.name)).not.toContain('Oriente');
  });

  it('a route with a query string still takes its parameters, and the health check a probe\'s cache-buster', async () => {
    const refused = await t.api<{ message: string }>('GET', '/api/accounts?limit=1&x=1');
    expect(refused).toEqual({ status: 400, body: expect.objectContaining({ message: expect.stringMatching(/^querystring\/x is unknown; the known parameters are .*limit/) }) });
    expect((await t.api('GET', '/api/accounts?limit=1')).status).toBe(200);
    // A load balancer or uptime monitor that adds `?_=…` must not take a healthy instance out of rotation.
    const health = await fetch(`${t.baseUrl}/api/health?_=1733000000000`);
    expect({ status: health.status, body: await health.json() }).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});

describe('connections that bring their own query string', () => {
  it('socket.io at /live connects with its token over long-polling, whose requests carry EIO, transport and sid', async () => {
    const socket = io(t.baseUrl, { path: '/live', auth: { token: t.token }, query: { token: t.token }, transports: ['polling'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('snapshot', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(socket.io.engine.transport.name).toBe('polling');
    } finally {
      socket.close();
    }
  });

  it('MQTT over WebSocket at /mqtt connects with a query string on its URL', async () => {
    const device = await t.createDevice('ws-query-phone');
    const c = mqtt.connect(`ws://127.0.0.1:${t.server.ports.http}/mqtt?token=${device.token}`, { username: 'ws-query-phone', password: device.token, reconnectPeriod: 0 });
    // A refused upgrade only closes the socket: without this the test would wait for its timeout.
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('close', () => reject(new Error('closed before CONNACK')));
    });
    expect(c.connected).toBe(true);
    await c.endAsync();
  });
});
