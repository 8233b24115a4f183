import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Position } from '../messages.ts';
import { hexToBytes } from '../shared/bytes.ts';
import { feed, fuzzProperty, type FuzzTarget } from '../shared/fuzz-harness.ts';
import { decodeGt06, initialGt06State, type Gt06State } from './gt06-decoder.ts';
import { encodeGt06Position, type Gt06Fix } from './gt06-encoder.ts';
import { createGt06Framer } from './gt06-framer.ts';

const target: FuzzTarget<Gt06State> = {
  makeFramer: () => createGt06Framer(4096),
  maxBuffered: 4096,
  decode: decodeGt06,
  initialState: () => initialGt06State(),
  validFrames: [
    hexToBytes('78780d01012345678901234500018cdd0d0a'),
    hexToBytes('78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000373770d0a'),
    hexToBytes('78780a13440404000201029ec10d0a'),
    hexToBytes('787825161803050e0709c90215bb780aa2c6502a190f09014e141234abcdef4106030102002014d50d0a'),
  ],
};

const fixArb: fc.Arbitrary<Gt06Fix> = fc.record({
  time: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  valid: fc.boolean(),
  speedKph: fc.integer({ min: 0, max: 255 }),
  courseDeg: fc.integer({ min: 0, max: 359 }),
  satellites: fc.integer({ min: 0, max: 15 }),
});

describe('GT06 properties', () => {
  it('position encode → frame → decode round trip', () => {
    fc.assert(
      fc.property(fixArb, fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0x12, 0x22), (fix, serial, protocolNumber) => {
        const frame = encodeGt06Position(fix, serial, { protocolNumber: protocolNumber as 0x12 | 0x22 });
        const framed = createGt06Framer().push(frame).frames;
        expect(framed.length).toBe(1);
        const r = decodeGt06(framed[0], { uniqueId: '1', ackPositions: false });
        if (!r.ok) throw new Error(r.error.detail);
        const p = r.messages[0] as Position;
        expect(p.fixTime.getTime()).toBe(fix.time.getTime());
        // 1/1,800,000 degree resolution (GT06N §5.2.1.7); the sign of a zero that rounds to zero is not kept.
        expect(Math.abs(p.lat - fix.lat)).toBeLessThanOrEqual(0.5 / 1_800_000 + 1e-12);
        expect(Math.abs(p.lon - fix.lon)).toBeLessThanOrEqual(0.5 / 1_800_000 + 1e-12);
        expect([p.valid, p.speedKph, p.courseDeg, p.satellites]).toEqual([fix.valid, fix.speedKph, fix.courseDeg, fix.satellites]);
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: random and mutated streams never throw or over-buffer', () => {
    fc.assert(fuzzProperty(target), { numRuns: 500 });
  });

  it('decodes every valid frame of a clean stream cut in random chunks', () => {
    const stream = Uint8Array.from(target.validFrames.flatMap((f) => [...f]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), (sizes) => {
        expect(feed(target, stream, sizes)).toEqual({ decoded: 4, errors: 0 });
      }),
    );
  });
});
