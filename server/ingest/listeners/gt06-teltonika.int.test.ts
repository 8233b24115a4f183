import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeGt06Ack,
  encodeGt06Alarm,
  encodeGt06Heartbeat,
  encodeGt06Login,
  encodeGt06Position,
  encodeTeltonikaAck,
  encodeTeltonikaImei,
  encodeTeltonikaTcpPacket,
  encodeTeltonikaUdpAck,
  encodeTeltonikaUdpPacket,
  GT06_PROTOCOL,
  TELTONIKA_CODEC,
  type Gt06Fix,
  type Gt06Status,
  type TeltonikaRecord,
} from '../../../device-protocols/index.ts';
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts';
import { listener, recentTimes, rowsOf, SPOTS, unknownDevices } from './testing/fixes.ts';
import { RawTcp } from './testing/raw-tcp.ts';
import { until } from '../../../test/support/until.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.close());

const STATUS: Gt06Status = { armed: false, ignition: true, charging: false, gpsTracking: true, fuelCut: false, voltageLevel: 4, gsmSignal: 3 };

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

function gt06Fix(time: Date, spot: { lat: number; lon: number }, speedKph = 35): Gt06Fix {
  return { time, lat: spot.lat, lon: spot.lon, valid: true, speedKph, courseDeg: 90, satellites: 9 };
}

/** A registered GT06 logged in on a connection of its own (login acknowledged), and three recent fix times. */
async function gt06LoggedIn(imei: string): Promise<{ c: RawTcp; times: Date[] }> {
  await t.createDevice(imei);
  const times = recentTimes(3);
  const c = await RawTcp.connect(t.server.ports.gt06);
  c.write(encodeGt06Login(imei, 1));
  await c.take(10);
  return { c, times };
}

function record(time: Date, spot: { lat: number; lon: number }, priority: 0 | 1 | 2 = 0): TeltonikaRecord {
  return {
    timestampMs: time.getTime(),
    priority,
    lat: spot.lat,
    lon: spot.lon,
    altitudeM: 1560,
    angleDeg: 180,
    satellites: 11,
    speedKph: 42,
    eventIoId: 0,
    io: [{ id: 113, size: 1, value: 77 }],
  };
}

