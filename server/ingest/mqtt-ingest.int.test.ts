import { connect as tcpConnect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { LeanMqttClient } from '../../test/support/lean-mqtt-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';

let t: TestServer;
let dev: { id: number; token: string };

beforeAll(async () => {
  t = await startTestServer();
  dev = await t.createDevice('phone-1');
  await t.createDevice('phone-2');
});
afterAll(async () => t?.close());

function connect(url: string, username: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username, password, reconnectPeriod: 0, connectTimeout: 5000, clean: true });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

const tcpUrl = () => `mqtt://127.0.0.1:${t.server.ports.mqtt}`;
const wsUrl = () => `ws://127.0.0.1:${t.server.ports.http}/mqtt`;

async function positions(uniqueId: string) {
  const r = await t.api('GET', `/api/devices/${uniqueId}/positions?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`);
  expect(r.status).toBe(200);
  return r.body.positions as { ts: string; lat: number; lon: number; speedKph: number | null; batteryPct: number | null; protocol: string }[];
}

describe('phone positions over MQTT', () => {
  it('stores a QoS 1 position and acknowledges it only once it can be read back', async () => {
    const c = await connect(tcpUrl(), 'phone-1', dev.token);
    const ts = new Date(Date.now() - 60_000).toISOString();
    await c.publishAsync('ronda/phone-1/position', JSON.stringify({ ts, lat: 20.6767, lon: -103.3475, speed: 12.5, battery: 81, accuracy: 8 }), { qos: 1 });
    // PUBACK arrived: the row must already be committed.
    const rows = await positions('phone-1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ts, lat: 20.6767, lon: -103.3475, speedKph: 12.5, batteryPct: 81, protocol: 'mqtt' });
    await c.endAsync();
  });

  it('keeps attributes byte for byte, quotes, backslashes and accents included, and empty optional fields as null', async () => {
    const d = await t.createDevice('phone-attrs');
    const c = await connect(tcpUrl(), 'phone-attrs', d.token);
    const attrs = { note: 'dijo "mañana" \\ o {tal vez}', path: 'C:\\cobro\\', list: [1, null, 'a,b'], nested: { ok: true } };
    const ts = new Date(Date.now() - 30_000).toISOString();
    await c.publishAsync('ronda/phone-attrs/position', JSON.stringify({ ts, lat: 20.6, lon: -103.3, attrs }), { qos: 1 });
    const r = await t.api('GET', `/api/devices/phone-attrs/positions?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`);
    expect(r.body.positions).toEqual([expect.objectContaining({ ts, speedKph: null, batteryPct: null, satellites: null, attributes: attrs })]);
    await c.endAsync();
  });

  it('stores buffered history sent as an array, oldest first, and a resend creates no duplicates', async () => {
    const c = await connect(wsUrl(), 'phone-2', (await t.createDevice('phone-3')).token).catch(() => null);
    expect(c).toBeNull(); // phone-2 with phone-3's token is refused
    const d = await t.createDevice('phone-4');
    const ws = await connect(wsUrl(), 'phone-4', d.token);
    const base = Date.now() - 10 * 60_000;
    const history = Array.from({ length: 5 }, (_, i) => ({ ts: base + i * 30_000, lat: 20.67 + i * 0.001, lon: -103.34 }));
    await ws.publishAsync('ronda/phone-4/position', JSON.stringify(history), { qos: 1 });
    await ws.publishAsync('ronda/phone-4/position', JSON.stringify(history), { qos: 1 });
    const rows = await positions('phone-4');
    expect(rows.map((r) => Date.parse(r.ts))).toEqual(history.map((h) => h.ts));
    await ws.endAsync();
  });

  it('counts in /api/health only the positions actually stored, and resends the database already held as duplicates', async () => {
    const d = await t.createDevice('phone-resend');
    const c = await connect(tcpUrl(), 'phone-resend', d.token);
    const ingest = async () => (await t.api('GET', '/api/health')).body.ingest as { received: number; stored: number; duplicates: number };
    const before = await ingest();
    const base = Date.now() - 20 * 60_000;
    const history = Array.from({ length: 15 }, (_, i) => ({ ts: base + i * 30_000, lat: 20.67 + i * 0.001, lon: -103.34 }));
    await c.publishAsync('ronda/phone-resend/position', JSON.stringify(history.slice(0, 10)), { qos: 1 });
    // A tracker that flushes its buffer again, with what it gathered since.
    await c.publishAsync('ronda/phone-resend/position', JSON.stringify(history), { qos: 1 });
    const after = await ingest();
    expect({ received: after.received - before.received, stored: after.stored - before.stored, duplicates: after.duplicates - before.duplicates })
      .toEqual({ received: 25, stored: 15, duplicates: 10 });
    expect((await positions('phone-resend')).map((r) => Date.parse(r.ts))).toEqual(history.map((h) => h.ts));
    await c.endAsync();
  });

  it('stores a long buffered history (tens of KB in one publish) sent over TCP right after a few small publishes', async () => {
    const d = await t.createDevice('phone-long');
    const c = await connect(tcpUrl(), 'phone-long', d.token);
    const base = Date.now() - 6 * 3600_000;
    const history = Array.from({ length: 300 }, (_, i) => ({ ts: base + i * 60_000, lat: 20.67 + i * 1e-4, lon: -103.34, accuracy: 8, battery: 90 }));
    await Promise.all([
      ...[1, 2, 3].map((k) => c.publishAsync('ronda/phone-long/position', JSON.stringify({ ts: base - k * 60_000, lat: 20.67, lon: -103.34 }), { qos: 1 })),
      c.publishAsync('ronda/phone-long/position', JSON.stringify(history), { qos: 1 }),
    ]);
    expect(JSON.stringify(history).length).toBeGreaterThan(16_000);
    expect(await positions('phone-long')).toHaveLength(303);
    await c.endAsync();
  });

  it('refuses a wrong password and an unknown device, and lists the unknown one for admins', async () => {
    await expect(connect(tcpUrl(), 'phone-1', 'wrong')).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect(tcpUrl(), 'ghost-77', 'whatever')).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    const unknown = await t.api('GET', '/api/devices/unknown');
    expect(unknown.body.devices).toEqual([expect.objectContaining({ uniqueId: 'ghost-77', protocol: 'mqtt', count: 1 })]);
  });

  it('disconnects a device that publishes under another device id, storing nothing', async () => {
    const c = await connect(tcpUrl(), 'phone-1', dev.token);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('ronda/phone-2/position', JSON.stringify({ ts: Date.now(), lat: 1, lon: 1 }), { qos: 1 });
    await closed;
    c.end(true);
    expect(await positions('phone-2')).toEqual([]);
  });

  it('rejects malformed items with a reason and stores the rest of the batch', async () => {
    const d = await t.createDevice('phone-5');
    const c = await connect(tcpUrl(), 'phone-5', d.token);
    const now = Date.now();
    const batch = [
      { ts: now - 5000, lat: 20.7, lon: -103.3 },
      { ts: 'yesterday', lat: 20.7, lon: -103.3 },
      { ts: now - 4000, lat: 95, lon: -103.3 },
      { ts: now - 3000, lat: 0, lon: 0 },
      { ts: now + 3_600_000, lat: 20.7, lon: -103.3 },
      { ts: now - 2000, lat: 20.7001, lon: -103.3, accuracy: 5000 },
      { ts: now - 1000, lat: 25.7, lon: -100.3 },
      { ts: now - 500, lat: 20.7002, lon: -103.3 },
    ];
    const before = t.server.ingest.stats.rejected;
    await c.publishAsync('ronda/phone-5/position', JSON.stringify(batch), { qos: 1 });
    await c.publishAsync('ronda/phone-5/position', '{not json', { qos: 1 });
    const rows = await positions('phone-5');
    expect(rows.map((r) => r.lat)).toEqual([20.7, 20.7002]);
    expect(t.server.ingest.stats.rejected - before).toBe(7);
    const reasons = Object.keys(t.server.ingest.stats.toJSON().rejectedByReason);
    for (const fragment of ['ts missing', 'lat missing', 'null island', 'future', 'accuracy', 'implied speed', 'not valid JSON']) {
      expect(reasons.some((r) => r.includes(fragment))).toBe(true);
    }
    await c.endAsync();
  });

  it('refuses positions whose attributes the database cannot hold, and the publish, the rest of it and other devices go on', async () => {
    const d = await t.createDevice('phone-nul');
    const c = await connect(tcpUrl(), 'phone-nul', d.token);
    const now = Date.now();
    const before = t.server.ingest.stats.rejected;
    await c.publishAsync('ronda/phone-nul/position', JSON.stringify([
      { ts: now - 3000, lat: 20.7, lon: -103.3, attrs: { note: 'a\u0000b' } },
      { ts: now - 2000, lat: 20.7001, lon: -103.3, attrs: { ['half \ud800']: 1 } },
      { ts: now - 1000, lat: 20.7002, lon: -103.3, attrs: { note: 'ok' } },
    ]), { qos: 1 });
    // The next publish and another device's are acknowledged too: nothing is stuck behind the refused rows.
    await c.publishAsync('ronda/phone-nul/position', JSON.stringify({ ts: now - 500, lat: 20.7003, lon: -103.3 }), { qos: 1 });
    const c1 = await connect(tcpUrl(), 'phone-1', dev.token);
    await c1.publishAsync('ronda/phone-1/position', JSON.stringify({ ts: now - 400, lat: 20.6768, lon: -103.3475 }), { qos: 1 });
    expect((await positions('phone-nul')).map((r) => r.lat)).toEqual([20.7002, 20.7003]);
    expect(t.server.ingest.stats.rejected - before).toBe(2);
    const reasons = Object.keys(t.server.ingest.stats.toJSON().rejectedByReason);
    expect(reasons).toContain('attributes hold a NUL character (\\uN), which cannot be stored');
    expect(reasons).toContain('attributes hold a lone UTF-N surrogate, which cannot be stored');
    // Without from/to: the last 24 hours.
    const recent = await t.api('GET', '/api/devices/phone-nul/positions');
    expect(recent.body.positions).toHaveLength(2);
    await Promise.all([c.endAsync(), c1.endAsync()]);
  });

  it('accepts OwnTracks location messages on owntracks/{user}/{device}', async () => {
    const d = await t.createDevice('ot-phone');
    const c = await connect(tcpUrl(), 'ot-phone', d.token);
    const tst = Math.floor(Date.now() / 1000) - 30;
    await c.publishAsync('owntracks/ana/ot-phone', JSON.stringify({ _type: 'location', tst, lat: 20.68, lon: -103.35, vel: 20, batt: 55, acc: 10, tid: 'an' }), { qos: 1 });
    const rows = await positions('ot-phone');
    expect(rows).toEqual([expect.objectContaining({ ts: new Date(tst * 1000).toISOString(), lat: 20.68, lon: -103.35, speedKph: 20, batteryPct: 55, protocol: 'owntracks' })]);
    await c.endAsync();
  });

  it("acknowledges the OwnTracks app's other messages (region events, info, waypoints) without storing them or closing the connection", async () => {
    const d = await t.createDevice('ot-events');
    const c = await connect(tcpUrl(), 'ot-events', d.token);
    let closed = false;
    c.once('close', () => (closed = true));
    const tst = Math.floor(Date.now() / 1000) - 30;
    const event = { _type: 'transition', event: 'enter', desc: 'Oficina', tst, lat: 20.68, lon: -103.35, acc: 10, tid: 'an', wtst: tst - 600 };
    await c.publishAsync('owntracks/ana/ot-events/event', JSON.stringify(event), { qos: 1 });
    await c.publishAsync('owntracks/ana/ot-events/info', JSON.stringify({ _type: 'card', name: 'Ana' }), { qos: 1 });
    await c.publishAsync('owntracks/ana/ot-events', JSON.stringify({ _type: 'location', tst, lat: 20.68, lon: -103.35, tid: 'an' }), { qos: 1 });
    expect(closed).toBe(false);
    expect((await positions('ot-events')).map((p) => p.ts)).toEqual([new Date(tst * 1000).toISOString()]);
    // Another phone's subtopic is still refused.
    c.publish('owntracks/beto/ot-phone/event', JSON.stringify(event), { qos: 1 });
    await until('the connection closed', () => closed);
    c.end(true);
  });
});

