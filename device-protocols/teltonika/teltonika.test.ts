import { describe, expect, it } from 'vitest';
import type { Alarm, Position } from '../messages.ts';
import { bytesToHex, hexToBytes } from '../shared/bytes.ts';
import { decodeTeltonikaTcp, decodeTeltonikaUdp, type TeltonikaState } from './teltonika-decoder.ts';
import {
  encodeCodec12Command,
  encodeCodec12Response,
  encodeTeltonikaImei,
  encodeTeltonikaImeiReply,
  encodeTeltonikaTcpPacket,
  encodeTeltonikaUdpPacket,
  type TeltonikaRecord,
} from './teltonika-encoder.ts';
import { createTeltonikaFramer } from './teltonika-framer.ts';

const loggedIn: TeltonikaState = { uniqueId: '356307042441013' };

function tcpOk(hex: string, state: TeltonikaState = loggedIn) {
  const r = decodeTeltonikaTcp(hexToBytes(hex), state);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  return r;
}

// Examples from the Teltonika wiki page "Codec" (sections Codec 8, Codec 8 Extended, Codec 12, UDP channel).
const WIKI_CODEC8_1 = '000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF';
const WIKI_CODEC8_3 = '000000000000004308020000016B40D57B480100000000000000000000000000000001010101000000000000016B40D5C198010000000000000000000000000000000101010101000000020000252C';
const WIKI_CODEC8E = '000000000000004A8E010000016B412CEE000100000000000000000000000000000000010005000100010100010011001D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A00000100002994';
const WIKI_UDP = '003DCAFE0105000F33353230393330383634303336353508010000016B4F815B30010000000000000000000000000000000103021503010101425DBC000001';

/** A plain Codec 8 record for hand-built packets. */
const PLAIN_RECORD: TeltonikaRecord = { timestampMs: 0, priority: 0, lat: 19.5, lon: -99.25, altitudeM: 2240, angleDeg: 90, satellites: 8, speedKph: 30, eventIoId: 0, io: [] };

