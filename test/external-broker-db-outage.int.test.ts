import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../server/db/embedded.ts';
import { startMosquitto, type Mosquitto } from './support/scale-services.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/** SPEC §2 + §8: with MQTT_URL, nothing is acknowledged to the broker while the database cannot commit it. */
let broker: Mosquitto;
let tdb: TestDatabase;
let embedded: EmbeddedPostgres | null = null;
let proxy: TcpProxy;
let t: TestServer;

beforeAll(async () => {
  broker = await startMosquitto();
  tdb = await createTestDatabase();
  if (!tdb.databaseUrl) embedded = await startEmbeddedPostgres(null);
  const target = new URL(tdb.databaseUrl ?? embedded!.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  t = await startTestServer(
    { DATABASE_URL: target.toString(), DATABASE_POOL_SIZE: embedded ? '1' : '4', MQTT_URL: broker.url, MQTT_CLIENT_ID: `ronda-dbout-${process.pid}` },
    { ...tdb, databaseUrl: target.toString(), drop: async () => undefined },
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await embedded?.close();
  await tdb?.drop();
  await broker?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('external broker, database outage', () => {
  it('holds every message unacknowledged while the database is down and stores each once when it is back', { timeout: 120_000 }, async () => {
    // Not yet looked up: even finding the device needs the database.
    await t.createDevice('dbout-phone');
    const phone = await mqtt.connectAsync(broker.url, { clientId: 'dbout-phone', reconnectPeriod: 0 });
    const base = Date.now() - 600_000;
    proxy.block();
    for (let i = 0; i < 30; i++) {
      await phone.publishAsync('ronda/dbout-phone/position', JSON.stringify({ ts: base + i * 1000, lat: 20.6 + i * 1e-5, lon: -103.3 }), { qos: 1 });
    }
    await phone.endAsync();

    // Failed lookups are retried in place; the broker still holds the messages.
    await until('a message being retried', async () => ((await health()).broker.retrying > 0 ? true : undefined), 20_000);
    expect(t.server.ingest.stats.stored).toBe(0);

    proxy.unblock();
    const stored = await until('30 stored positions', async () => {
      const r = await t.api('GET', `/api/devices/dbout-phone/positions?from=${new Date(base - 1000).toISOString()}&to=${new Date(base + 60_000).toISOString()}`);
      return r.status === 200 && r.body.positions.length >= 30 ? (r.body.positions as { ts: string }[]) : undefined;
    }, 60_000);
    expect(stored.map((p) => Date.parse(p.ts))).toEqual(Array.from({ length: 30 }, (_, i) => base + i * 1000));
    expect((await health()).broker.retrying).toBe(0);
  });
});

async function health(): Promise<any> {
  return (await t.api('GET', '/api/health')).body;
}
