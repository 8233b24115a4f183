import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from './support/scale-services.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

/** SPEC §8 with REDIS_URL: Redis going away must not take ingest (or the process) with it. */
const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
let redis: RedisServer;
let server: ServerProcess;
let phone: mqtt.MqttClient | undefined;

afterAll(async () => {
  await phone?.endAsync(true);
  await server?.stop();
  await redis?.kill();
});

describe(`an instance whose Redis goes away (${kind})`, () => {
  it('keeps storing positions and answering, serves subscriptions again once Redis is back, and shuts down cleanly', { timeout: 120_000 }, async () => {
    redis = await startRedisServer();
    server = await startServerProcess(kind, { REDIS_URL: redis.url });
    const { token } = (await server.api('POST', '/api/devices', { uniqueId: 'outage-phone', name: 'outage' })) as { token: string };
    phone = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { username: 'outage-phone', password: token, reconnectPeriod: 0 });

    await redis.kill();
    const ts = Date.now() - 60_000;
    // The position goes to the database, not to Redis: its PUBACK still means "stored".
    await phone.publishAsync('ronda/outage-phone/position', JSON.stringify({ ts, lat: 20.65, lon: -103.33 }), { qos: 1 });
    const rows = (await server.api('GET', `/api/devices/outage-phone/positions?from=${new Date(ts - 1000).toISOString()}&to=${new Date(ts + 1000).toISOString()}`)) as {
      positions: { ts: string }[];
    };
    expect(rows.positions.map((p) => p.ts)).toEqual([new Date(ts).toISOString()]);
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
    // Longer than ioredis' 20 retries per command (~10 s): the live stream's and the broker's
    // publishes queued meanwhile are then rejected, and must not end the process.
    await new Promise((r) => setTimeout(r, 13_000));
    expect(server.child.exitCode).toBeNull();

    await redis.restart();
    // A fresh connection: one that lived through a long outage can stall in aedes until the device
    // reconnects (keepalive), which phones do on their own; nothing acknowledged is lost by it.
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { username: 'outage-phone', password: token, reconnectPeriod: 0 });
    // Subscriptions live in Redis: a SUBACK proves the broker reached it again.
    const granted = await again.subscribeAsync('ronda/outage-phone/plan', { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    await again.endAsync();
    expect(server.child.exitCode).toBeNull();

    // Connections that went through the outage still close without an unhandled rejection.
    await phone.endAsync(true);
    phone = undefined;
    await server.stop('SIGTERM');
    expect(server.child.exitCode).toBe(0);
  });
});