describe('Teltonika TCP fixtures', () => {
  it('IMEI handshake (wiki: 000F + "356307042441013") is accepted with 0x01', () => {
    const r = tcpOk('000F333536333037303432343431303133', {});
    expect(r.messages).toEqual([{ kind: 'login', uniqueId: '356307042441013' }]);
    expect(r.state).toEqual({ uniqueId: '356307042441013' });
    expect(bytesToHex(r.reply!)).toBe('01');
    expect(bytesToHex(encodeTeltonikaImeiReply(false))).toBe('00');
    expect(bytesToHex(encodeTeltonikaImei('356307042441013'))).toBe('000f333536333037303432343431303133');
  });

  it('Codec 8 example 1: one record, IO groups of 1, 2, 4 and 8 bytes, ACK 00000001', () => {
    const r = tcpOk(WIKI_CODEC8_1);
    expect(r.messages).toEqual([
      {
        kind: 'position',
        fixTime: new Date('2019-06-10T10:04:46.000Z'),
        lat: 0,
        lon: 0,
        valid: false,
        altitudeM: 0,
        courseDeg: 0,
        satellites: 0,
        speedKph: 0,
        attributes: { priority: 1, event: 1, gsmSignal: 3, input1: true, externalVoltageV: 24.079, io241: 24602, io78: 0 },
      },
    ]);
    expect(bytesToHex(r.reply!)).toBe('00000001');
  });

  it('Codec 8 example 3: two records, ACK 00000002', () => {
    const r = tcpOk(WIKI_CODEC8_3);
    expect(r.messages.map((m) => (m as Position).fixTime.toISOString())).toEqual(['2019-06-10T10:01:01.000Z', '2019-06-10T10:01:19.000Z']);
    expect(r.messages.map((m) => (m as Position).attributes.input1)).toEqual([false, true]);
    expect(bytesToHex(r.reply!)).toBe('00000002');
  });

  it('Codec 8 Extended example: 2-byte ids and counts, 8-byte values, empty NX group', () => {
    const p = tcpOk(WIKI_CODEC8E).messages[0] as Position;
    expect(p.fixTime.toISOString()).toBe('2019-06-10T11:36:32.000Z');
    expect(p.attributes).toEqual({ priority: 1, event: 1, input1: true, io17: 29, odometerM: 22949000, io11: 893700218, io14: 500686954 });
  });

  it('a hand-built Codec 8E record with a fix west of Greenwich, named IOs and an NX value', () => {
    const frame = encodeTeltonikaTcpPacket(0x8e, [
      {
        timestampMs: Date.UTC(2025, 0, 15, 16, 30, 5, 250),
        priority: 1,
        lat: 19.4326077,
        lon: -99.133208,
        altitudeM: 2240,
        angleDeg: 275,
        satellites: 11,
        speedKph: 37,
        eventIoId: 239,
        io: [
          { id: 239, size: 1, value: 1 },
          { id: 240, size: 1, value: 0 },
          { id: 113, size: 1, value: 84 },
          { id: 21, size: 1, value: 4 },
          { id: 67, size: 2, value: 4012 },
          { id: 66, size: 2, value: 12650 },
          { id: 199, size: 4, value: 1530 },
          { id: 16, size: 8, value: 123456789012 },
          { id: 385, size: 'x', bytes: hexToBytes('c0ffee') },
        ],
      },
    ]);
    const p = tcpOk(bytesToHex(frame)).messages[0] as Position;
    expect(p).toEqual({
      kind: 'position',
      fixTime: new Date('2025-01-15T16:30:05.250Z'),
      lat: 19.4326077,
      lon: -99.133208,
      valid: true,
      altitudeM: 2240,
      courseDeg: 275,
      satellites: 11,
      speedKph: 37,
      batteryPct: 84,
      attributes: {
        priority: 1,
        event: 239,
        ignition: true,
        movement: false,
        batteryPct: 84,
        gsmSignal: 4,
        batteryVoltageV: 4.012,
        externalVoltageV: 12.65,
        tripOdometerM: 1530,
        odometerM: 123456789012,
        io385: 'c0ffee',
      },
    });
  });

  it('a panic-priority record becomes an alarm carrying its position', () => {
    const frame = encodeTeltonikaTcpPacket(0x08, [
      { timestampMs: Date.UTC(2025, 0, 15), priority: 2, lat: -12.5, lon: -77.25, altitudeM: -3, angleDeg: 0, satellites: 5, speedKph: 0, eventIoId: 0, io: [] },
    ]);
    const a = tcpOk(bytesToHex(frame)).messages[0] as Alarm;
    expect(a.alarm).toBe('panic');
    expect([a.position?.lat, a.position?.lon, a.position?.altitudeM]).toEqual([-12.5, -77.25, -3]);
  });

  it('records with latitude 95° or a time no Date can hold are passed on, and the whole packet is acknowledged', () => {
    // Refusing the packet left the device resending it for ever, with everything recorded after it.
    const frame = encodeTeltonikaTcpPacket(0x08, [
      { ...PLAIN_RECORD, timestampMs: Date.UTC(2025, 0, 15, 8) },
      { ...PLAIN_RECORD, timestampMs: Date.UTC(2025, 0, 15, 8, 1), lat: 95 },
      { ...PLAIN_RECORD, timestampMs: 2 ** 53 },
      { ...PLAIN_RECORD, timestampMs: Date.UTC(2025, 0, 15, 8, 3) },
    ]);
    const r = tcpOk(bytesToHex(frame));
    expect(r.messages.map((m) => [(m as Position).fixTime.getTime(), (m as Position).lat])).toEqual([
      [Date.UTC(2025, 0, 15, 8), 19.5],
      [Date.UTC(2025, 0, 15, 8, 1), 95],
      [NaN, 19.5],
      [Date.UTC(2025, 0, 15, 8, 3), 19.5],
    ]);
    expect(bytesToHex(r.reply!)).toBe('00000004');
  });

  it('a bad CRC is a typed, non-fatal error with no ACK', () => {
    const bad = WIKI_CODEC8_1.slice(0, -4) + '0000';
    const r = decodeTeltonikaTcp(hexToBytes(bad), loggedIn);
    expect(r.ok ? null : r.error).toEqual({ protocol: 'teltonika', code: 'checksum', detail: 'CRC-16/IBM mismatch', fatal: false });
  });

  it('AVL before the handshake is refused, fatally', () => {
    const r = decodeTeltonikaTcp(hexToBytes(WIKI_CODEC8_1), {});
    expect(r.ok ? null : r.error.code).toBe('notLoggedIn');
  });
});

describe('Codec 12', () => {
  it('encodes getinfo exactly as the wiki example', () => {
    expect(bytesToHex(encodeCodec12Command('getinfo'))).toBe('000000000000000f0c010500000007676574696e666f0100004312');
  });
  it('decodes a device response to a command ack', () => {
    const r = tcpOk(bytesToHex(encodeCodec12Response('RTC:2019/7/22 7:53 Init:2019/7/22 7:22 UpTime:1854s')));
    expect(r.messages).toEqual([{ kind: 'commandAck', text: 'RTC:2019/7/22 7:53 Init:2019/7/22 7:22 UpTime:1854s' }]);
    expect(r.reply).toBeUndefined();
  });
});

