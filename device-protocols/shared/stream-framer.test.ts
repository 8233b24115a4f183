import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Framer, FramerOutput } from '../codec.ts';
import { createGt06Framer } from '../gt06/gt06-framer.ts';
import { createTeltonikaFramer } from '../teltonika/teltonika-framer.ts';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.ts';

/**
 * The framer keeps bytes and what it learned about them from one push to the
 * next. Whatever it keeps, its answers must be those of a framer that starts
 * afresh on every push from the bytes held plus the chunk.
 */
function pushesMatchAFreshFramer(makeFramer: () => Framer, stream: Uint8Array, sizes: number[]): void {
  const framer = makeFramer();
  let held = new Uint8Array(0);
  const returned: { frame: Uint8Array; hex: string }[] = [];
  for (let pos = 0, i = 0; pos < stream.length; i++) {
    const chunk = stream.subarray(pos, pos + sizes[i % sizes.length]);
    pos += chunk.length;
    const input = concatBytes(held, chunk);
    const fresh = makeFramer();
    const expected = fresh.push(input);
    held = input.slice(input.length - fresh.bufferedBytes);
    const out = framer.push(chunk);
    expect(hexOf(out)).toEqual(hexOf(expected));
    expect(framer.bufferedBytes).toBe(fresh.bufferedBytes);
    for (const frame of out.frames) returned.push({ frame, hex: bytesToHex(frame) });
  }
  // Frames are views into the framer's buffer: later pushes must not have written over them.
  for (const { frame, hex } of returned) expect(bytesToHex(frame)).toBe(hex);
}

const hexOf = (out: FramerOutput) => ({ frames: out.frames.map(bytesToHex), errors: out.errors });

/** Frames, headers announcing far more bytes than follow (the waits the framer gives up), and noise. */
function streamOf(pieces: string[]): fc.Arbitrary<Uint8Array> {
  const piece = fc.oneof(fc.constantFrom(...pieces.map(hexToBytes)), fc.uint8Array({ maxLength: 24 }));
  return fc.array(piece, { maxLength: 40 }).map((parts) => parts.reduce(concatBytes, new Uint8Array(0)));
}
const chunkSizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });

describe('StreamFramer across pushes', () => {
  it('GT06: a stream in random chunks frames as a fresh framer given the held bytes and each chunk', () => {
    const stream = streamOf([
      '78780d01012345678901234500018cdd0d0a',
      '78781f120b081d112e10cc027ac7eb0c46584900148f01cc00287d001fb8000373770d0a',
      '78780a13440404000201029ec10d0a',
      '787825161803050e0709c90215bb780aa2c6502a190f09014e141234abcdef4106030102002014d50d0a',
      '7878ff',
      '797903f0',
    ]);
    for (const maxBuffered of [64, 4096]) {
      fc.assert(fc.property(stream, chunkSizes, (s, sizes) => pushesMatchAFreshFramer(() => createGt06Framer(maxBuffered), s, sizes)), { numRuns: 300 });
    }
  });

  it('Teltonika: a stream in random chunks frames as a fresh framer given the held bytes and each chunk', () => {
    const stream = streamOf([
      '000F333536333037303432343431303133',
      '000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF',
      '000000000000004A8E010000016B412CEE000100000000000000000000000000000000010005000100010100010011001D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A00000100002994',
      '0000000000000400',
      '00000000000000',
    ]);
    for (const maxBuffered of [96, 20_000]) {
      fc.assert(fc.property(stream, chunkSizes, (s, sizes) => pushesMatchAFreshFramer(() => createTeltonikaFramer(maxBuffered), s, sizes)), { numRuns: 300 });
    }
  });

  it('forgets a wait it dropped past the cap: the next chunk is searched from its start', () => {
    const frame = '78780a13440404000201029ec10d0a';
    const framer = createGt06Framer(64);
    expect(framer.push(hexToBytes('7878ff' + '00'.repeat(70))).errors.map((e) => e.code)).toEqual(['overflow']);
    expect(framer.push(hexToBytes('7878ff00000000' + frame)).frames.map(bytesToHex)).toEqual([frame]);
  });
});
