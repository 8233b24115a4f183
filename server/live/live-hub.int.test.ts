import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LivePosition, LiveSnapshot } from '../contract/live.ts';
import { ADMIN, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { testRedisUrl } from '../../test/support/scale-services.ts';
import { loginAs } from '../operations/testing/fixtures.ts';
import type { EventOut } from '../contract/event.ts';
import { LiveHub, POSITIONS_INTERVAL_MS } from './live-hub.ts';

let t: TestServer;
let token: string;
let centro: number;

beforeAll(async () => {
  t = await startTestServer();
  const team = await t.api('POST', '/api/teams', { name: 'Centro' });
  centro = team.body.id;
  const col = await t.api('POST', '/api/collectors', { name: 'Ana García', teamId: team.body.id });
  token = (await t.createDevice('live-phone', col.body.id)).token;
  // One position before anyone watches: it must arrive in the snapshot.
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'live-phone', password: token });
  await c.publishAsync('ronda/live-phone/position', JSON.stringify({ ts: Date.now() - 5000, lat: 20.67, lon: -103.35, battery: 50 }), { qos: 1 });
  await c.endAsync();
});
afterAll(async () => t?.close());

function watch(authToken: string): Promise<{ socket: Socket; snapshot: LiveSnapshot; batches: { at: number; list: LivePosition[] }[] }> {
  return new Promise((resolve, reject) => {
    const socket = io(t.baseUrl, { path: '/live', auth: { token: authToken }, transports: ['websocket'], reconnection: false });
    const batches: { at: number; list: LivePosition[] }[] = [];
    socket.on('positions', (list: LivePosition[]) => batches.push({ at: Date.now(), list }));
    socket.once('snapshot', (snapshot: LiveSnapshot) => resolve({ socket, snapshot, batches }));
    socket.once('connect_error', reject);
  });
}

