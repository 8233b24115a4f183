import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alarm, Position } from '../messages.ts';
import { asciiBytes, bytesToHex, hexToBytes } from '../shared/bytes.ts';
import { decodeH02, type H02State } from './h02-decoder.ts';
import { encodeH02BinaryPosition } from './h02-encoder.ts';
import { createH02Framer } from './h02-framer.ts';

/*
 * Binary reports from Traccar's H02ProtocolDecoderTest (device frames its
 * users contributed; read for reference). Traccar's own assertion for the
 * first: 2015-08-31 21:53:21, valid, 4.69898, -74.06971.
 */
const LONG_SOS = '24410600082621532131081504419390060740418306000000fffffbfdff0015060000002c02dc0c000000001f';
const SHORT = '2427051711092133391406135002584900014337822e000000ffffffffff0000';
/** The same device's text report 15 s earlier, at the same place (same test file). */
const SHORT_TEXT_TWIN = '*HQ,2705171109,V1,213324,A,5002.5849,N,01433.7822,E,0.00,000,140613,FFFFFFFF#';
const SHORT_OTHER = '2441060116601245431311165035313006004318210e000000fffffbffff0024';
/** 48 bytes: a third firmware layout, seen once, that no source explains. */
const ODD_48 = '24971305007205201916101533335008000073206976000000effffbffff000252776566060000000000000000000049';

function decodeOk(hex: string, state: H02State = {}) {
  const r = decodeH02(hexToBytes(hex), state);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  return r;
}

