import mqtt from 'mqtt';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOut } from '../server/contract/event.ts';
import type { LivePosition } from '../server/contract/live.ts';
import type { PhonePlan, PlanOut } from '../server/contract/plan.ts';
import { daytimeZone } from '../server/demo/demo-day.ts';
import { localDate } from '../server/plans/local-time.ts';
import { startServerProcess, type ServerProcess, type Storage } from './support/server-process.ts';
import { startTwoInstances } from './support/two-instances.ts';
import { until } from './support/until.ts';

/**
 * SPEC §8 with REDIS_URL: two instances behind one load balancer, one
 * PostgreSQL, one Redis. Whatever a device does on one instance, a
 * supervisor or a device on the other one sees.
 */
/** Mid-morning there whenever the suite runs; the team works there, and its phones hold the plan of its today. */
const ZONE = daytimeZone();
const DATE = localDate(Date.now(), ZONE);
let storage: Storage;
/** The one Redis database of this deployment: an instance on another one is another deployment's. */
let redisUrl: string;
let a: ServerProcess;
let b: ServerProcess;
let teamId: number;
let collectorId: number;
let phone: { uniqueId: string; token: string };
const sockets: Socket[] = [];
const clients: mqtt.MqttClient[] = [];

beforeAll(async () => {
  ({ storage, redisUrl, a, b } = await startTwoInstances());

  // Unique per run: the Redis database may hold other runs' retained plans.
  const uniqueId = `scale-${process.pid}-${Date.now() % 100000}`;
  teamId = ((await a.api('POST', '/api/teams', { name: `Escala ${uniqueId}`, timeZone: ZONE })) as { id: number }).id;
  collectorId = ((await a.api('POST', '/api/collectors', { name: 'Ana García', teamId })) as { id: number }).id;
  phone = { uniqueId, token: ((await a.api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId })) as { token: string }).token };
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await a?.stop();
  await b?.stop();
  await storage?.drop();
});

