import { connect as tcpConnect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';
import { MQTT_MAX_PACKET_BYTES } from './mqtt-broker.ts';

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

  it('closes a connection whose packet announces more than it takes, before login and after, without reading it', async () => {
    // A CONNECT announcing 256 MB, from no one: closed on its header, not after 30 s of buffering.
    const socket = tcpConnect(t.server.ports.mqtt, '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true)).on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    socket.write(Buffer.from('10ffffff7f', 'hex'));
    socket.write(Buffer.alloc(64 * 1024, 0x41));
    await until('the connection closed', () => closed, 3000);
    // A logged-in phone's publish one byte over the limit: closed, not acknowledged; one at the limit is taken.
    const c = await connect('owner-phone', 'owner-big');
    let phoneClosed = false;
    c.on('close', () => (phoneClosed = true));
    const topic = 'ronda/owner-phone/position';
    const fits = Buffer.alloc(MQTT_MAX_PACKET_BYTES - 2 - topic.length - 2, 0x20); // topic length, topic, packet id
    await c.publishAsync(topic, fits, { qos: 1 });
    expect(phoneClosed).toBe(false);
    c.publish(topic, Buffer.alloc(fits.length + 1, 0x20), { qos: 1 });
    await until('the phone disconnected', () => phoneClosed, 3000);
    c.end(true);
    // Over WebSocket too: the message is refused before it is buffered whole.
    const ws = await mqtt.connectAsync(`ws://127.0.0.1:${t.server.ports.http}/mqtt`, { username: 'owner-phone', password: tokens.get('owner-phone'), clientId: 'owner-big-ws', reconnectPeriod: 0 });
    let wsClosed = false;
    ws.on('close', () => (wsClosed = true));
    await ws.publishAsync(topic, fits, { qos: 1 });
    expect(wsClosed).toBe(false);
    ws.publish(topic, Buffer.alloc(fits.length + 1, 0x20), { qos: 1 });
    await until('the WebSocket phone disconnected', () => wsClosed, 3000);
    ws.end(true);
  });

  it('lists an unknown device with the address it connected from', async () => {
    await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'stranger-phone', password: 'x', reconnectPeriod: 0 }).catch(() => undefined);
    const unknown = await until('the unknown device listed', async () =>
      ((await t.api('GET', '/api/devices/unknown')).body.devices as { uniqueId: string; remoteAddress: string }[]).find((d) => d.uniqueId === 'stranger-phone'),
    );
    expect(unknown.remoteAddress).toBe('127.0.0.1');
  });
});
