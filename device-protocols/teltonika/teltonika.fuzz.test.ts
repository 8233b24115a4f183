import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Position } from '../messages.ts';
import { hexToBytes } from '../shared/bytes.ts';
import { assertSanePosition, fuzzProperty, type FuzzTarget } from '../shared/fuzz-harness.ts';
import { decodeTeltonikaTcp, decodeTeltonikaUdp, type TeltonikaState } from './teltonika-decoder.ts';
import { encodeTeltonikaTcpPacket, encodeTeltonikaUdpPacket, type TeltonikaRecord } from './teltonika-encoder.ts';
import { createTeltonikaFramer } from './teltonika-framer.ts';

const WIKI_UDP = hexToBytes('003DCAFE0105000F33353230393330383634303336353508010000016B4F815B30010000000000000000000000000000000103021503010101425DBC000001');

const target: FuzzTarget<TeltonikaState> = {
  makeFramer: () => createTeltonikaFramer(20_000),
  maxBuffered: 20_000,
  decode: decodeTeltonikaTcp,
  initialState: () => ({}),
  validFrames: [
    hexToBytes('000F333536333037303432343431303133'),
    hexToBytes('000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF'),
    hexToBytes('000000000000004A8E010000016B412CEE000100000000000000000000000000000000010005000100010100010011001D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A00000100002994'),
  ],
};

const recordArb: fc.Arbitrary<TeltonikaRecord> = fc.record({
  timestampMs: fc.integer({ min: 0, max: 4102444800000 }),
  priority: fc.constantFrom(0 as const, 1 as const),
  lat: fc.integer({ min: -900_000_000, max: 900_000_000 }).map((n) => n / 1e7),
  lon: fc.integer({ min: -1_800_000_000, max: 1_800_000_000 }).map((n) => n / 1e7),
  altitudeM: fc.integer({ min: -32768, max: 32767 }),
  angleDeg: fc.integer({ min: 0, max: 359 }),
  satellites: fc.integer({ min: 0, max: 255 }),
  speedKph: fc.integer({ min: 0, max: 0xffff }),
  eventIoId: fc.integer({ min: 0, max: 255 }),
  io: fc.uniqueArray(
    fc.record({ id: fc.integer({ min: 120, max: 170 }) /* fits Codec 8 ids, none of them named */, size: fc.constantFrom(1 as const, 2 as const, 4 as const), value: fc.nat() }).map((io) => ({ ...io, value: io.value % 2 ** (8 * io.size) })),
    { selector: (io) => io.id, maxLength: 6 },
  ),
});

function expectSame(records: TeltonikaRecord[], messages: unknown[]) {
  expect(messages.length).toBe(records.length);
  records.forEach((r, i) => {
    const p = messages[i] as Position;
    expect([p.fixTime.getTime(), p.lat, p.lon, p.altitudeM, p.courseDeg, p.satellites, p.speedKph]).toEqual([
      r.timestampMs, r.lat, r.lon, r.altitudeM, r.angleDeg, r.satellites, r.speedKph,
    ]);
    for (const io of r.io) if (io.size !== 'x') expect(p.attributes[`io${io.id}`]).toBe(io.value);
  });
}

describe('Teltonika properties', () => {
  it('TCP Codec 8 / 8E round trip', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), fc.constantFrom(0x08 as const, 0x8e as const), (records, codec) => {
        const r = decodeTeltonikaTcp(encodeTeltonikaTcpPacket(codec, records), { uniqueId: '1' });
        if (!r.ok) throw new Error(r.error.detail);
        expectSame(records, r.messages);
      }),
      { numRuns: 200 },
    );
  });

  it('UDP round trip', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 0xffff }), (records, packetId) => {
        const r = decodeTeltonikaUdp(encodeTeltonikaUdpPacket(packetId, 7, '352093086403655', 0x8e, records), {});
        if (!r.ok) throw new Error(r.error.detail);
        expectSame(records, r.messages);
      }),
      { numRuns: 100 },
    );
  });

  it('fuzz: TCP streams never throw or over-buffer', () => {
    fc.assert(fuzzProperty(target), { numRuns: 500 });
  });

  it('fuzz: mutated UDP datagrams give messages or a typed error', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (at, byte, cut) => {
        const copy = Uint8Array.from(WIKI_UDP);
        copy[at % copy.length] = byte;
        for (const d of [copy, copy.subarray(0, cut % copy.length)]) {
          const r = decodeTeltonikaUdp(d, {});
          expect(r.ok || typeof r.error.code === 'string').toBe(true);
          if (r.ok) r.messages.forEach(assertSanePosition);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