describe('API authentication', () => {
  it('needs a token everywhere but login and health', async () => {
    expect((await t.api('GET', '/api/devices', undefined, null)).status).toBe(401);
    expect((await t.api('GET', '/api/health', undefined, null)).status).toBe(200);
    expect((await t.api('POST', '/api/auth/login', { email: 'admin@test.local', password: 'nope' }, null)).status).toBe(401);
  });

  it('serves a whole fleet reconnecting at once, even with connections reset before they are served', async () => {
    const fleet = await Promise.all(Array.from({ length: 100 }, (_, i) => t.createDevice(`storm-${i}`).then((d) => ({ uniqueId: `storm-${i}`, token: d.token }))));
    // Raw sockets, all opened in one tick: the server accepts them in one go.
    const clients = fleet.map((d) => new LeanMqttClient(t.server.ports.mqtt, d.uniqueId, d.token));
    const connected = clients.map((c) => c.connect());
    for (let i = 0; i < 10; i++) {
      const s = tcpConnect(t.server.ports.mqtt, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('connect', () => s.resetAndDestroy());
    }
    await Promise.all(connected);
    const ts = Date.now() - 1000;
    await Promise.all(
      clients.map((c, i) => new Promise<void>((resolve, reject) => c.publish(`ronda/storm-${i}/position`, JSON.stringify({ ts, lat: 20.6, lon: -103.3 }), (err) => (err ? reject(err) : resolve())))),
    );
    for (const i of [0, 50, 99]) expect(await positions(`storm-${i}`)).toHaveLength(1);
    for (const c of clients) c.end();
  });
});
