import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedisUrlPair } from '../../test/support/scale-services.ts';
import { redisBrokerBackends } from './mqtt-broker-redis.ts';

/**
 * SPEC §8: the embedded brokers of one deployment share an emitter and a store through Redis;
 * two deployments kept apart by database number on one Redis must not hear each other. The
 * store's keys are per database already, but the emitter publishes on pub/sub channels, which
 * Redis shares across databases.
 */
const log = pino({ level: 'silent' });
const run = `${process.pid}-${Date.now()}`;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

interface Broker {
  aedes: Aedes;
  url: string;
}

/** Aedes on the Redis backends and a TCP port, as mqtt-broker.ts runs it, without its device policy. */
async function broker(redisUrl: string): Promise<Broker> {
  const backends = await redisBrokerBackends(redisUrl, log);
  const aedes = await Aedes.createBroker({ mq: backends.mq as never, persistence: backends.persistence as never });
  const tcp = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  stops.push(async () => {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => tcp.close(() => r()));
    await backends.close();
  });
  return { aedes, url: `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}` };
}

/** Messages on `topic` the broker delivers to its subscribers, whichever instance they were published on. */
async function heard(b: Broker, topic: string): Promise<string[]> {
  const got: string[] = [];
  await new Promise<void>((r) => b.aedes.subscribe(topic, (packet, done) => (got.push(packet.payload.toString()), done()), r));
  return got;
}

const publish = (b: Broker, topic: string, text: string) =>
  new Promise<void>((resolve, reject) => b.aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(text), qos: 0, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())));

async function device(b: Broker, clientId: string): Promise<{ client: mqtt.MqttClient; closed: () => boolean }> {
  const client = await mqtt.connectAsync(b.url, { clientId, reconnectPeriod: 0 });
  let closed = false;
  client.on('close', () => (closed = true));
  stops.push(() => client.endAsync(true));
  return { client, closed: () => closed };
}

describe('embedded brokers sharing Redis', () => {
  it('deliver what one publishes to the instances on its database only, in either direction', async () => {
    const [one, two] = await testRedisUrlPair();
    const [a, sameDeployment, otherDeployment] = [await broker(one), await broker(one), await broker(two)];
    const topic = `ronda-test/${run}/positions`;
    const [onSame, onOther] = [await heard(sameDeployment, topic), await heard(otherDeployment, topic)];

    await publish(a, topic, 'from A');
    await expect.poll(() => onSame, { timeout: 5000 }).toEqual(['from A']);
    await publish(otherDeployment, topic, 'from B');
    await expect.poll(() => onOther, { timeout: 5000 }).toEqual(['from B']);
    // Had either crossed, it would have come by now: each reached its own deployment within this time above.
    await new Promise((r) => setTimeout(r, 500));
    expect(onOther).toEqual(['from B']);
    expect(onSame).toEqual(['from A']);
  });

  it("take a device's session over from another instance of their deployment, never from another deployment's device with its client id", async () => {
    const [one, two] = await testRedisUrlPair();
    const [a, sameDeployment, otherDeployment] = [await broker(one), await broker(one), await broker(two)];
    const clientId = `owntracks-${run}`;
    const phone = await device(a, clientId);

    // aedes tells every instance of a new connection over the emitter ($SYS/<broker>/new/clients); a
    // client id is unique per deployment only, so another lender's phone may well have this one.
    await device(otherDeployment, clientId);
    await new Promise((r) => setTimeout(r, 500));
    expect(phone.closed()).toBe(false);

    // [MQTT-3.1.4-2]: the same client connecting again, through another instance, takes its session over.
    await device(sameDeployment, clientId);
    await expect.poll(phone.closed, { timeout: 5000 }).toBe(true);
  });
});
