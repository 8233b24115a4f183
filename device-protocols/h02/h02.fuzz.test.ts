import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Position } from '../messages.ts';
import { asciiBytes, hexToBytes } from '../shared/bytes.ts';
import { assertSanePosition, fuzzProperty, type FuzzTarget } from '../shared/fuzz-harness.ts';
import { decodeH02, type H02State } from './h02-decoder.ts';
import { encodeH02Position } from './h02-encoder.ts';
import { createH02Framer, H02_MAX_FRAME } from './h02-framer.ts';

const target: FuzzTarget<H02State> = {
  makeFramer: () => createH02Framer(),
  maxBuffered: 2 * H02_MAX_FRAME,
  decode: decodeH02,
  initialState: () => ({}),
  validFrames: [
    asciiBytes('*HQ,865205030330012,V1,145452,A,2240.55181,N,11358.32389,E,0.00,0,100815,FFFFFBFF#'),
    asciiBytes('*HQ,353505510000000,LINK,112223,25,0,84,120,0,150119,FFFFFBFF#'),
    asciiBytes('*HQ,355488020119695,NBR,112257,460,0,1,4,9338,3692,150,9338,3691,145,150519,FFFFFBFF#'),
    hexToBytes('2427051711092133391406135002584900014337822e000000ffffffffff0000'),
    hexToBytes('24410600082621532131081504419390060740418306000000fffffbfdff0015060000002c02dc0c000000001f'),
  ],
};

describe('H02 properties', () => {
  it('V1 encode → frame → decode round trip (coordinates to 0.0001 minute)', () => {
    fc.assert(
      fc.property(
        fc.record({
          time: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }).map((s) => new Date(s * 1000)),
          lat: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
          lon: fc.double({ min: -179.9, max: 179.9, noNaN: true }),
          valid: fc.boolean(),
          speedKph: fc.integer({ min: 0, max: 300 }),
          courseDeg: fc.integer({ min: 0, max: 359 }),
        }),
        (fix) => {
          const frames = createH02Framer().push(encodeH02Position('865205030330012', fix)).frames;
          const r = decodeH02(frames[0], { uniqueId: '865205030330012' });
          if (!r.ok) throw new Error(r.error.detail);
          const p = r.messages[0] as Position;
          expect(p.fixTime.getTime()).toBe(fix.time.getTime());
          expect(Math.abs(p.lat - fix.lat)).toBeLessThan(0.00006 / 60 + 1e-9);
          expect(Math.abs(p.lon - fix.lon)).toBeLessThan(0.00006 / 60 + 1e-9);
          expect(Math.abs(p.speedKph! - fix.speedKph)).toBeLessThan(0.01);
          expect([p.valid, p.courseDeg]).toEqual([fix.valid, fix.courseDeg]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fuzz: random and mutated streams never throw or over-buffer', () => {
    fc.assert(fuzzProperty(target), { numRuns: 500 });
  });

  it('fuzz: arbitrary 32-byte binary reports give messages or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 31, maxLength: 44 }), fc.boolean(), (body, bcd) => {
        // Half the runs keep every nibble decimal, so they get past the BCD check into the field checks.
        const bytes = bcd ? body.map((b) => (((b >>> 4) % 10) << 4) | ((b & 0x0f) % 10)) : body;
        const r = decodeH02(Uint8Array.from([0x24, ...bytes]), {});
        expect(r.ok || typeof r.error.code === 'string').toBe(true);
        if (r.ok) r.messages.forEach(assertSanePosition);
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzz: arbitrary printable *…# frames give messages or a typed error', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'HQ,V1LINKNBRXT0123456789.ANSEWV-F'.split('')), { maxLength: 120 }), (chars) => {
        const r = decodeH02(asciiBytes(`*${chars.join('')}#`), {});
        expect(r.ok || typeof r.error.code === 'string').toBe(true);
        if (r.ok) r.messages.forEach(assertSanePosition);
      }),
      { numRuns: 2000 },
    );
  });
});
