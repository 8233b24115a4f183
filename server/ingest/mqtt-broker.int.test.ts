import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';

let t: TestServer;
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await startTestServer();
  for (const id of ['owner-phone', 'other-phone']) tokens.set(id, (await t.createDevice(id)).token);
});
afterAll(async () => t?.close());

const connect = (uniqueId: string, clientId: string, extra: mqtt.IClientOptions = {}) =>
  mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: tokens.get(uniqueId), clientId, reconnectPeriod: 0, ...extra });

describe('the embedded broker', () => {
  it("refuses a device that logs in with another device's client id, instead of knocking that phone off", async () => {
    const owner = await connect('owner-phone', 'owntracks-owner');
    let ownerClosed = false;
    owner.on('close', () => (ownerClosed = true));
    const err = await connect('other-phone', 'owntracks-owner').then(
      (c: MqttClient) => (c.end(true), null),
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBe(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(ownerClosed).toBe(false);
    // The same device reconnecting with its own client id still takes its session over, as MQTT says.
    const again = await connect('owner-phone', 'owntracks-owner');
    await until('the old connection to close', () => ownerClosed);
    await again.endAsync();
  });

  it('keeps no retained message a device publishes', async () => {
    const c = await connect('owner-phone', 'owner-retain');
    await c.publishAsync('owntracks/someone/owner-phone', JSON.stringify({ _type: 'location', lat: 20.67, lon: -103.35, tst: Math.floor(Date.now() / 1000) - 60 }), { qos: 1, retain: true });
    await c.endAsync();
    const retained: string[] = [];
    // aedes' store, which its types leave out.
    const store = (t.server.broker!.aedes as unknown as { persistence: { createRetainedStream(pattern: string): AsyncIterable<{ topic: string }> } }).persistence;
    for await (const packet of store.createRetainedStream('#')) retained.push(packet.topic);
    expect(retained).toEqual([]);
  });

  it('lists an unknown device with the address it connected from', async () => {
    await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'stranger-phone', password: 'x', reconnectPeriod: 0 }).catch(() => undefined);
    const unknown = await until('the unknown device listed', async () =>
      ((await t.api('GET', '/api/devices/unknown')).body.devices as { uniqueId: string; remoteAddress: string }[]).find((d) => d.uniqueId === 'stranger-phone'),
    );
    expect(unknown.remoteAddress).toBe('127.0.0.1');
  });
});