describe('GT06 over TCP', () => {
  it('acknowledges login, positions, heartbeat and alarm in order, each after its rows are readable', async () => {
    const imei = '359710040000001';
    await t.createDevice(imei);
    const times = recentTimes(3);
    const c = await RawTcp.connect(t.server.ports.gt06);
    c.write(encodeGt06Login(imei, 1));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.login, 1));

    c.write(
      encodeGt06Position(gt06Fix(times[0], SPOTS[0]), 2),
      encodeGt06Position(gt06Fix(times[1], SPOTS[1]), 3, { protocolNumber: GT06_PROTOCOL.gpsLbs2, ignition: true }),
      encodeGt06Heartbeat(STATUS, 4),
      encodeGt06Alarm(gt06Fix(times[2], SPOTS[2], 0), STATUS, 0x01, 5),
    );
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs2, 3));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.status, 4));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.alarm, 5));

    const rows = await rowsOf(t, imei);
    expect(rows.map((r) => [r.ts, r.lat, r.lon, r.speedKph, r.courseDeg, r.satellites, r.protocol])).toEqual([
      [times[0].toISOString(), 20.675, -103.3475, 35, 90, 9, 'gt06'],
      [times[1].toISOString(), 20.6755, -103.347, 35, 90, 9, 'gt06'],
      [times[2].toISOString(), 20.676, -103.3465, 0, 90, 9, 'gt06'],
    ]);
    expect(rows[1].attributes.ignition).toBe(true);
    expect(rows[2].attributes).toMatchObject({ alarm: 'sos', ignition: true, voltageLevel: 4 });
    expect(rows[2].batteryPct).toBe(67);

    const health = (await t.api('GET', '/api/health')).body;
    expect(listener(health, 'gt06', 'tcp')).toMatchObject({ port: t.server.ports.gt06, connections: 1, counters: expect.objectContaining({ frames: 5, acks: 5, errors: 0, bytesOut: 5 * 10 }) });
    await c.end();
  });

  it('decodes a login and a position written one byte at a time exactly as whole frames', async () => {
    const imei = '359710040000002';
    await t.createDevice(imei);
    const [time] = recentTimes(1);
    const c = await RawTcp.connect(t.server.ports.gt06);
    await c.writeBytewise(encodeGt06Login(imei, 7));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.login, 7));
    await c.writeBytewise(encodeGt06Position(gt06Fix(time, SPOTS[3]), 8));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 8));
    expect((await rowsOf(t, imei)).map((r) => [r.ts, r.lat, r.lon])).toEqual([[time.toISOString(), 20.6765, -103.346]]);
    await c.end();
  });

  it('skips a frame with a bad CRC, counts it, and goes on with the next frame on the same connection', async () => {
    const imei = '359710040000003';
    const { c, times } = await gt06LoggedIn(imei);
    const errorsBefore = listener((await t.api('GET', '/api/health')).body, 'gt06', 'tcp').counters!.errors;
    const corrupt = encodeGt06Position(gt06Fix(times[1], SPOTS[1]), 3);
    corrupt[corrupt.length - 4] ^= 0xff; // first CRC byte
    c.write(encodeGt06Position(gt06Fix(times[0], SPOTS[0]), 2), corrupt, encodeGt06Position(gt06Fix(times[2], SPOTS[2]), 4));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 4));
    expect((await rowsOf(t, imei)).map((r) => r.ts)).toEqual([times[0].toISOString(), times[2].toISOString()]);
    expect(listener((await t.api('GET', '/api/health')).body, 'gt06', 'tcp').counters!.errors).toBe(errorsBefore + 1);
    await c.end();
  });

  it('stores and acknowledges a position that follows stray bytes whose length field ends on its stop bytes', async () => {
    // Found by a socket probe: 78 78 22 announces 39 bytes, which end exactly on the 0D0A of the 36-byte frame after it;
    // the framer cut the 39 bytes as one frame, the decoder refused its CRC, and the real fix was neither stored nor acknowledged.
    const imei = '359710040000004';
    const { c, times } = await gt06LoggedIn(imei);
    const real = encodeGt06Position(gt06Fix(times[1], SPOTS[1]), 3);
    expect(real.length).toBe(36);
    c.write(encodeGt06Position(gt06Fix(times[0], SPOTS[0]), 2), Uint8Array.from([0x78, 0x78, 0x22, ...real]), encodeGt06Position(gt06Fix(times[2], SPOTS[2]), 4));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 2));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 3));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 4));
    expect((await rowsOf(t, imei)).map((r) => r.ts)).toEqual(times.map((x) => x.toISOString()));
    await c.end();
  });

  it('does not hold the positions after a frame whose length byte is too large until the idle timeout', async () => {
    // A 36-byte frame with length byte 0xFF announces 260 bytes; before, the two positions after it waited (unstored, unanswered) for the rest.
    const imei = '359710040000005';
    const { c, times } = await gt06LoggedIn(imei);
    const errorsBefore = listener((await t.api('GET', '/api/health')).body, 'gt06', 'tcp').counters!.errors;
    const lying = encodeGt06Position(gt06Fix(times[0], SPOTS[0]), 2);
    lying[2] = 0xff;
    c.write(lying);
    c.write(encodeGt06Position(gt06Fix(times[1], SPOTS[1]), 3));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 3));
    c.write(encodeGt06Position(gt06Fix(times[2], SPOTS[2]), 4));
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 4));
    expect((await rowsOf(t, imei)).map((r) => r.ts)).toEqual([times[1].toISOString(), times[2].toISOString()]);
    expect(listener((await t.api('GET', '/api/health')).body, 'gt06', 'tcp').counters!.errors).toBe(errorsBefore + 1);
    await c.end();
  });

  it('answers a 0x7979 packet under a 0x7979 header, its length in two bytes (GT06E protocol §1)', async () => {
    // Bytes as a device sends them, not our encoder's: Traccar's test login of IMEI 864717003283581 (serial 9), then
    // an SOS alarm (0x16, 2025-03-14 09:26:53 UTC, 20.675 N 103.3475 W, serial 2) and a status (0x13, serial 3)
    // behind the long header: 79 79, length 00 25 / 00 0a, CRC-ITU over length..serial.
    const imei = '864717003283581';
    await t.createDevice(imei);
    const c = await RawTcp.connect(t.server.ports.gt06);
    c.write(hex('78780d01086471700328358100093f040d0a'));
    expect(await c.take(10)).toEqual(hex('78780501000955940d0a'));

    c.write(hex('797900251619030e091a35c90237db180b16861c001c5a09014e14123400abcd4204030102000208b50d0a'));
    // Read as 10 bytes and 1, so a 10-byte 0x7878 answer fails here instead of leaving the test waiting.
    const alarmAck = hex('79790005160002d17e0d0a');
    expect(await c.take(10)).toEqual(alarmAck.slice(0, 10));
    expect(await c.take(1)).toEqual(alarmAck.slice(10));
    c.write(hex('7979000a13420403000200032c1e0d0a'));
    const statusAck = hex('79790005130003f94a0d0a');
    expect(await c.take(10)).toEqual(statusAck.slice(0, 10));
    expect(await c.take(1)).toEqual(statusAck.slice(10));
    await c.end();

    expect((await rowsOf(t, imei)).map((r) => [r.ts, r.lat, r.lon, r.attributes.alarm])).toEqual([['2025-03-14T09:26:53.000Z', 20.675, -103.3475, 'sos']]);
  });

  it('refuses an unknown IMEI without a login ACK, closes, and lists it for admins', async () => {
    const imei = '359710049999999';
    for (let i = 0; i < 2; i++) {
      const c = await RawTcp.connect(t.server.ports.gt06);
      c.write(encodeGt06Login(imei, 1), encodeGt06Position(gt06Fix(recentTimes(1)[0], SPOTS[0]), 2));
      await c.closed;
      expect(c.rest()).toEqual(new Uint8Array(0));
    }
    const seen = (await unknownDevices(t)).find((d) => d.uniqueId === imei);
    expect(seen).toMatchObject({ protocol: 'gt06', remoteAddress: '127.0.0.1', count: 2 });
    expect(Date.parse(seen!.lastSeen)).toBeGreaterThanOrEqual(Date.parse(seen!.firstSeen));
  });
});