describe('Teltonika UDP', () => {
  it('wiki UDP example: IMEI in the header, ACK 0005 CAFE 01 05 01', () => {
    const r = decodeTeltonikaUdp(hexToBytes(WIKI_UDP), {});
    if (!r.ok) throw new Error(r.error.detail);
    const p = r.messages[0] as Position;
    expect(p.uniqueId).toBe('352093086403655');
    expect(p.fixTime.toISOString()).toBe('2019-06-13T06:23:26.000Z');
    expect(p.attributes).toEqual({ priority: 1, event: 1, gsmSignal: 3, input1: true, externalVoltageV: 23.996 });
    expect(bytesToHex(r.reply!)).toBe('0005cafe010501');
    expect(r.state).toEqual({ uniqueId: '352093086403655' });
  });
  it('a record with impossible coordinates is passed on and counted in the ACK; a count that disagrees still fails the datagram', () => {
    const datagram = encodeTeltonikaUdpPacket(0x0102, 9, '352093086403655', 0x8e, [
      { ...PLAIN_RECORD, timestampMs: Date.UTC(2025, 0, 15, 8), lon: -181 },
      { ...PLAIN_RECORD, timestampMs: Date.UTC(2025, 0, 15, 8, 1) },
    ]);
    const r = decodeTeltonikaUdp(datagram, {});
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.messages.map((m) => [(m as Position).uniqueId, (m as Position).lon])).toEqual([['352093086403655', -181], ['352093086403655', -99.25]]);
    expect(bytesToHex(r.reply!)).toBe('0005010201' + '0902');
    datagram[datagram.length - 1] = 3;
    const bad = decodeTeltonikaUdp(datagram, {});
    expect(bad.ok ? null : bad.error).toEqual({ protocol: 'teltonika', code: 'malformed', detail: 'record counts 2 and 3 differ', fatal: false });
  });
  it('a datagram whose length field disagrees is a typed error', () => {
    const r = decodeTeltonikaUdp(hexToBytes(WIKI_UDP.slice(0, -2)), {});
    expect(r.ok ? null : r.error.code).toBe('length');
  });
});

describe('Teltonika framer', () => {
  it('separates the handshake from the AVL packet that follows in the same chunk, and joins split packets', () => {
    const stream = hexToBytes('000F333536333037303432343431303133' + WIKI_CODEC8_1 + WIKI_CODEC8E);
    const framer = createTeltonikaFramer();
    const frames = [...framer.push(stream.subarray(0, 40)).frames, ...framer.push(stream.subarray(40, 41)).frames, ...framer.push(stream.subarray(41)).frames];
    expect(frames.map((f) => bytesToHex(f).toUpperCase())).toEqual(['000F333536333037303432343431303133', WIKI_CODEC8_1, WIKI_CODEC8E]);
    expect(framer.bufferedBytes).toBe(0);
  });
  it('does not cut a stray header and the packet after it as one packet: the CRC decides, the real packet is read', () => {
    // 00000000 00000040: a header announcing 64 bytes of data, which with its 12 bytes of framing end exactly where the packet after it ends.
    const packet = hexToBytes(WIKI_CODEC8_1);
    const stray = hexToBytes('00000000000000' + (packet.length - 12 + 8).toString(16).padStart(2, '0'));
    const out = createTeltonikaFramer().push(Uint8Array.from([...stray, ...packet]));
    expect(out.frames.map((f) => bytesToHex(f).toUpperCase())).toEqual([WIKI_CODEC8_1]);
    expect(out.errors.map((e) => e.code)).toEqual(['checksum']);
  });
  it('gives up waiting for a packet whose data length is too large once a whole CRC-valid packet has arrived inside it', () => {
    const framer = createTeltonikaFramer();
    expect(framer.push(hexToBytes('0000000000003fff')).frames).toEqual([]);
    const out = framer.push(hexToBytes(WIKI_CODEC8_1));
    expect(out.frames.map((f) => bytesToHex(f).toUpperCase())).toEqual([WIKI_CODEC8_1]);
    expect(out.errors.map((e) => e.code)).toEqual(['length']);
    expect(framer.bufferedBytes).toBe(0);
  });
  it('skips garbage before a packet', () => {
    const out = createTeltonikaFramer().push(hexToBytes('ffff01' + WIKI_CODEC8_1));
    expect(out.frames.length).toBe(1);
    expect(out.errors.map((e) => e.code)).toEqual(['garbage']);
  });
});