async function watch(server: ServerProcess): Promise<{ positions: LivePosition[]; plans: PlanOut[] }> {
  const socket = io(server.baseUrl, { path: '/live', auth: { token: server.token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const seen = { positions: [] as LivePosition[], plans: [] as PlanOut[] };
  socket.on('positions', (batch: LivePosition[]) => seen.positions.push(...batch));
  socket.on('plan', (p: PlanOut) => seen.plans.push(p));
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return seen;
}

async function device(server: ServerProcess, opts: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { username: phone.uniqueId, password: phone.token, reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
}

async function optimizeOn(server: ServerProcess): Promise<PlanOut> {
  return (await server.api('POST', '/api/plans/optimize', { date: DATE, teamId, options: { iterations: 50, seed: 1 } })) as PlanOut;
}

/** The events streamed to a watcher of `server`, from its first snapshot on. */
async function watchEvents(server: ServerProcess): Promise<EventOut[]> {
  const events: EventOut[] = [];
  const socket = io(server.baseUrl, { path: '/live', auth: { token: server.token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  socket.on('event', (e: EventOut) => events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('snapshot', () => resolve());
    socket.once('connect_error', reject);
  });
  return events;
}

describe('two instances sharing Redis', () => {
  it('both report the Redis-backed broker and live adapter in /api/health', async () => {
    for (const s of [a, b]) {
      const h = (await (await fetch(`${s.baseUrl}/api/health`)).json()) as { broker: unknown; live: unknown };
      expect(h.broker).toMatchObject({ mode: 'embedded', shared: 'redis' });
      expect(h.live).toMatchObject({ adapter: 'redis' });
    }
  });

  it('streams a position published to instance A to a supervisor connected to instance B', async () => {
    const onB = await watch(b);
    const onA = await watch(a);
    const c = await device(a);
    const ts = Date.now() - 30_000;
    await c.publishAsync(`ronda/${phone.uniqueId}/position`, JSON.stringify({ ts, lat: 20.6701, lon: -103.3502, battery: 64 }), { qos: 1 });
    const got = await until('the position on B', () => onB.positions.find((p) => p.uniqueId === phone.uniqueId), 15_000);
    expect(got).toMatchObject({ collectorId, ts: new Date(ts).toISOString(), lat: 20.6701, lon: -103.3502, batteryPct: 64, protocol: 'mqtt' });
    // Exchanged between instances, not broadcast twice: A's own watcher gets it once too.
    await until('the position on A', () => onA.positions.find((p) => p.uniqueId === phone.uniqueId), 15_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(onA.positions.filter((p) => p.uniqueId === phone.uniqueId)).toHaveLength(1);
    expect(onB.positions.filter((p) => p.uniqueId === phone.uniqueId)).toHaveLength(1);
  });

  it("streams a phone's SOS raised on A to supervisors on both instances, once each", async () => {
    const seen = new Map<ServerProcess, EventOut[]>([[a, await watchEvents(a)], [b, await watchEvents(b)]]);
    const c = await device(a);
    const ts = Date.now() - 20_000;
    await c.publishAsync(`ronda/${phone.uniqueId}/position`, JSON.stringify({ ts, lat: 20.6702, lon: -103.3503, attrs: { alarm: 'sos' } }), { qos: 1 });
    const onB = await until('the SOS on B', () => seen.get(b)!.find((e) => e.type === 'alarm' && e.collectorId === collectorId), 15_000);
    expect(onB).toMatchObject({ severity: 'critical', teamId, openedAt: new Date(ts).toISOString(), details: { kind: 'sos', protocol: 'mqtt', position: 'fix' } });
    await until('the SOS on A', () => seen.get(a)!.find((e) => e.id === onB.id), 15_000);
    await new Promise((r) => setTimeout(r, 600));
    for (const events of seen.values()) expect(events.filter((e) => e.id === onB.id)).toHaveLength(1);
    expect(((await b.api('GET', `/api/events?type=alarm&collectorId=${collectorId}`)) as { events: EventOut[] }).events.map((e) => e.id)).toEqual([onB.id]);
  });

  it("retains a plan made on A for the collector's phone when it subscribes on B, and streams it to B's watchers", async () => {
    const account = (await fetch(`${a.baseUrl}/api/accounts/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${a.token}` },
      body: `external_id,name,address,lat,lon,balance_due,days_past_due,team\nS-${phone.uniqueId},Deudor Escala,Calle 1 #2,20.6801,-103.3401,1500,30,Escala ${phone.uniqueId}\n`,
    }).then((r) => r.json())) as unknown;
    expect(account).toMatchObject({ created: 1 });
    const accounts = (await a.api('GET', `/api/accounts?teamId=${teamId}&limit=10`)) as { accounts: { id: number; externalId: string }[] };
    const accountId = accounts.accounts.find((x) => x.externalId === `S-${phone.uniqueId}`)!.id;
    const visit = (await a.api('POST', '/api/visits', { accountId, date: DATE, serviceMinutes: 10 })) as { id: number };

    const onB = await watch(b);
    const plan = await optimizeOn(a);
    expect(plan.routes.map((r) => r.stops.map((s) => s.visitId))).toEqual([[visit.id]]);
    await until('the plan on B', () => onB.plans.find((p) => p.id === plan.id), 15_000);

    const c = await device(b, { clean: true });
    const received: PhonePlan[] = [];
    c.on('message', (_t, payload) => received.push(JSON.parse(payload.toString())));
    await c.subscribeAsync(`ronda/${phone.uniqueId}/plan`, { qos: 1 });
    const got = await until('the retained plan on B', () => received[0], 15_000);
    expect(got).toMatchObject({ date: DATE, version: plan.version, collectorId, visits: [expect.objectContaining({ visitId: visit.id, sequence: 1 })] });
  });

  it('keeps a QoS 1 session across instances: a plan published while the phone was away reaches it on the other instance', async () => {
    const clientId = `${phone.uniqueId}-session`;
    const first = await device(a, { clientId, clean: false });
    await first.subscribeAsync(`ronda/${phone.uniqueId}/plan`, { qos: 1 });
    await first.endAsync();

    // A new version while the phone is offline: a fresh visit changes the route.
    const accounts = (await a.api('GET', `/api/accounts?teamId=${teamId}&limit=10`)) as { accounts: { id: number }[] };
    await a.api('POST', '/api/visits', { accountId: accounts.accounts[0].id, date: DATE, serviceMinutes: 10 });
    const plan = await optimizeOn(a);
    expect(plan.changedCollectorIds).toEqual([collectorId]);

    const received: PhonePlan[] = [];
    // Listening before CONNACK: the broker sends the session's messages right behind it.
    const back = mqtt.connect(`mqtt://127.0.0.1:${b.mqttPort}`, { username: phone.uniqueId, password: phone.token, reconnectPeriod: 0, clientId, clean: false });
    clients.push(back);
    back.on('message', (_t, payload) => received.push(JSON.parse(payload.toString())));
    // No SUBSCRIBE this time (a subscribe would fetch the retained copy): only the session can deliver it.
    const got = await until('the queued plan on B', () => received.find((p) => p.version === plan.version), 15_000);
    expect(got).toMatchObject({ version: plan.version, collectorId });
  });

  it("streams to the other instances' watchers what an instance closes as it starts: an incident a stopped instance left open", async () => {
    const events = await watchEvents(a);
    // Left open two days ago by an instance that stopped: no plan of today carries it on.
    const db = new pg.Client({ connectionString: storage.databaseUrl! });
    await db.connect();
    const { rows } = await db.query<{ id: number }>(
      `insert into events (type, severity, team_id, collector_id, opened_at, details) values ('off_route', 'warning', $1, $2, now() - interval '2 days', '{}') returning id`,
      [teamId, collectorId],
    );
    await db.end();
    const c = await startServerProcess('postgres', { REDIS_URL: redisUrl }, storage);
    try {
      const closed = await until('the close on A', () => events.find((e) => e.id === rows[0].id), 15_000);
      expect(closed.closedAt).not.toBeNull();
      expect(closed.details).toMatchObject({ closedBy: 'not_watched' });
    } finally {
      await c.stop();
    }
  });
});
