import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from './support/scale-services.ts';
import { startServerBehindProxy, type ServerBehindProxy } from './support/server-behind-proxy.ts';
import type { TcpProxy } from './support/tcp-proxy.ts';
import type { TestServer } from './support/test-server.ts';
import { until } from './support/until.ts';

/** SPEC §2 + §8: with MQTT_URL, nothing is acknowledged to the broker while the database cannot commit it. */
let broker: Mosquitto;
let stack: ServerBehindProxy | undefined;
let proxy: TcpProxy;
let t: TestServer;

beforeAll(async () => {
  broker = await startMosquitto();
  stack = await startServerBehindProxy({ MQTT_URL: broker.url, MQTT_CLIENT_ID: `ronda-dbout-${process.pid}` });
  ({ t, proxy } = stack);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await broker?.stop();
});

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