describe('Teltonika over TCP', () => {
  it('accepts the IMEI with 0x01 and acknowledges each AVL packet with its record count once stored', async () => {
    const imei = '352093081452251';
    await t.createDevice(imei);
    const times = recentTimes(4);
    const c = await RawTcp.connect(t.server.ports.teltonika);
    c.write(encodeTeltonikaImei(imei));
    expect(await c.take(1)).toEqual(Uint8Array.of(0x01));
    c.write(encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [record(times[0], SPOTS[0]), record(times[1], SPOTS[1])]));
    expect(await c.take(4)).toEqual(encodeTeltonikaAck(2));
    await c.writeBytewise(encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8Extended, [record(times[2], SPOTS[2]), record(times[3], SPOTS[3], 2)]));
    expect(await c.take(4)).toEqual(encodeTeltonikaAck(2));

    const rows = await rowsOf(t, imei);
    expect(rows.map((r) => [r.ts, r.lat, r.lon, r.speedKph, r.courseDeg, r.satellites, r.batteryPct, r.protocol])).toEqual(
      times.map((time, i) => [time.toISOString(), SPOTS[i].lat, SPOTS[i].lon, 42, 180, 11, 77, 'teltonika']),
    );
    expect(rows[3].attributes.alarm).toBe('panic');
    await c.end();
  });

  it('counts a record refused on purpose (no GPS fix) in the ACK, since it will never be stored, and stores the rest', async () => {
    const imei = '352093081452254';
    await t.createDevice(imei);
    const times = recentTimes(2);
    const c = await RawTcp.connect(t.server.ports.teltonika);
    c.write(encodeTeltonikaImei(imei));
    expect(await c.take(1)).toEqual(Uint8Array.of(0x01));
    // Satellites 0: the device has no fix and repeats its last coordinates (wiki "Codec", GPS element); ingest refuses it.
    c.write(encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [{ ...record(times[0], SPOTS[0]), satellites: 0 }, record(times[1], SPOTS[1])]));
    expect(await c.take(4)).toEqual(encodeTeltonikaAck(2));
    expect((await rowsOf(t, imei)).map((r) => [r.ts, r.lat, r.lon])).toEqual([[times[1].toISOString(), SPOTS[1].lat, SPOTS[1].lon]]);
    await c.end();
  });

  it('answers an unknown IMEI with 0x00, closes, and lists it', async () => {
    const bytesOutBefore = listener((await t.api('GET', '/api/health')).body, 'teltonika', 'tcp').counters!.bytesOut;
    const c = await RawTcp.connect(t.server.ports.teltonika);
    c.write(encodeTeltonikaImei('352093089999999'));
    await c.closed;
    expect(c.rest()).toEqual(Uint8Array.of(0x00));
    // The refusal byte is counted like any reply.
    expect(listener((await t.api('GET', '/api/health')).body, 'teltonika', 'tcp').counters!.bytesOut).toBe(bytesOutBefore + 1);
    expect((await unknownDevices(t)).find((d) => d.uniqueId === '352093089999999')).toMatchObject({ protocol: 'teltonika', remoteAddress: '127.0.0.1', count: 1 });
  });

  it('acknowledges a packet sent after a header whose data length (0x3FFF) it never completes', async () => {
    // Before, the packet waited inside the 16,383 bytes announced until the idle timeout; the device, waiting for its ACK, sent nothing more.
    const imei = '352093081452255';
    await t.createDevice(imei);
    const [time] = recentTimes(1);
    const c = await RawTcp.connect(t.server.ports.teltonika);
    c.write(encodeTeltonikaImei(imei));
    expect(await c.take(1)).toEqual(Uint8Array.of(0x01));
    c.write(hex('0000000000003fff'));
    c.write(encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [record(time, SPOTS[0])]));
    expect(await c.take(4)).toEqual(encodeTeltonikaAck(1));
    expect((await rowsOf(t, imei)).map((r) => r.ts)).toEqual([time.toISOString()]);
    // The stream held bytes that were not a packet: the connection is closed after the ACK (the device reconnects).
    await c.closed;
  });

  it('closes on a packet with a bad CRC without acknowledging or storing it', async () => {
    const imei = '352093081452252';
    await t.createDevice(imei);
    const c = await RawTcp.connect(t.server.ports.teltonika);
    c.write(encodeTeltonikaImei(imei));
    expect(await c.take(1)).toEqual(Uint8Array.of(0x01));
    const packet = encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [record(recentTimes(1)[0], SPOTS[0])]);
    packet[packet.length - 1] ^= 0x5a;
    c.write(packet);
    await c.closed;
    expect(c.rest()).toEqual(new Uint8Array(0));
    expect(await rowsOf(t, imei)).toEqual([]);
  });
});