describe('live stream at /live', () => {
  it('refuses a client without a valid token', async () => {
    await expect(watch('nope')).rejects.toThrow(/unauthorized/);
  });

  it('sends the last position of every collector first, then coalesced deltas at most 4 times a second', async () => {
    // When the server hands each batch to the connection: the client's own receipt times also carry
    // this process's event-loop delays (server and client share it here), which can bunch them up.
    const sent: number[] = [];
    const onConnection = (s: import('socket.io').Socket) =>
      s.conn.on('packetCreate', (p: { type: string; data?: unknown }) => {
        if (p.type === 'message' && String(p.data).startsWith('2["positions"')) sent.push(performance.now());
      });
    t.server.live.io.on('connection', onConnection);
    const { socket, snapshot, batches } = await watch(t.token);
    t.server.live.io.off('connection', onConnection);
    expect(snapshot.positions).toEqual([expect.objectContaining({ uniqueId: 'live-phone', lat: 20.67, lon: -103.35, batteryPct: 50 })]);

    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'live-phone', password: token });
    for (let i = 0; i < 40; i++) {
      // Live fixes, each newer than the snapshot's (older ones are history, not deltas), at walking pace.
      await c.publishAsync('ronda/live-phone/position', JSON.stringify({ ts: Date.now(), lat: 20.67 + i * 1e-6, lon: -103.35 }), { qos: 1 });
      await new Promise((r) => setTimeout(r, 25));
    }
    await c.endAsync();
    await new Promise((r) => setTimeout(r, 600));
    socket.close();

    const last = batches.at(-1)!.list.find((p) => p.uniqueId === 'live-phone')!;
    expect(last.lat).toBeCloseTo(20.67 + 39 * 1e-6, 9);
    // ≤ 4 per second per client (SPEC §7), in any second, not only on average.
    expect(sent.length).toBe(batches.length);
    for (let i = 4; i < sent.length; i++) expect(sent[i] - sent[i - 4]).toBeGreaterThanOrEqual(1000);
    expect(batches.length).toBeLessThan(40);
  });

  it('only moves a collector forward in time: an older buffered fix is stored but not sent as a delta', async () => {
    const { socket, snapshot, batches } = await watch(t.token);
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'live-phone', password: token });
    const now = Date.now();
    await c.publishAsync('ronda/live-phone/position', JSON.stringify({ ts: now, lat: 20.67006, lon: -103.35 }), { qos: 1 });
    await expect.poll(() => batches.flatMap((b) => b.list).some((p) => p.lat === 20.67006), { timeout: 5000 }).toBe(true);
    // The phone empties its buffer: a fix from 10 minutes ago, then one older than the snapshot's.
    const older = now - 10 * 60_000;
    await c.publishAsync('ronda/live-phone/position', JSON.stringify({ ts: older, lat: 20.67007, lon: -103.35 }), { qos: 1 });
    await c.publishAsync('ronda/live-phone/position', JSON.stringify({ ts: Date.parse(snapshot.positions[0].ts) - 1000, lat: 20.67008, lon: -103.35 }), { qos: 1 });
    await c.endAsync();
    await new Promise((r) => setTimeout(r, 1200));
    socket.close();

    const sent = batches.flatMap((b) => b.list).filter((p) => p.uniqueId === 'live-phone');
    expect(sent.map((p) => p.lat)).toEqual([20.67006]);
    const history = await t.api<{ positions: { lat: number }[] }>('GET', `/api/devices/live-phone/positions?from=${new Date(older - 1000).toISOString()}&to=${new Date(now + 1000).toISOString()}`);
    // Not 20.67008: its time may be that of one of the previous test's fixes (~30 ms apart), and then it is a resend, not stored again.
    expect(history.body.positions.map((p) => p.lat)).toEqual(expect.arrayContaining([20.67007, 20.67006]));
  });

  it('stops streaming to a socket as soon as its session is logged out', async () => {
    const login = await t.api<{ token: string }>('POST', '/api/auth/login', ADMIN, null);
    const { socket } = await watch(login.body.token);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await t.api('POST', '/api/auth/logout', undefined, login.body.token)).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    socket.close();
  });

  it('streams to each role its share: a collector login of no collector sees no one, a team\'s person without a team no team', async () => {
    // A collector's own day is collector-stream.int.test.ts's.
    const collector = await watch(await loginAs(t, 'collector', centro));
    collector.socket.close();
    expect(collector.snapshot.positions).toEqual([]);
    const { socket, snapshot } = await watch(await loginAs(t, 'dispatcher', null));
    socket.close();
    expect(snapshot.positions).toEqual([]);
    const own = await watch(await loginAs(t, 'dispatcher', centro));
    own.socket.close();
    expect(own.snapshot.positions.map((p) => p.uniqueId)).toEqual(['live-phone']);
  });

  it('delivers what happens while a client\'s snapshot is read, after the snapshot', async () => {
    const http = await listening();
    // The snapshot's open events take a while to read; meanwhile an event opens and a position comes in.
    const { snapshotRead, finish, openEvents } = slowSnapshotRead();
    const hub = new LiveHub(http, { db: t.server.dbh.db, log: t.server.log, verify: (x) => t.server.auth.verify(x), openEvents });
    const socket = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { path: '/live', auth: { token: t.token }, transports: ['websocket'], reconnection: false });
    const received: string[] = [];
    socket.onAny((name: string, payload: { id?: number; deviceId?: number }[] | { id?: number }) =>
      received.push(Array.isArray(payload) ? `${name}:${payload.map((p) => p.deviceId).join(',')}` : `${name}${payload.id !== undefined ? `:${payload.id}` : ''}`),
    );
    try {
      await snapshotRead;
      hub.emitEvent(centro, EVENT);
      hub.onPositionsCommitted([{ ...POSITION, deviceId: 991, deviceTimeMs: Date.now() }]);
      await new Promise((r) => setTimeout(r, 2 * POSITIONS_INTERVAL_MS)); // a `positions` flush happens meanwhile
      finish();
      await expect.poll(() => received, { timeout: 5000 }).toEqual(['snapshot', `event:${EVENT.id}`, 'positions:991']);
    } finally {
      socket.close();
      await hub.close();
      http.close();
    }
  });

  it('sends the positions that came while a client\'s snapshot was read as one batch after it, keeping to 4 a second', async () => {
    const http = await listening();
    const { snapshotRead, finish, openEvents } = slowSnapshotRead();
    const hub = new LiveHub(http, { db: t.server.dbh.db, log: t.server.log, verify: (x) => t.server.auth.verify(x), openEvents });
    // When the server hands each `positions` batch to the connection (see the rate test above).
    const sent: number[] = [];
    hub.io.on('connection', (s) =>
      s.conn.on('packetCreate', (p: { type: string; data?: unknown }) => {
        if (p.type === 'message' && String(p.data).startsWith('2["positions"')) sent.push(performance.now());
      }),
    );
    const socket = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { path: '/live', auth: { token: t.token }, transports: ['websocket'], reconnection: false });
    const received: string[] = [];
    const lats: number[] = [];
    socket.onAny((name: string, payload: LivePosition[] | LiveSnapshot) => {
      received.push(name);
      if (name === 'positions') for (const p of payload as LivePosition[]) if (p.deviceId === 992) lats.push(p.lat);
    });
    const commit = (i: number) => hub.onPositionsCommitted([{ ...POSITION, deviceId: 992, deviceTimeMs: Date.now() + i, lat: 20.67 + i * 1e-5 }]);
    try {
      await snapshotRead;
      // A slow snapshot read: several flushes go by, each with a newer fix, while the client waits for its state.
      for (let i = 0; i < 6; i++) {
        commit(i);
        await new Promise((r) => setTimeout(r, 150));
      }
      finish();
      for (let i = 6; i < 30; i++) {
        commit(i);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 2 * POSITIONS_INTERVAL_MS));
      expect(received[0]).toBe('snapshot');
      // Caught up with the newest fix of the wait (or a newer one, merged in before the next flush), then forward only.
      expect(lats[0]).toBeGreaterThan(20.67 + 4.5e-5);
      expect(lats.at(-1)).toBeCloseTo(20.67 + 29e-5, 9);
      for (let i = 1; i < lats.length; i++) expect(lats[i]).toBeGreaterThan(lats[i - 1]);
      expect(sent.length).toBe(lats.length);
      for (let i = 4; i < sent.length; i++) expect(sent[i] - sent[i - 4]).toBeGreaterThanOrEqual(1000);
    } finally {
      socket.close();
      await hub.close();
      http.close();
    }
  });

  it('holds what another instance sends while a client\'s snapshot is read, and delivers it after the snapshot, once', async () => {
    const redisUrl = await testRedisUrl();
    const { Redis } = await import('ioredis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const conns = Array.from({ length: 4 }, () => new Redis(redisUrl));
    // A key of this run's own: Redis pub/sub ignores the database number, and other runs may share this Redis.
    const key = `ronda-live-test-${process.pid}-${Date.now()}`;
    const servers = [await listening(), await listening()];
    const { snapshotRead, finish, openEvents: slowOpenEvents } = slowSnapshotRead();
    const deps = { db: t.server.dbh.db, log: t.server.log, verify: (x: string) => t.server.auth.verify(x) };
    const a = new LiveHub(servers[0], { ...deps, adapter: createAdapter(conns[0], conns[1], { key }) });
    const b = new LiveHub(servers[1], { ...deps, openEvents: slowOpenEvents, adapter: createAdapter(conns[2], conns[3], { key }) });
    const watchOn = (http: ReturnType<typeof createServer>) => {
      const socket = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { path: '/live', auth: { token: t.token }, transports: ['websocket'], reconnection: false });
      const received: string[] = [];
      socket.onAny((name: string, payload: { id?: number }) => received.push(name === 'event' ? `event:${payload.id}` : name));
      return { socket, received };
    };
    const onA = watchOn(servers[0]);
    await expect.poll(() => onA.received).toEqual(['snapshot']);
    const onB = watchOn(servers[1]);
    try {
      await snapshotRead;
      a.emitEvent(centro, EVENT);
      await expect.poll(() => onA.received).toEqual(['snapshot', `event:${EVENT.id}`]);
      await new Promise((r) => setTimeout(r, 300)); // through Redis to B, which holds it
      finish();
      await expect.poll(() => onB.received, { timeout: 5000 }).toEqual(['snapshot', `event:${EVENT.id}`]);
      a.emitEvent(centro, { ...EVENT, id: EVENT.id + 1 });
      await expect.poll(() => onB.received, { timeout: 5000 }).toEqual(['snapshot', `event:${EVENT.id}`, `event:${EVENT.id + 1}`]);
      await new Promise((r) => setTimeout(r, 300));
      expect(onA.received).toEqual(['snapshot', `event:${EVENT.id}`, `event:${EVENT.id + 1}`]);
    } finally {
      onA.socket.close();
      onB.socket.close();
      await a.close();
      await b.close();
      for (const http of servers) http.close();
      for (const c of conns) c.disconnect();
    }
  });

  it('lets go of a client that keeps its connection but stops collecting what is sent to it', async () => {
    const http = await listening();
    const hub = new LiveHub(http, { db: t.server.dbh.db, log: t.server.log, verify: (x) => t.server.auth.verify(x), sessionCheckMs: 100, maxQueuedPackets: 5 });
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/live/?EIO=4&transport=polling`;
    try {
      // engine.io's long-polling by hand: open, join with the token, then never poll again.
      const open = await (await fetch(base)).text();
      const sid = JSON.parse(open.slice(1)).sid as string;
      await fetch(`${base}&sid=${sid}`, { method: 'POST', body: `40${JSON.stringify({ token: t.token })}` });
      await expect.poll(() => hub.connectedClients()).toBe(1);
      for (let i = 0; i < 40; i++) {
        hub.onPositionsCommitted([{ ...POSITION, deviceTimeMs: Date.now() + i }]);
        await new Promise((r) => setTimeout(r, 300));
        if (hub.connectedClients() === 0) break;
      }
      expect(hub.connectedClients()).toBe(0);
    } finally {
      await hub.close();
      http.close();
    }
  }, 30_000);
});

const POSITION = {
  deviceId: 1, collectorId: null, serverTimeMs: 0, lat: 20.67, lon: -103.35, speedKph: 5, courseDeg: 0, altitudeM: null, accuracyM: 5,
  batteryPct: 80, satellites: 8, valid: true, protocol: 'ronda', attributesJson: '{}', segmentM: null, segmentS: null, moving: true,
};


const EVENT: EventOut = {
  id: 4242, type: 'off_route', severity: 'warning', teamId: 0, collectorId: 0, visitId: null, openedAt: new Date().toISOString(), closedAt: null,
  details: {}, acknowledgedBy: null, acknowledgedAt: null,
};

async function listening(): Promise<ReturnType<typeof createServer>> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return http;
}

/** A hub's `openEvents` whose read of the snapshot waits for `finish()`; `snapshotRead` resolves once that read has begun. */
function slowSnapshotRead(): { snapshotRead: Promise<void>; finish: () => void; openEvents: () => Promise<EventOut[]> } {
  let reading!: () => void;
  let finish!: () => void;
  const snapshotRead = new Promise<void>((resolve) => (reading = resolve));
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const openEvents = async () => {
    reading();
    await gate;
    return [];
  };
  return { snapshotRead, finish, openEvents };
}
