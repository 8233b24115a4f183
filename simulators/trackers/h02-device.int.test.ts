import { afterEach, describe, expect, it } from 'vitest';
import { createH02Framer, decodeH02, encodeH02Command, initialH02State, type Position } from '../../device-protocols/index.ts';
import { H02Device } from './h02-device.ts';
import { startCodecServer, type CodecServer } from './test-server.ts';

let server: CodecServer | undefined;
let device: H02Device | undefined;
afterEach(async () => {
  device?.close();
  await server?.close();
});

describe('H02Device against a server using the H02 codec', () => {
  it('sends V1 positions and LINK heartbeats, and confirms commands with V4', async () => {
    server = await startCodecServer({ framer: createH02Framer, initialState: initialH02State, decode: decodeH02 });
    device = new H02Device({ host: '127.0.0.1', port: server.port, imei: '865205030330012' });
    // Queued before the connection exists: written once it does.
    const early = device.sendPosition({ time: new Date('2025-06-01T12:00:05Z'), lat: 4.711, lon: -74.0721, speedKph: 18.52, courseDeg: 270, ignition: true });
    await device.connect();
    await early;
    await device.sendHeartbeat({ time: new Date('2025-06-01T12:01:00Z'), gsmSignal: 20, satellites: 8, batteryPct: 64 });
    await expect.poll(() => server!.messages.length).toBe(3);
    expect(server.messages.map((m) => m.kind)).toEqual(['login', 'position', 'heartbeat']);
    const p = server.messages[1] as Position;
    expect([p.uniqueId, p.fixTime.toISOString(), p.lat, p.lon, p.speedKph, p.courseDeg, p.attributes.ignition]).toEqual([
      '865205030330012', '2025-06-01T12:00:05.000Z', 4 + 42.66 / 60, -(74 + 4.326 / 60), 18.52, 270, true,
    ]);
    expect(server.messages[2]).toEqual({ kind: 'heartbeat', uniqueId: '865205030330012', batteryPct: 64, attributes: { gsmSignal: 20, satellites: 8, steps: 0 } });

    for (const socket of server.sockets) socket.write(encodeH02Command('865205030330012', 'S20', new Date('2025-06-01T12:02:00Z'), [1, 1]));
    await expect.poll(() => server!.messages.at(-1)?.kind).toBe('commandAck');
    expect(server.messages.at(-1)).toMatchObject({ kind: 'commandAck', uniqueId: '865205030330012' });
    expect((server.messages.at(-1) as { text: string }).text.startsWith('S20,1,1,')).toBe(true);
    expect(server.errors).toEqual([]);
  });

  it('in binary mode sends 32-byte $ reports the codec decodes to the same fix', async () => {
    server = await startCodecServer({ framer: createH02Framer, initialState: initialH02State, decode: decodeH02 });
    device = new H02Device({ host: '127.0.0.1', port: server.port, imei: '4106000826', binary: true });
    await device.connect();
    await device.sendPosition({ time: new Date('2025-06-01T12:00:05Z'), lat: 4.7, lon: -74.05, speedKph: 18.52, courseDeg: 270, ignition: false });
    await device.sendPosition({ time: new Date('2025-06-01T12:00:15Z'), lat: 4.75, lon: -74.05, speedKph: 0, courseDeg: 0 });
    await expect.poll(() => server!.messages.length).toBe(3);
    const [login, ...positions] = server.messages;
    expect(login).toEqual({ kind: 'login', uniqueId: '4106000826' });
    expect(positions.map((m) => { const p = m as Position; return [p.fixTime.toISOString(), p.lat, p.lon, p.speedKph, p.courseDeg, p.attributes.ignition]; })).toEqual([
      ['2025-06-01T12:00:05.000Z', 4.7, -74.05, 18.52, 270, false],
      ['2025-06-01T12:00:15.000Z', 4.75, -74.05, 0, 0, false],
    ]);
    expect(server.errors).toEqual([]);
  });
});
