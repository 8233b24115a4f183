import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTeltonikaFramer,
  decodeTeltonikaTcp,
  decodeTeltonikaUdp,
  encodeCodec12Command,
  initialTeltonikaState,
  type Position,
  type TeltonikaState,
} from '../../device-protocols/index.ts';
import { TeltonikaTcpDevice } from './teltonika-device.ts';
import { TeltonikaUdpDevice } from './teltonika-udp-device.ts';
import { startCodecServer, type CodecServer } from './test-server.ts';

const fix = { time: new Date('2025-06-01T12:00:05.500Z'), lat: -12.0464, lon: -77.0428, speedKph: 41, courseDeg: 181, altitudeM: 154, batteryPct: 76, ignition: true };
let server: CodecServer | undefined;
let device: TeltonikaTcpDevice | undefined;
afterEach(async () => {
  device?.close();
  await server?.close();
});

describe('TeltonikaTcpDevice against a server using the Teltonika codec', () => {
  it('handshakes, and each AVL packet resolves on its record-count ACK', async () => {
    server = await startCodecServer({ framer: createTeltonikaFramer, initialState: initialTeltonikaState, decode: decodeTeltonikaTcp });
    device = new TeltonikaTcpDevice({ host: '127.0.0.1', port: server.port, imei: '356307042441013', codec: 0x8e });
    await device.connect();
    await Promise.all([device.sendPosition(fix), device.sendPosition({ ...fix, time: new Date('2025-06-01T12:00:15Z') })]);
    expect(server.messages.map((m) => m.kind)).toEqual(['login', 'position', 'position']);
    const p = server.messages[1] as Position;
    expect([p.fixTime.toISOString(), p.lat, p.lon, p.speedKph, p.courseDeg, p.altitudeM, p.batteryPct, p.attributes.ignition]).toEqual([
      '2025-06-01T12:00:05.500Z', -12.0464, -77.0428, 41, 181, 154, 76, true,
    ]);
    expect(device.unacknowledged).toBe(0);
  });

  it('resends an unacknowledged packet after the server drops the connection', async () => {
    let dropped = false;
    server = await startCodecServer({
      framer: createTeltonikaFramer,
      initialState: initialTeltonikaState,
      decode: decodeTeltonikaTcp,
      beforeReply: (messages) => dropped || messages[0]?.kind !== 'position' || !(dropped = true),
    });
    device = new TeltonikaTcpDevice({ host: '127.0.0.1', port: server.port, imei: '356307042441013', reconnectDelayMs: 50 });
    await device.connect();
    await device.sendPosition(fix);
    expect(server.messages.map((m) => m.kind)).toEqual(['login', 'login', 'position']);
  });

  it('a rejected IMEI (0x00) fails connect', async () => {
    server = await startCodecServer({
      framer: createTeltonikaFramer,
      initialState: initialTeltonikaState,
      decode: (frame, state: TeltonikaState) => {
        const r = decodeTeltonikaTcp(frame, state);
        return r.ok && r.messages[0]?.kind === 'login' ? { ...r, reply: Uint8Array.of(0) } : r;
      },
    });
    device = new TeltonikaTcpDevice({ host: '127.0.0.1', port: server.port, imei: '356307042441013' });
    await expect(device.connect()).rejects.toThrow('server rejected the IMEI');
  });

  it('answers a Codec 12 command', async () => {
    server = await startCodecServer({ framer: createTeltonikaFramer, initialState: initialTeltonikaState, decode: decodeTeltonikaTcp });
    device = new TeltonikaTcpDevice({ host: '127.0.0.1', port: server.port, imei: '356307042441013', onCommand: (c) => `ver 03.27 for ${c}` });
    await device.connect();
    for (const socket of server.sockets) socket.write(encodeCodec12Command('getver'));
    await expect.poll(() => server!.messages.at(-1)).toEqual({ kind: 'commandAck', text: 'ver 03.27 for getver' });
  });
});

describe('TeltonikaUdpDevice', () => {
  it('resends until the ACK naming its packet id arrives', async () => {
    const socket = dgram.createSocket('udp4');
    const received: Position[] = [];
    let datagrams = 0;
    socket.on('message', (msg, from) => {
      // Lose the first datagram, as UDP may.
      if (++datagrams === 1) return;
      const r = decodeTeltonikaUdp(new Uint8Array(msg), {});
      if (!r.ok) return;
      received.push(...(r.messages as Position[]));
      socket.send(r.reply!, from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const udp = new TeltonikaUdpDevice({ host: '127.0.0.1', port: socket.address().port, imei: '352093086403655', retryMs: 50 });
    await udp.connect();
    await udp.sendPosition(fix);
    udp.close();
    socket.close();
    expect(datagrams).toBeGreaterThanOrEqual(2);
    expect(received.map((p) => [p.uniqueId, p.fixTime.toISOString(), p.lat])).toEqual([['352093086403655', '2025-06-01T12:00:05.500Z', -12.0464]]);
    expect(udp.unacknowledged).toBe(0);
  });
});
