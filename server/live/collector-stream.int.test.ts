import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOut } from '../contract/event.ts';
import type { LivePosition, LiveSnapshot } from '../contract/live.ts';
import type { PlanOut, PlanRoute } from '../contract/plan.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { testRedisUrl } from '../../test/support/scale-services.ts';
import { CSV_HEADER, accountLine, createCollector, createTeam, loginAs, postCsv } from '../operations/testing/fixtures.ts';
import { LiveHub } from './live-hub.ts';

/**
 * A collector opening the dashboard watches their own day: the stream gives them their own
 * positions, records and events, on any instance, and nothing of a teammate's.
 */
let t: TestServer;
let centro: number;
let ana: number;
let beto: number;
const device: Record<'ana' | 'beto', number> = { ana: 0, beto: 0 };
let anaToken: string;

async function fix(uniqueId: string, lat: number, at = Date.now()): Promise<void> {
  const dev = await t.server.dbh.db.selectFrom('devices').select(['id', 'collector_id']).where('unique_id', '=', uniqueId).executeTakeFirstOrThrow();
  const r = await t.server.ingest.submitPositions({ deviceId: dev.id, uniqueId, collectorId: dev.collector_id }, 'mqtt', [
    { kind: 'position', fixTime: new Date(at), lat, lon: -103.35, valid: true, attributes: {} },
  ]);
  expect(r.stored).toBe(1);
}

async function openEvent(collectorId: number): Promise<number> {
  const row = await t.server.dbh.db
    .insertInto('events')
    .values({ type: 'long_stop', severity: 'warning', team_id: centro, collector_id: collectorId, visit_id: null, opened_at: new Date(), closed_at: null, details: '{}', acknowledged_by: null, acknowledged_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana', centro);
  beto = await createCollector(t, 'Beto', centro);
  device.ana = (await t.createDevice('ana-phone', ana)).id;
  device.beto = (await t.createDevice('beto-phone', beto)).id;
  await fix('ana-phone', 20.6701, Date.now() - 60_000);
  await fix('beto-phone', 20.6801, Date.now() - 60_000);
  await t.server.auth.createUser({ email: 'ana@test.local', name: 'Ana', password: 'pw-123456', role: 'collector', teamId: centro, collectorId: ana });
  anaToken = (await t.api('POST', '/api/auth/login', { email: 'ana@test.local', password: 'pw-123456' }, null)).body.token;
});
afterAll(async () => t?.close());

interface Watcher {
  socket: Socket;
  snapshot: LiveSnapshot;
  /** Every delta after the snapshot: `positions` flattened, the rest as they came. */
  positions: LivePosition[];
  deltas: [string, any][];
}

function watch(baseUrl: string, token: string): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const socket = io(baseUrl, { path: '/live', auth: { token }, transports: ['websocket'], reconnection: false });
    const w = { socket, positions: [] as LivePosition[], deltas: [] as [string, any][] };
    socket.onAny((name: string, payload: any) => {
      if (name === 'positions') w.positions.push(...(payload as LivePosition[]));
      else if (name !== 'snapshot') w.deltas.push([name, payload]);
    });
    socket.once('snapshot', (snapshot: LiveSnapshot) => resolve({ ...w, snapshot }));
    socket.once('connect_error', reject);
  });
}

const route = (collectorId: number): PlanRoute => ({
  collectorId, collectorName: `#${collectorId}`, startKind: 'office', start: { lat: 20.67, lon: -103.35, at: '2030-01-01T15:00:00.000Z' },
  end: { lat: 20.67, lon: -103.35, at: '2030-01-01T23:00:00.000Z' }, stops: [], distanceM: 0, durationS: 0, travelS: 0, serviceS: 0, waitS: 0, polyline: '',
});
const plan = (version: number, changed: number[]): PlanOut => ({
  id: version, teamId: centro, date: '2030-01-01', version, kind: 'reassign', provider: 'haversine', timeZone: 'America/Mexico_City', createdBy: 'test',
  createdAt: new Date().toISOString(), routes: [route(ana), route(beto)],
  unassigned: [{ visitId: 1, accountName: 'Rosa', priority: 1, reason: 'shift_full', fromCollectorId: beto }], changedCollectorIds: changed,
});
const event = (id: number, collectorId: number): EventOut => ({
  id, type: 'off_route', severity: 'warning', teamId: centro, collectorId, visitId: null, openedAt: new Date().toISOString(), closedAt: null,
  details: {}, acknowledgedBy: null, acknowledgedAt: null,
});
/** The records the hub streams carry their collector; the rest of each payload does not matter to the hub. */
const record = (id: number | string, collectorId: number) => ({ id, teamId: centro, collectorId }) as never;

/** What a watcher got, in order, each named by its collector(s): `event:ana`, `plan:ana`. */
function seen(w: Watcher, names: Record<number, string>): string[] {
  return w.deltas.map(([name, p]) => (name === 'plan' ? `plan:${(p as PlanOut).routes.map((r) => names[r.collectorId]).join('+')}` : `${name}:${names[p.collectorId] ?? p.collectorId}`));
}

