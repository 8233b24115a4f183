import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_CONNECTIONS } from '../server/ingest/mqtt-external-ingest.ts';
import { startMosquitto, type Mosquitto } from './support/scale-services.ts';
import { createStorage, startServerProcess, type ServerProcess, type Storage } from './support/server-process.ts';
import { until } from './support/until.ts';

/** SPEC §8 with MQTT_URL: devices talk to an external broker; Ronda ingests through a shared subscription. */
const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
let broker: Mosquitto;
let storage: Storage;
let server: ServerProcess | null = null;
// Fixed for the whole run: after a crash the restarted instance must find its sessions at the broker again.
const env = () => ({ MQTT_URL: broker.url, MQTT_CLIENT_ID: `ronda-test-${process.pid}`, WRITE_FLUSH_MS: '10' });

beforeAll(async () => {
  broker = await startMosquitto();
  storage = await createStorage(kind);
  server = await startServerProcess(kind, env(), storage);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await storage?.drop();
  await broker?.stop();
});

const device = (clientId: string) => mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 0, clean: true });

async function storedTimes(uniqueId: string, fromMs: number): Promise<number[]> {
  const r = (await server!.api('GET', `/api/devices/${uniqueId}/positions?from=${new Date(fromMs).toISOString()}&to=${new Date(fromMs + 86_400_000).toISOString()}`)) as {
    positions: { ts: string }[];
  };
  return r.positions.map((p) => Date.parse(p.ts));
}