describe('Teltonika over UDP', () => {
  it('acknowledges a datagram with its packet ids and record count once stored, on the TCP port number', async () => {
    const imei = '352093081452253';
    await t.createDevice(imei);
    const times = recentTimes(2);
    const udp = createSocket('udp4');
    const reply = new Promise<Uint8Array>((resolve) => udp.once('message', (m) => resolve(Uint8Array.from(m))));
    udp.send(encodeTeltonikaUdpPacket(0xcafe, 7, imei, TELTONIKA_CODEC.codec8, [record(times[0], SPOTS[0]), record(times[1], SPOTS[1])]), t.server.ports.teltonika, '127.0.0.1');
    expect(await reply).toEqual(encodeTeltonikaUdpAck(0xcafe, 7, 2));
    expect((await rowsOf(t, imei)).map((r) => [r.ts, r.lat, r.lon, r.protocol])).toEqual([
      [times[0].toISOString(), SPOTS[0].lat, SPOTS[0].lon, 'teltonika'],
      [times[1].toISOString(), SPOTS[1].lat, SPOTS[1].lon, 'teltonika'],
    ]);

    // A datagram that does not decode is counted and left unanswered; the next one from the same peer is answered as usual.
    const errorsBefore = listener((await t.api('GET', '/api/health')).body, 'teltonika', 'udp').counters!.errors;
    const truncated = encodeTeltonikaUdpPacket(0xcaff, 8, imei, TELTONIKA_CODEC.codec8, [record(times[1], SPOTS[2])]).subarray(0, 30);
    const next = new Promise<Uint8Array>((resolve) => udp.once('message', (m) => resolve(Uint8Array.from(m))));
    udp.send(truncated, t.server.ports.teltonika, '127.0.0.1');
    udp.send(encodeTeltonikaUdpPacket(0xcb00, 9, imei, TELTONIKA_CODEC.codec8, [record(new Date(times[1].getTime() + 30_000), SPOTS[2])]), t.server.ports.teltonika, '127.0.0.1');
    expect(await next).toEqual(encodeTeltonikaUdpAck(0xcb00, 9, 1));
    expect(listener((await t.api('GET', '/api/health')).body, 'teltonika', 'udp').counters!.errors).toBe(errorsBefore + 1);
    expect(await rowsOf(t, imei)).toHaveLength(3);

    udp.send(encodeTeltonikaUdpPacket(1, 1, '352093089999998', TELTONIKA_CODEC.codec8, [record(times[0], SPOTS[0])]), t.server.ports.teltonika, '127.0.0.1');
    await until('the unknown UDP device to be listed', async () => (await unknownDevices(t)).some((d) => d.uniqueId === '352093089999998'));
    expect((await unknownDevices(t)).find((d) => d.uniqueId === '352093089999998')).toMatchObject({ protocol: 'teltonika', count: 1 });
    udp.close();
  });
});
