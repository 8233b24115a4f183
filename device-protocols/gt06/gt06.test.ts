import { describe, expect, it } from 'vitest';
import type { Alarm, Heartbeat, Position } from '../messages.ts';
import { bytesToHex, hexToBytes } from '../shared/bytes.ts';
import { decodeGt06, initialGt06State, type Gt06State } from './gt06-decoder.ts';
import { encodeGt06Ack, encodeGt06Command, encodeGt06CommandResponse, encodeGt06Packet, encodeGt06Position } from './gt06-encoder.ts';
import { createGt06Framer } from './gt06-framer.ts';

const loggedIn: Gt06State = { uniqueId: '123456789012345', ackPositions: false };

function decodeOk(hex: string, state: Gt06State = loggedIn) {
  const result = decodeGt06(hexToBytes(hex), state);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.detail}`);
  return result;
}

describe('GT06 fixtures', () => {
  it('login (GT06N protocol v1.8.1 §5.1.1 example) and its documented response', () => {
    const r = decodeOk('78780d01012345678901234500018cdd0d0a', initialGt06State());
    expect(r.messages).toEqual([{ kind: 'login', uniqueId: '123456789012345' }]);
    expect(r.state.uniqueId).toBe('123456789012345');
    expect(bytesToHex(r.reply!)).toBe('7878050100 01d9dc0d0a'.replace(/ /g, ''));
  });

  it('GPS+LBS 0x12 (GT06N §5.2.1 example; the document prints CRC 0x8081, the CRC-ITU of the bytes is 0x7377)', () => {
    const r = decodeOk('78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000373770d0a');
    expect(r.reply).toBeUndefined();
    const p = r.messages[0] as Position;
    expect(p.fixTime.toISOString()).toBe('2011-08-29T17:46:16.000Z');
    expect(p.lat).toBe(0x027ac7eb / 1_800_000); // 23.1116683…° N
    expect(p.lon).toBe(0x0c465849 / 1_800_000); // 114.409276…° E
    expect(p.valid).toBe(true);
    expect(p.speedKph).toBe(0);
    expect(p.courseDeg).toBe(0x8f);
    expect(p.satellites).toBe(12);
    expect(p.attributes).toEqual({ mcc: 460, mnc: 0, lac: 0x287d, cellId: 0x1fb8 });
  });

  it('rejects the document example as printed (wrong CRC) with a typed error', () => {
    const r = decodeGt06(hexToBytes('78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000380810d0a'), loggedIn);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ protocol: 'gt06', code: 'checksum', detail: 'CRC-ITU mismatch', fatal: false });
  });

  it('acks locations when the state asks for it', () => {
    const r = decodeOk('78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000373770d0a', { ...loggedIn, ackPositions: true });
    expect(bytesToHex(r.reply!)).toBe(bytesToHex(encodeGt06Ack(0x12, 3)));
  });

  it('status/heartbeat 0x13 (hand-built per GT06N §5.3.1: info 0x44 = GPS tracking + charging, voltage 4, GSM 4)', () => {
    const r = decodeOk('78780a13440404000201029ec10d0a');
    const h = r.messages[0] as Heartbeat;
    expect(h).toEqual({
      kind: 'heartbeat',
      batteryPct: 67,
      attributes: { armed: false, ignition: false, charging: true, gpsTracking: true, fuelCut: false, voltageLevel: 4, gsmSignal: 4 },
    });
    expect(bytesToHex(r.reply!)).toBe('787805130102c2b20d0a');
  });

  it('GPS+LBS 0x22 from a device in Brazil (frame from Traccar\'s GT06 decoder test): south/west, ACC on, re-uploaded', () => {
    const r = decodeOk('787822220e0914160f07c9021a362805090a7800d8b802d402c30e00a98a0105010213f4bb0d0a');
    expect(r.messages).toEqual([
      {
        kind: 'position',
        fixTime: new Date('2014-09-20T22:15:07.000Z'),
        lat: -0x021a3628 / 1_800_000,
        lon: -0x05090a78 / 1_800_000,
        valid: true,
        speedKph: 0,
        // Course/status 0xD8B8: fixed (bit 12), west (bit 11), north bit 10 clear = south, course 0xB8.
        courseDeg: 184,
        satellites: 9,
        buffered: true,
        attributes: { mcc: 724, mnc: 2, lac: 0xc30e, cellId: 0x00a98a, ignition: true },
      },
    ]);
  });

  it('GPS+LBS 0x22 field capture from Austria (posted on the Traccar forum): 15 satellites, live upload', () => {
    const p = decodeOk('78782222150401143726cf0531348f01ba644000148e00e80100bf004d760000000467a0490d0a').messages[0] as Position;
    expect(p).toEqual({
      kind: 'position',
      fixTime: new Date('2021-04-01T20:55:38.000Z'),
      lat: 0x0531348f / 1_800_000, // 48.3948883° N
      lon: 0x01ba6440 / 1_800_000, // 16.1069866° E
      valid: true,
      speedKph: 0,
      courseDeg: 142,
      satellites: 15,
      attributes: { mcc: 232, mnc: 1, lac: 0xbf, cellId: 0x4d76, ignition: false },
    });
  });

  it('GPS+LBS 0x22 re-uploaded from the buffer, southern/western hemisphere (hand-built per GT06E §3)', () => {
    // 2024-03-05 14:07:09, 9 sats, 19.4326° S 99.1332° W, 42 km/h, course 271, fixed, MCC 334 MNC 20, ACC on, re-upload.
    const frame = encodeGt06Position(
      { time: new Date('2024-03-05T14:07:09Z'), lat: -19.4326, lon: -99.1332, valid: true, speedKph: 42, courseDeg: 271, satellites: 9, cell: { mcc: 334, mnc: 20, lac: 0x1234, cellId: 0xabcdef } },
      0x0007,
      { protocolNumber: 0x22, ignition: true, buffered: true },
    );
    // Checked by hand: length 0x22, date 18 03 05 0e 07 09, 0xC9 (12-byte GPS info, 9 sats), lat 0x0215bb78, lon 0x0aa2c650,
    // 0x2a km/h, course/status 0x190f (fixed | west | course 271; north bit clear = south), 014e 14 1234 abcdef, ACC 01, mode 00, re-upload 01.
    expect(bytesToHex(frame)).toBe('787822221803050e0709c90215bb780aa2c6502a190f014e141234abcdef0100010007ed130d0a');
    const p = decodeOk(bytesToHex(frame)).messages[0] as Position;
    expect(p.fixTime.toISOString()).toBe('2024-03-05T14:07:09.000Z');
    expect(p.lat).toBe(-Math.round(19.4326 * 1_800_000) / 1_800_000);
    expect(p.lon).toBe(-Math.round(99.1332 * 1_800_000) / 1_800_000);
    expect([p.valid, p.speedKph, p.courseDeg, p.satellites, p.buffered]).toEqual([true, 42, 271, 9, true]);
    expect(p.attributes).toEqual({ mcc: 334, mnc: 20, lac: 0x1234, cellId: 0xabcdef, ignition: true });
  });

  it('alarm 0x16 SOS with position and status (hand-built per GT06N §5.3.1), acked with 0x16', () => {
    const r = decodeOk('787825161803050e0709c90215bb780aa2c6502a190f09014e141234abcdef4106030102002014d50d0a');
    const a = r.messages[0] as Alarm;
    expect(a.alarm).toBe('sos');
    expect(a.attributes).toEqual({ armed: true, ignition: false, charging: false, gpsTracking: true, fuelCut: false, voltageLevel: 6, gsmSignal: 3 });
    expect(a.position?.fixTime.toISOString()).toBe('2024-03-05T14:07:09.000Z');
    expect(a.position?.lat).toBe(-34978680 / 1_800_000);
    expect(a.position?.batteryPct).toBe(100);
    expect(a.position?.attributes.mcc).toBe(334);
    expect(bytesToHex(r.reply!)).toBe(bytesToHex(encodeGt06Ack(0x16, 0x20)));
  });

  // A CRC-valid fix with an impossible value is decoded and acknowledged: ingest refuses that fix alone.
  // A frame error would get no ACK, and a firmware that resends until acknowledged would never move on.
  it('GPS+LBS 0x12 dated 31 Feb 2026 (the document example with its date changed): Invalid Date, not 3 March, and acked', () => {
    const r = decodeOk('78781f121a021f0a0000cc027ac7eb0c46584900148f01cc00287d001fb80003154b0d0a', { ...loggedIn, ackPositions: true });
    const p = r.messages[0] as Position;
    expect(p.fixTime.getTime()).toBeNaN();
    expect([p.lat, p.lon, p.valid, p.courseDeg, p.satellites]).toEqual([0x027ac7eb / 1_800_000, 0x0c465849 / 1_800_000, true, 0x8f, 12]);
    expect(bytesToHex(r.reply!)).toBe(bytesToHex(encodeGt06Ack(0x12, 3)));
  });

  it('GPS+LBS 0x12 at latitude 95° N (the document example with its latitude changed): passed on as is and acked', () => {
    const r = decodeOk('78781f120b081d112e10cc0a3140c00c46584900148f01cc00287d001fb8000306220d0a', { ...loggedIn, ackPositions: true });
    const p = r.messages[0] as Position;
    expect([p.fixTime.toISOString(), p.lat, p.lon]).toEqual(['2011-08-29T17:46:16.000Z', 95, 0x0c465849 / 1_800_000]);
    expect(bytesToHex(r.reply!)).toBe(bytesToHex(encodeGt06Ack(0x12, 3)));
  });

  it('alarm 0x16 with an impossible date or latitude: the alarm and its position are passed on and acked', () => {
    // The SOS frame above, dated 31 Feb 2026, then with latitude 95° S.
    const dated = decodeOk('787825161a021f0e0709c90215bb780aa2c6502a190f09014e141234abcdef41060301020020f4bc0d0a');
    const a = dated.messages[0] as Alarm;
    expect([a.alarm, a.position?.fixTime.getTime(), a.position?.lat]).toEqual(['sos', NaN, -34978680 / 1_800_000]);
    expect(bytesToHex(dated.reply!)).toBe(bytesToHex(encodeGt06Ack(0x16, 0x20)));
    const far = decodeOk('787825161803050e0709c90a3140c00aa2c6502a190f09014e141234abcdef41060301020020a27b0d0a');
    const b = far.messages[0] as Alarm;
    expect([b.alarm, b.position?.fixTime.toISOString(), b.position?.lat]).toEqual(['sos', '2024-03-05T14:07:09.000Z', -95]);
    expect(bytesToHex(far.reply!)).toBe(bytesToHex(encodeGt06Ack(0x16, 0x20)));
  });

  it('a location too short for its protocol number is still a frame error', () => {
    const r = decodeGt06(encodeGt06Packet(0x12, hexToBytes('1a021f0a0000cc027ac7eb0c465849'), 3), loggedIn);
    expect(r.ok ? null : r.error).toEqual({ protocol: 'gt06', code: 'length', detail: 'location content of 15 bytes', fatal: false });
  });

  it('command response 0x15 carries the text (GT06N §5.5.2)', () => {
    const r = decodeOk('7878291521000000014c61743a4e31392e3433323630302c4c6f6e3a5739392e31333332303000020021a49a0d0a');
    expect(r.messages).toEqual([{ kind: 'commandAck', text: 'Lat:N19.432600,Lon:W99.133200' }]);
    expect(r.reply).toBeUndefined();
    expect(bytesToHex(encodeGt06CommandResponse('Lat:N19.432600,Lon:W99.133200', 1, 0x21))).toBe(
      '7878291521000000014c61743a4e31392e3433323630302c4c6f6e3a5739392e31333332303000020021a49a0d0a',
    );
  });

  it('refuses data before login, fatally', () => {
    const r = decodeGt06(hexToBytes('78780a13440404000201029ec10d0a'), initialGt06State());
    expect(r.ok ? null : r.error).toEqual({ protocol: 'gt06', code: 'notLoggedIn', detail: 'packet 0x13 before login', fatal: true });
  });

  it('reports unknown protocol numbers without failing the stream', () => {
    const r = decodeGt06(encodeGt06Packet(0x99, new Uint8Array(0), 1), loggedIn);
    expect(r.ok ? null : r.error).toEqual({ protocol: 'gt06', code: 'unsupported', detail: 'protocol number 0x99', fatal: false });
  });
});

describe('GT06 command encoder', () => {
  it('online command 0x80 WHERE# (GT06N §5.5.1: length 4+6, server flag, ASCII, language 0x0002)', () => {
    expect(bytesToHex(encodeGt06Command('WHERE#', 1, 1))).toBe('787812800a0000000157484552452300020001f6ea0d0a');
  });
});

describe('GT06 framer', () => {
  const login = hexToBytes('78780d01012345678901234500018cdd0d0a');
  const heartbeat = hexToBytes('78780a13440404000201029ec10d0a');

  it('reassembles a frame split byte by byte', () => {
    const framer = createGt06Framer();
    const frames: Uint8Array[] = [];
    for (const b of login) frames.push(...framer.push(Uint8Array.of(b)).frames);
    expect(frames.map(bytesToHex)).toEqual([bytesToHex(login)]);
  });

  it('splits merged frames and skips garbage between them', () => {
    const chunk = Uint8Array.from([...login, 0x00, 0x78, 0x11, ...heartbeat]);
    const out = createGt06Framer().push(chunk);
    expect(out.frames.map(bytesToHex)).toEqual([bytesToHex(login), bytesToHex(heartbeat)]);
    expect(out.errors.map((e) => e.code)).toEqual(['garbage']);
  });

  // Found by a socket probe: a stray 78 78 22 announces 0x22 + 5 = 39 bytes, which end exactly on the 0D0A of the real 36-byte frame after it.
  const fix = hexToBytes('78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000373770d0a');

  it('does not cut a stray header and the real frame after it as one frame when their CRC fails: the real frame is read', () => {
    const framer = createGt06Framer();
    const out = framer.push(Uint8Array.from([...login, 0x78, 0x78, 0x22, ...fix, ...heartbeat]));
    expect(out.frames.map(bytesToHex)).toEqual([login, fix, heartbeat].map(bytesToHex));
    expect(out.errors).toEqual([{ protocol: 'gt06', code: 'checksum', detail: 'skipped 3 bytes between frames; 1 frame start(s) with a bad checksum', fatal: false }]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('finds a real frame after a long run of 0x78 bytes', () => {
    const out = createGt06Framer().push(Uint8Array.from([...new Array(5000).fill(0x78), ...fix]));
    expect(out.frames.map(bytesToHex)).toEqual([bytesToHex(fix)]);
  });

  it('a corrupt frame on its own is skipped with a checksum error, not passed on', () => {
    const corrupt = Uint8Array.from(fix);
    corrupt[10] ^= 0x01;
    const out = createGt06Framer().push(Uint8Array.from([...corrupt, ...heartbeat]));
    expect(out.frames.map(bytesToHex)).toEqual([bytesToHex(heartbeat)]);
    expect(out.errors.map((e) => e.code)).toEqual(['checksum']);
  });

  it('gives up waiting for a frame its length byte makes too long once a whole valid frame has arrived inside it', () => {
    // The fix above with its length byte 0x1F turned to 0xFF: it announces 260 bytes. Then two valid frames, in separate writes.
    const framer = createGt06Framer();
    const lying = Uint8Array.from(fix);
    lying[2] = 0xff;
    expect(framer.push(lying).frames).toEqual([]);
    const out = framer.push(fix);
    expect(out.frames.map(bytesToHex)).toEqual([bytesToHex(fix)]);
    expect(out.errors).toEqual([
      { protocol: 'gt06', code: 'length', detail: 'skipped 36 bytes between frames; 1 length field(s) announcing a frame past a whole valid frame', fatal: false },
    ]);
    expect(framer.bufferedBytes).toBe(0);
    expect(framer.push(heartbeat).frames.map(bytesToHex)).toEqual([bytesToHex(heartbeat)]);
  });

  it('still waits for a frame split across chunks whose bytes so far hold no whole frame', () => {
    const framer = createGt06Framer();
    expect(framer.push(fix.subarray(0, 20)).frames).toEqual([]);
    expect(framer.push(fix.subarray(20)).frames.map(bytesToHex)).toEqual([bytesToHex(fix)]);
  });

  it('frames 0x7979 long packets', () => {
    // 0x21 string information (GT06E §6.2): server flag, encoding 1 = ASCII, 300 characters.
    const content = Uint8Array.from([0, 0, 0, 7, 1, ...new Array(300).fill(0x78)]);
    const frame = encodeGt06Packet(0x21, content, 1);
    expect(bytesToHex(frame.subarray(0, 4))).toBe('79790136');
    const out = createGt06Framer().push(frame);
    expect(out.frames.length).toBe(1);
    const r = decodeGt06(out.frames[0], loggedIn);
    expect(r.ok && r.messages).toEqual([{ kind: 'commandAck', text: 'x'.repeat(300) }]);
  });
});
