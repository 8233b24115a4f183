import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeOwnTracks } from '../../device-protocols/owntracks/owntracks-payload.ts';
import { OwnTracksDevice } from './owntracks-device.ts';

let broker: Aedes | undefined;
let server: Server | undefined;
let device: OwnTracksDevice | undefined;
afterEach(async () => {
  device?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
});

describe('OwnTracksDevice against an MQTT broker', () => {
  it('logs in as its device and publishes locations the OwnTracks codec reads, acknowledged at QoS 1', async () => {
    broker = await Aedes.createBroker();
    const logins: [string, string][] = [];
    broker.authenticate = (client, username, password, done) => {
      logins.push([username ?? '', password?.toString() ?? '']);
      done(null, true);
    };
    const published: { topic: string; qos: number; payload: string }[] = [];
    broker.on('publish', (packet, client) => client && published.push({ topic: packet.topic, qos: packet.qos, payload: packet.payload.toString() }));
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    device = new OwnTracksDevice({ brokerUrl: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, uniqueId: 'owntracks-019', token: 'secret' });
    await device.connect();
    await device.sendPosition({ time: new Date('2025-06-01T12:00:05Z'), lat: 20.6597, lon: -103.3496, speedKph: 27.6, courseDeg: 91.2, batteryPct: 64 });
    expect(logins).toEqual([['owntracks-019', 'secret']]);
    expect(published.map((p) => [p.topic, p.qos])).toEqual([['owntracks/ronda/owntracks-019', 1]]);
    const decoded = decodeOwnTracks(published[0].payload);
    expect(decoded.kind).toBe('position');
    if (decoded.kind !== 'position') return;
    const p = decoded.position;
    expect([p.fixTime.toISOString(), p.lat, p.lon, p.speedKph, p.courseDeg, p.batteryPct]).toEqual(['2025-06-01T12:00:05.000Z', 20.6597, -103.3496, 28, 91, 64]);
  });
});