describe(`ingest from an external MQTT broker (${kind})`, () => {
  it('has no embedded broker and says which broker it reads in /api/health', async () => {
    const health = (await (await fetch(`${server!.baseUrl}/api/health`)).json()) as any;
    expect(health.status).toBe('ok');
    expect(health.broker).toMatchObject({ mode: 'external', url: broker.url, retrying: 0 });
    expect(health.broker.sessions).toHaveLength(INGEST_CONNECTIONS);
    expect(health.broker.sessions.every((s: { connected: boolean }) => s.connected)).toBe(true);
    expect(health.listeners.map((l: { name: string }) => l.name)).not.toContain('mqtt');
    expect(server!.mqttPort).toBe(0);
  });

  it('stores what a device publishes to the broker, readable through the API; unknown ids are listed, not stored', async () => {
    await server!.api('POST', '/api/devices', { uniqueId: 'ext-phone', name: 'ext' });
    const phone = await device('ext-phone');
    const ts = Date.now() - 60_000;
    await phone.publishAsync('ronda/ext-phone/position', JSON.stringify({ ts, lat: 20.6767, lon: -103.3475, speed: 12.5, battery: 81 }), { qos: 1 });
    await phone.publishAsync('owntracks/ana/ext-phone', JSON.stringify({ _type: 'location', tst: Math.floor(ts / 1000) + 30, lat: 20.677, lon: -103.347 }), { qos: 1 });
    await phone.publishAsync('ronda/ghost-9/position', JSON.stringify({ ts, lat: 20.6, lon: -103.3 }), { qos: 1 });
    await phone.endAsync();

    const rows = await until('two stored positions', async () => {
      const r = (await server!.api('GET', `/api/devices/ext-phone/positions?from=${new Date(ts - 1000).toISOString()}&to=${new Date(ts + 60_000).toISOString()}`)) as {
        positions: { ts: string; lat: number; lon: number; speedKph: number | null; batteryPct: number | null; protocol: string }[];
      };
      return r.positions.length >= 2 ? r.positions : undefined;
    }, 20_000);
    expect(rows).toEqual([
      expect.objectContaining({ ts: new Date(ts).toISOString(), lat: 20.6767, lon: -103.3475, speedKph: 12.5, batteryPct: 81, protocol: 'mqtt' }),
      expect.objectContaining({ ts: new Date(Math.floor(ts / 1000) * 1000 + 30_000).toISOString(), lat: 20.677, lon: -103.347, protocol: 'owntracks' }),
    ]);
    const unknown = await until('the unknown device listed', async () => {
      const u = (await server!.api('GET', '/api/devices/unknown')) as { devices: { uniqueId: string; protocol: string }[] };
      return u.devices.find((d) => d.uniqueId === 'ghost-9');
    }, 10_000);
    expect(unknown.protocol).toBe('mqtt');
    expect(await storedTimes('ghost-9', ts - 1000).catch(() => [])).toEqual([]);
  });

  it('loses nothing the broker accepted when Ronda is killed mid-stream: its sessions are redelivered on restart', { timeout: 240_000 }, async () => {
    await server!.api('POST', '/api/devices', { uniqueId: 'kill-phone', name: 'kill' });
    const phone = await device('kill-phone');
    phone.on('error', () => undefined);
    const t0 = Date.now() - 6 * 3_600_000;
    const accepted: number[] = [];
    const whileDown: number[] = [];
    let down = false;
    let i = 0;
    const sends: Promise<unknown>[] = [];
    // Faster than Ronda commits one message at a time per session: a backlog builds, and with it
    // messages delivered to Ronda but not yet committed when it dies.
    const pump = setInterval(() => {
      for (let k = 0; k < 20; k++) {
        const ts = t0 + i * 1000;
        const payload = JSON.stringify({ ts, lat: 20.6 + i * 1e-5, lon: -103.3 });
        i++;
        // The broker's PUBACK to the phone: from here on the message is the broker's to deliver.
        sends.push(phone.publishAsync('ronda/kill-phone/position', payload, { qos: 1 }).then(() => (down ? whileDown : accepted).push(ts)));
      }
    }, 10);
    await new Promise((r) => setTimeout(r, 1500));
    await server!.stop('SIGKILL');
    down = true;
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(pump);
    await Promise.all(sends);
    await phone.endAsync();
    expect(accepted.length).toBeGreaterThan(50);
    expect(whileDown.length).toBeGreaterThan(20);

    server = await startServerProcess(kind, env(), storage);
    const all = [...accepted, ...whileDown];
    // Wait while the backlog drains; stop once everything is there or nothing new arrived for 10 s.
    let stored: number[] = [];
    for (let last = -1, idleSince = Date.now(); stored.length < all.length && Date.now() - idleSince < 10_000; ) {
      await new Promise((r) => setTimeout(r, 500));
      stored = await storedTimes('kill-phone', t0 - 1000);
      if (stored.length !== last) [last, idleSince] = [stored.length, Date.now()];
    }
    const have = new Set(stored);
    expect(all.filter((ts) => !have.has(ts))).toEqual([]);
    expect(stored.length).toBe(have.size);
    expect(have).toEqual(new Set(all));
  });

  it('survives the broker going away, reports it in /api/health, and ingests again once it is back', { timeout: 120_000 }, async () => {
    const health = async () => {
      const r = await fetch(`${server!.baseUrl}/api/health`);
      return { code: r.status, body: (await r.json()) as any };
    };
    await broker.stop();
    const down = await until('health to show the broker down', async () => {
      const h = await health();
      return h.body.status === 'degraded' ? h : undefined;
    }, 20_000);
    // The API still answers: only device data has stopped coming in.
    expect(down.code).toBe(200);
    expect(down.body.broker.sessions.some((s: { connected: boolean }) => s.connected)).toBe(false);

    // Down long enough for the reconnect attempts to be refused (ECONNREFUSED): that error once ended the sessions for good.
    await new Promise((r) => setTimeout(r, 3000));
    // A broker restarted empty (no sessions kept): Ronda must subscribe again by itself.
    broker = await startMosquitto(broker.port);
    await until('health ok again', async () => ((await health()).body.status === 'ok' ? true : undefined), 30_000);
    await server!.api('POST', '/api/devices', { uniqueId: 'back-phone', name: 'back' });
    const phone = await device('back-phone');
    const ts = Date.now() - 120_000;
    await phone.publishAsync('ronda/back-phone/position', JSON.stringify({ ts, lat: 20.61, lon: -103.31 }), { qos: 1 });
    await phone.endAsync();
    const stored = await until('the position stored', async () => {
      const times = await storedTimes('back-phone', ts - 1000);
      return times.length > 0 ? times : undefined;
    }, 20_000);
    expect(stored).toEqual([ts]);
  });
});