describe('H02 binary reports', () => {
  it('45-byte report from Colombia: login, then an SOS alarm (status bit 1 at 0) with its fix, south-west flags read', () => {
    const r = decodeOk(LONG_SOS);
    expect(r.messages).toEqual([
      { kind: 'login', uniqueId: '4106000826' },
      {
        kind: 'alarm',
        uniqueId: '4106000826',
        alarm: 'sos',
        attributes: { status: 0xfffffbfd },
        position: {
          kind: 'position',
          uniqueId: '4106000826',
          fixTime: new Date('2015-08-31T21:53:21.000Z'),
          // 04° 41.9390' N (flag 0x6: valid, north, not east), 074° 04.1830' W.
          lat: 4 + 419_390 / 600_000,
          lon: -(74 + 41_830 / 600_000),
          valid: true,
          speedKph: 0,
          courseDeg: 0,
          attributes: { batteryLevel: 6, status: 0xfffffbfd, ignition: false },
        },
      },
    ]);
    expect(r.state).toEqual({ uniqueId: '4106000826' });
    expect('reply' in r).toBe(false);
    const p = (r.messages[1] as Alarm).position!;
    expect([p.lat.toFixed(5), p.lon.toFixed(5)]).toEqual(['4.69898', '-74.06972']);
  });

  it('32-byte report agrees with the same device\'s text report and shares its connection id', () => {
    const text = decodeH02(asciiBytes(SHORT_TEXT_TWIN), {});
    if (!text.ok) throw new Error(text.error.detail);
    const r = decodeOk(SHORT, text.state);
    expect(r.messages).toHaveLength(1); // no second login: same id as the text frame
    const p = r.messages[0] as Position;
    const twin = text.messages[1] as Position;
    expect([p.uniqueId, p.fixTime.toISOString(), p.valid, p.speedKph, p.courseDeg]).toEqual(['2705171109', '2013-06-14T21:33:39.000Z', true, 0, 0]);
    expect(p.lat).toBe(50 + 25_849 / 600_000);
    expect(p.lon).toBe(14 + 337_822 / 600_000);
    expect(p.lat).toBeCloseTo(twin.lat, 12);
    expect(p.lon).toBeCloseTo(twin.lon, 12);
    // 0xFFFFFFFF: no alarm, bit 10 set = ignition on.
    expect(p.attributes).toEqual({ batteryLevel: 0, status: 0xffffffff, ignition: true });
  });

  it('an impossible date (30 Feb 2026, month 13) gives a position with an Invalid Date, as the text form does', () => {
    for (const date of ['300226', '141313']) {
      const p = decodeOk(SHORT.replace('140613', date), { uniqueId: '2705171109' }).messages[0] as Position;
      expect([p.kind, p.fixTime.getTime(), p.lat]).toEqual(['position', NaN, 50 + 25_849 / 600_000]);
    }
  });

  it('typed errors: bad BCD, minutes past 60, too short', () => {
    const err = (hex: string) => {
      const r = decodeH02(hexToBytes(hex), {});
      return r.ok ? null : r.error.code + ': ' + r.error.detail;
    };
    expect(err(SHORT.replace('2133', '2a33'))).toBe('malformed: not a binary report (32 bytes)');
    expect(err(SHORT.replace('50025849', '50625849'))).toBe('malformed: binary report minutes over 60');
    expect(err(SHORT.slice(0, 40))).toBe('malformed: not a binary report (20 bytes)');
  });

  it('the encoder writes the device frame byte for byte', () => {
    const frame = encodeH02BinaryPosition('2705171109', {
      time: new Date('2013-06-14T21:33:39Z'),
      lat: 50 + 25_849 / 600_000,
      lon: 14 + 337_822 / 600_000,
      valid: true,
      speedKph: 0,
      courseDeg: 0,
      status: 0xffffffff,
    });
    expect(bytesToHex(frame)).toBe(SHORT);
  });

  it('encode → frame → decode round trip (coordinates to 0.0001 minute, speed in whole knots)', () => {
    fc.assert(
      fc.property(
        fc.record({
          time: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }).map((s) => new Date(s * 1000)),
          lat: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
          lon: fc.double({ min: -179.9, max: 179.9, noNaN: true }),
          valid: fc.boolean(),
          knots: fc.integer({ min: 0, max: 999 }),
          courseDeg: fc.integer({ min: 0, max: 359 }),
          batteryLevel: fc.integer({ min: 0, max: 255 }),
        }),
        ({ knots, ...fix }) => {
          const frames = createH02Framer().push(encodeH02BinaryPosition('4106000826', { ...fix, speedKph: knots * 1.852 })).frames;
          const r = decodeH02(frames[0], { uniqueId: '4106000826' });
          if (!r.ok) throw new Error(r.error.detail);
          const p = r.messages[0] as Position;
          expect(p.fixTime.getTime()).toBe(fix.time.getTime());
          expect(Math.abs(p.lat - fix.lat)).toBeLessThan(0.00006 / 60 + 1e-9);
          expect(Math.abs(p.lon - fix.lon)).toBeLessThan(0.00006 / 60 + 1e-9);
          expect([p.valid, p.speedKph, p.courseDeg, p.attributes.batteryLevel]).toEqual([fix.valid, knots * 1.852, fix.courseDeg, fix.batteryLevel]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('H02 framer with binary reports', () => {
  const hexes = (frames: Uint8Array[]) => frames.map((f) => (f[0] === 0x2a ? String.fromCharCode(...f) : bytesToHex(f)));

  it('32-byte reports: alone in a chunk, merged with each other and with text frames', () => {
    const framer = createH02Framer();
    expect(hexes(framer.push(hexToBytes(SHORT)).frames)).toEqual([SHORT]);
    const merged = Uint8Array.from([...hexToBytes(SHORT), ...hexToBytes(SHORT), ...asciiBytes(SHORT_TEXT_TWIN), ...hexToBytes(SHORT).subarray(0, 20)]);
    const out = framer.push(merged);
    expect(hexes(out.frames)).toEqual([SHORT, SHORT, SHORT_TEXT_TWIN]);
    expect(out.errors).toEqual([]);
    expect(hexes(framer.push(hexToBytes(SHORT).subarray(20)).frames)).toEqual([SHORT]);
  });

  it('45-byte reports: told apart from 32-byte ones by where the next frame starts, then kept for the connection', () => {
    const framer = createH02Framer();
    const two = Uint8Array.from([...hexToBytes(LONG_SOS), ...hexToBytes(LONG_SOS)]);
    expect(hexes(framer.push(two).frames)).toEqual([LONG_SOS, LONG_SOS]);
    // Later reports may arrive in pieces of any size.
    const bytes = hexToBytes(LONG_SOS);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 10) frames.push(...framer.push(bytes.subarray(i, i + 10)).frames);
    expect(hexes(frames)).toEqual([LONG_SOS]);
  });

  it('a 45-byte report alone in its chunk, then a text frame', () => {
    const framer = createH02Framer();
    expect(hexes(framer.push(hexToBytes(LONG_SOS)).frames)).toEqual([LONG_SOS]);
    expect(hexes(framer.push(asciiBytes('*HQ,4106000826,XT#')).frames)).toEqual(['*HQ,4106000826,XT#']);
  });

  it('a stray "$" in garbage does not swallow the text frame after it', () => {
    const out = createH02Framer().push(asciiBytes(`$$junk${SHORT_TEXT_TWIN}`));
    expect(hexes(out.frames)).toEqual([SHORT_TEXT_TWIN]);
    expect(out.errors.map((e) => e.code)).toEqual(['garbage']);
  });

  it('a report of an unknown length: its first 32 bytes decode, the rest is reported as garbage', () => {
    const framer = createH02Framer();
    const out = framer.push(Uint8Array.from([...hexToBytes(ODD_48), ...hexToBytes(SHORT_OTHER)]));
    expect(hexes(out.frames)).toEqual([ODD_48.slice(0, 64), SHORT_OTHER]);
    expect(out.errors.map((e) => e.detail)).toEqual(['skipped 16 bytes between frames']);
    const p = decodeOk(ODD_48.slice(0, 64)).messages[1] as Position;
    expect([p.uniqueId, p.fixTime.toISOString()]).toEqual(['9713050072', '2015-10-16T05:20:19.000Z']);
  });
});