describe('a collector on the live stream', () => {
  it('gets a snapshot of their own last position and open events only', async () => {
    const own = await openEvent(ana);
    await openEvent(beto);
    const w = await watch(t.baseUrl, anaToken);
    w.socket.close();
    expect(w.snapshot.positions.map((p) => p.uniqueId)).toEqual(['ana-phone']);
    expect(w.snapshot.events?.map((e) => [e.id, e.collectorId])).toEqual([[own, ana]]);
  });

  it("gets their own positions, records, events and route as they happen, never a teammate's", async () => {
    const names = { [ana]: 'ana', [beto]: 'beto' };
    const w = await watch(t.baseUrl, anaToken);
    const supervisor = await watch(t.baseUrl, await loginAs(t, 'supervisor', centro));
    try {
      await fix('beto-phone', 20.6802);
      await fix('ana-phone', 20.6702);
      const live = t.server.live;
      live.emitEvent(centro, event(9001, beto));
      live.emitEvent(centro, event(9002, ana));
      for (const name of ['visit', 'checkin', 'payment'] as const) {
        live.emitRecord(name, centro, record(1, beto));
        live.emitRecord(name, centro, record(2, ana));
      }
      live.emitRecord('plan', centro, plan(2, [ana, beto]));
      // A re-plan of Beto's route alone is not Ana's business.
      live.emitRecord('plan', centro, plan(3, [beto]));
      await expect.poll(() => supervisor.deltas.length, { timeout: 5000 }).toBe(10);
      // Hers only (the first batch may repeat the snapshot's fix, if it was not flushed yet when she joined).
      await expect.poll(() => w.positions.at(-1)?.lat, { timeout: 5000 }).toBe(20.6702);
      expect(new Set(w.positions.map((p) => p.uniqueId))).toEqual(new Set(['ana-phone']));
      expect(seen(w, names)).toEqual(['event:ana', 'visit:ana', 'checkin:ana', 'payment:ana', 'plan:ana', 'plan:ana']);
      // Their route only; of the unassigned, none that came off it.
      const [, anaPlan] = w.deltas.find(([name]) => name === 'plan')!;
      expect([anaPlan.unassigned, anaPlan.changedCollectorIds]).toEqual([[], [ana]]);
      expect(new Set(supervisor.positions.map((p) => p.uniqueId))).toEqual(new Set(['ana-phone', 'beto-phone']));
      expect(seen(supervisor, names)).toContain('event:beto');
    } finally {
      w.socket.close();
      supervisor.socket.close();
    }
  });

  it('gets only their own share of what another instance streams, also while their snapshot is read', async () => {
    const redisUrl = await testRedisUrl();
    const { Redis } = await import('ioredis');
    const { createAdapter } = await import('@socket.io/redis-adapter');
    const conns = Array.from({ length: 4 }, () => new Redis(redisUrl));
    const key = `ronda-collector-test-${process.pid}-${Date.now()}`;
    const servers = [await listening(), await listening()];
    let reading!: () => void;
    let finish!: () => void;
    const snapshotRead = new Promise<void>((r) => (reading = r));
    const gate = new Promise<void>((r) => (finish = r));
    const deps = { db: t.server.dbh.db, log: t.server.log, verify: (x: string) => t.server.auth.verify(x) };
    const a = new LiveHub(servers[0], { ...deps, adapter: createAdapter(conns[0], conns[1], { key }) });
    const b = new LiveHub(servers[1], {
      ...deps,
      adapter: createAdapter(conns[2], conns[3], { key }),
      openEvents: async () => {
        reading();
        await gate;
        return [];
      },
    });
    const url = (http: ReturnType<typeof createServer>) => `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const joining = watch(url(servers[1]), anaToken);
    try {
      await snapshotRead;
      // A reaches B through Redis (its subscriptions are up): it finds Ana's socket there.
      await expect.poll(async () => (await a.io.fetchSockets()).length, { timeout: 5000 }).toBe(1);
      // While B reads Ana's snapshot, A streams her teammate's event and hers, and both their plans.
      a.emitEvent(centro, event(9101, beto));
      a.emitEvent(centro, event(9102, ana));
      a.emitRecord('plan', centro, plan(4, [ana, beto]));
      await new Promise((r) => setTimeout(r, 300)); // through Redis to B, which holds them
      finish();
      const w = await joining;
      await expect.poll(() => w.deltas.map(([name, p]) => `${name}:${p.id}`), { timeout: 5000 }).toEqual(['event:9102', 'plan:4']);
      expect(w.deltas[1][1].routes.map((r: PlanRoute) => r.collectorId)).toEqual([ana]);
      // Then live: positions committed on A, records on A.
      a.onPositionsCommitted([position(device.beto, beto, 20.6803), position(device.ana, ana, 20.6703)]);
      a.emitRecord('payment', centro, record('p-beto', beto));
      a.emitRecord('payment', centro, record('p-ana', ana));
      await expect.poll(() => w.positions.map((p) => [p.deviceId, p.lat]), { timeout: 5000 }).toEqual([[device.ana, 20.6703]]);
      await expect.poll(() => w.deltas.map(([name, p]) => `${name}:${p.id}`), { timeout: 5000 }).toEqual(['event:9102', 'plan:4', 'payment:p-ana']);
      await new Promise((r) => setTimeout(r, 300));
      expect(w.deltas).toHaveLength(3);
      expect(w.positions).toHaveLength(1);
      w.socket.close();
    } finally {
      await a.close();
      await b.close();
      for (const http of servers) http.close();
      for (const c of conns) c.disconnect();
    }
  });

  it('hears that a visit was taken from them, through the visits API or a re-plan, and its REST answer stays as it was', async () => {
    const dispatcher = await loginAs(t, 'dispatcher', centro);
    expect((await postCsv(t, [CSV_HEADER, accountLine(1, 'Centro'), accountLine(2, 'Centro')].join('\n') + '\n')).status).toBe(200);
    const accounts = (await t.api('GET', '/api/accounts?limit=10', undefined, dispatcher)).body.accounts as { id: number }[];
    const date = new Date().toISOString().slice(0, 10);
    const create = async (accountId: number) => (await t.api('POST', '/api/visits', { accountId, date, collectorId: ana }, dispatcher)).body;
    const [first, second] = [await create(accounts[0].id), await create(accounts[1].id)];
    await t.server.auth.createUser({ email: 'beto@test.local', name: 'Beto', password: 'pw-123456', role: 'collector', teamId: centro, collectorId: beto });
    const betoToken = (await t.api('POST', '/api/auth/login', { email: 'beto@test.local', password: 'pw-123456' }, null)).body.token;
    const w = await watch(t.baseUrl, anaToken);
    const b = await watch(t.baseUrl, betoToken);
    try {
      const noted = await t.api('PATCH', `/api/visits/${first.id}`, { version: first.version, note: 'Para Beto: tocar en la tienda' }, dispatcher);
      expect(noted.status).toBe(200);
      const moved = await t.api('POST', `/api/visits/${first.id}/reassign`, { collectorId: beto, version: noted.body.version }, dispatcher);
      expect(moved.status).toBe(200);
      expect(moved.body).not.toHaveProperty('formerCollectorId');
      // Back to nobody's by a status change: taken from her too.
      const planned = await t.api('POST', `/api/visits/${second.id}/status`, { status: 'planned', version: second.version }, dispatcher);
      expect(planned.status).toBe(200);
      // Hers, then taken: she hears that it left her day, not whose it is now nor the note left for him.
      const visits = (x: Watcher) => x.deltas.filter(([name]) => name === 'visit').map(([, v]) => [v.id, v.collectorId, v.formerCollectorId, v.note]);
      await expect.poll(() => visits(w), { timeout: 5000 }).toEqual([
        [first.id, ana, undefined, 'Para Beto: tocar en la tienda'],
        [first.id, null, ana, null],
        [second.id, null, ana, null],
      ]);
      // His now, with the note, and not from whom.
      await expect.poll(() => visits(b), { timeout: 5000 }).toEqual([[first.id, beto, undefined, 'Para Beto: tocar en la tienda']]);
      expect(b.deltas[0][1]).not.toHaveProperty('formerCollectorId');
    } finally {
      w.socket.close();
      b.socket.close();
    }
  });

  it("hears nothing of a collector of no team, nor does a team's supervisor; who watches every team hears it once", async () => {
    const w = await watch(t.baseUrl, anaToken);
    const supervisor = await watch(t.baseUrl, await loginAs(t, 'supervisor', centro, 'Sara Centro'));
    const admin = await watch(t.baseUrl, t.token);
    try {
      t.server.live.emitCollectorsChanged([null]);
      t.server.live.emitCollectorsChanged([centro]);
      await expect.poll(() => admin.deltas.length, { timeout: 5000 }).toBe(2);
      await expect.poll(() => w.deltas.length, { timeout: 5000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(admin.deltas.map(([, p]) => p.teamIds)).toEqual([[null], [centro]]);
      expect(supervisor.deltas.map(([, p]) => p.teamIds)).toEqual([[centro]]);
      expect(w.deltas.map(([, p]) => p.teamIds)).toEqual([[centro]]);
    } finally {
      for (const x of [w, supervisor, admin]) x.socket.close();
    }
  });

  it('is let go when their session ends, as every watcher is', async () => {
    const login = await t.api<{ token: string }>('POST', '/api/auth/login', { email: 'ana@test.local', password: 'pw-123456' }, null);
    const w = await watch(t.baseUrl, login.body.token);
    const closed = new Promise<string>((resolve) => w.socket.once('disconnect', resolve));
    expect((await t.api('POST', '/api/auth/logout', undefined, login.body.token)).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
  });
});

function position(deviceId: number, collectorId: number, lat: number) {
  return {
    deviceId, collectorId, deviceTimeMs: Date.now(), serverTimeMs: Date.now(), lat, lon: -103.35, speedKph: 5, courseDeg: 0, altitudeM: null, accuracyM: 5,
    batteryPct: 80, satellites: 8, valid: true, protocol: 'ronda', attributesJson: '{}', segmentM: null, segmentS: null, moving: true,
  };
}

async function listening(): Promise<ReturnType<typeof createServer>> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return http;
}
