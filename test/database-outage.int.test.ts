import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerBehindProxy, type ServerBehindProxy } from './support/server-behind-proxy.ts';
import type { TcpProxy } from './support/tcp-proxy.ts';
import type { TestServer } from './support/test-server.ts';

let stack: ServerBehindProxy | undefined;
let proxy: TcpProxy;
let t: TestServer;

beforeAll(async () => {
  stack = await startServerBehindProxy({ WRITE_QUEUE_MAX: '20', WRITE_BATCH_ROWS: '10' });
  ({ t, proxy } = stack);
});
afterAll(async () => {
  await stack?.close();
});

async function phone(uniqueId: string): Promise<MqttClient> {
  const { token } = await t.createDevice(uniqueId);
  return mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0 });
}

describe('database outage', () => {
  it('stops acknowledging while the database is down, keeps the queue bounded, and stores everything once it is back', async () => {
    const phones = await Promise.all([1, 2, 3, 4, 5].map((i) => phone(`outage-${i}`)));
    const base = Date.now() - 600_000;
    await phones[0].publishAsync('ronda/outage-1/position', JSON.stringify({ ts: base, lat: 20.6, lon: -103.3 }), { qos: 1 });

    proxy.block();
    const acked: string[] = [];
    const pending: Promise<unknown>[] = [];
    phones.forEach((c, p) => {
      for (let i = 1; i <= 10; i++) {
        const id = `outage-${p + 1}#${i}`;
        pending.push(
          c.publishAsync(`ronda/outage-${p + 1}/position`, JSON.stringify({ ts: base + i * 1000, lat: 20.6 + i * 1e-5, lon: -103.3 }), { qos: 1 }).then(() => acked.push(id)),
        );
      }
    });
    await new Promise((r) => setTimeout(r, 2500));
    expect(acked).toEqual([]);
    const stats = t.server.writer.getStats();
    expect(stats.queuedRows).toBeLessThanOrEqual(20);
    expect(stats.failures).toBeGreaterThan(0);

    proxy.unblock();
    await Promise.all(pending);
    expect(acked).toHaveLength(50);
    for (let p = 1; p <= 5; p++) {
      const r = await t.api('GET', `/api/devices/outage-${p}/positions?from=${new Date(base - 1).toISOString()}`);
      expect(r.body.positions).toHaveLength(p === 1 ? 11 : 10);
    }
    await Promise.all(phones.map((c) => c.endAsync()));
  });

  it('reads no further from a device whose publishes wait for the database: the rest stay in its TCP window, then all are stored', async () => {
    const c = await phone('outage-steady');
    const base = Date.now() - 300_000;
    proxy.block();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      pending.push(c.publishAsync('ronda/outage-steady/position', JSON.stringify({ ts: base + i * 1000, lat: 20.6 + i * 1e-5, lon: -103.3 }), { qos: 1 }));
      // One publish per TCP segment, as a phone sends them.
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 500));
    const held = (await t.api('GET', '/api/health')).body.broker.heldPublishes;
    // aedes used to read every new segment: all 60 held here.
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(3);

    proxy.unblock();
    await Promise.all(pending);
    const r = await t.api('GET', `/api/devices/outage-steady/positions?from=${new Date(base - 1).toISOString()}`);
    expect(r.body.positions).toHaveLength(60);
    expect((await t.api('GET', '/api/health')).body.broker.heldPublishes).toBe(0);
    await c.endAsync();
  });
});
