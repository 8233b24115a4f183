import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorage, startServerProcess, type ServerProcess, type Storage } from './support/server-process.ts';

const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
let storage: Storage;
let server: ServerProcess | null = null;

afterAll(async () => {
  await server?.stop();
  await storage?.drop();
});

describe(`a server killed mid-stream (${kind})`, () => {
  it('loses no acknowledged position and stores a resend once', { timeout: 120_000 }, async () => {
    storage = await createStorage(kind);
    server = await startServerProcess(kind, {}, storage);
    const dev = (await server.api('POST', '/api/devices', { uniqueId: 'crash-phone', name: 'crash' })) as { token: string };

    const client = mqtt.connect(`mqtt://127.0.0.1:${server.mqttPort}`, { username: 'crash-phone', password: dev.token, reconnectPeriod: 0 });
    await new Promise((r, j) => (client.once('connect', r), client.once('error', j)));
    client.on('error', () => undefined);
    const acked: number[] = [];
    const sent: number[] = [];
    // Far enough back that even a fast run (~10k positions at 1 s spacing) never reaches the future-time filter.
    const t0 = Date.now() - 12 * 3_600_000;
    let i = 0;
    // Publish continuously; SIGKILL the server while publishes are in flight.
    const pump = setInterval(() => {
      for (let k = 0; k < 20; k++) {
        const ts = t0 + i++ * 1000;
        sent.push(ts);
        client.publish('ronda/crash-phone/position', JSON.stringify({ ts, lat: 20.6 + i * 1e-5, lon: -103.3 }), { qos: 1 }, (err) => {
          if (!err) acked.push(ts);
        });
      }
    }, 5);
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    clearInterval(pump);
    client.end(true);
    expect(acked.length).toBeGreaterThan(0);
    expect(sent.length).toBeGreaterThan(acked.length);

    server = await startServerProcess(kind, {}, storage);
    const read = async () =>
      ((await server!.api('GET', `/api/devices/crash-phone/positions?from=${new Date(t0 - 1000).toISOString()}&to=${new Date(t0 + 86_400_000).toISOString()}`)) as {
        positions: { ts: string }[];
      }).positions.map((p) => Date.parse(p.ts));
    const stored = new Set(await read());
    const lost = acked.filter((ts) => !stored.has(ts));
    expect(lost).toEqual([]);

    // The phone resends everything it never got a PUBACK for (and some it did): one row each.
    const again = mqtt.connect(`mqtt://127.0.0.1:${server.mqttPort}`, { username: 'crash-phone', password: dev.token, reconnectPeriod: 0 });
    await new Promise((r) => again.once('connect', r));
    const resend = sent.slice(Math.max(0, acked.length - 50)).map((ts, k) => ({ ts, lat: 20.6 + (sent.indexOf(ts) + 1) * 1e-5, lon: -103.3, k }));
    for (let s = 0; s < resend.length; s += 500) {
      await again.publishAsync('ronda/crash-phone/position', JSON.stringify(resend.slice(s, s + 500).map(({ ts, lat, lon }) => ({ ts, lat, lon }))), { qos: 1 });
    }
    await again.endAsync();
    const after = await read();
    expect(after.length).toBe(new Set(after).size);
    expect(new Set(after)).toEqual(new Set([...stored, ...resend.map((r) => r.ts)]));
  });
});
