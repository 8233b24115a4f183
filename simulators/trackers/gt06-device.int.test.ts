import { afterEach, describe, expect, it } from 'vitest';
import { createGt06Framer, decodeGt06, encodeGt06Command, initialGt06State, type Position } from '../../device-protocols/index.ts';
import { Gt06Device } from './gt06-device.ts';
import { startCodecServer, type CodecServer } from './test-server.ts';

const fix = { time: new Date('2025-06-01T12:00:05Z'), lat: 19.4326, lon: -99.1332, speedKph: 32, courseDeg: 90 };
let server: CodecServer | undefined;
let device: Gt06Device | undefined;
afterEach(async () => {
  device?.close();
  await server?.close();
});

describe('Gt06Device against a server using the GT06 codec', () => {
  it('logs in, and a position resolves when the server acks it', async () => {
    server = await startCodecServer({ framer: createGt06Framer, initialState: () => initialGt06State({ ackPositions: true }), decode: decodeGt06 });
    device = new Gt06Device({ host: '127.0.0.1', port: server.port, imei: '358899051234567', expectPositionAck: true });
    await device.connect();
    await device.sendPosition(fix);
    await device.sendHeartbeat({ armed: false, ignition: true, charging: false, gpsTracking: true, fuelCut: false, voltageLevel: 5, gsmSignal: 4 });
    expect(server.messages.map((m) => m.kind)).toEqual(['login', 'position', 'heartbeat']);
    expect(server.messages[0]).toEqual({ kind: 'login', uniqueId: '358899051234567' });
    const p = server.messages[1] as Position;
    expect([p.fixTime.toISOString(), p.lat, p.lon, p.speedKph, p.courseDeg, p.valid]).toEqual([
      '2025-06-01T12:00:05.000Z', Math.round(19.4326 * 1_800_000) / 1_800_000, -Math.round(99.1332 * 1_800_000) / 1_800_000, 32, 90, true,
    ]);
    expect(server.errors).toEqual([]);
    expect(device.unacknowledged).toBe(0);
  });

  it('keeps an unacknowledged position and resends it after reconnecting', async () => {
    let dropped = false;
    server = await startCodecServer({
      framer: createGt06Framer,
      initialState: () => initialGt06State({ ackPositions: true }),
      decode: decodeGt06,
      // The first position arrives, but the connection dies before the ACK.
      beforeReply: (messages) => dropped || messages[0]?.kind !== 'position' || !(dropped = true),
    });
    device = new Gt06Device({ host: '127.0.0.1', port: server.port, imei: '358899051234567', reconnectDelayMs: 50, expectPositionAck: true });
    await device.connect();
    await device.sendPosition(fix);
    expect(dropped).toBe(true);
    expect(server.messages.map((m) => m.kind)).toEqual(['login', 'login', 'position']);
    expect(device.unacknowledged).toBe(0);
  });

  it('without position ACKs (the Concox default) a position is delivered once written', async () => {
    server = await startCodecServer({ framer: createGt06Framer, initialState: () => initialGt06State(), decode: decodeGt06 });
    device = new Gt06Device({ host: '127.0.0.1', port: server.port, imei: '358899051234567' });
    await device.connect();
    await device.sendPosition(fix);
    await expect.poll(() => server!.messages.map((m) => m.kind)).toEqual(['login', 'position']);
    expect(device.unacknowledged).toBe(0);
  });

  it('answers an online command (0x80) with a 0x15 string packet', async () => {
    server = await startCodecServer({ framer: createGt06Framer, initialState: () => initialGt06State(), decode: decodeGt06 });
    device = new Gt06Device({ host: '127.0.0.1', port: server.port, imei: '358899051234567', onCommand: (text) => `done ${text}` });
    await device.connect();
    for (const socket of server.sockets) socket.write(encodeGt06Command('WHERE#', 42, 7));
    await expect.poll(() => server!.messages.at(-1)).toEqual({ kind: 'commandAck', text: 'done WHERE#' });
  });
});
