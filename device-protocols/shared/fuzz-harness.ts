import fc from 'fast-check';
import type { DecodeResult, Framer } from '../codec.ts';
import type { DeviceMessage, Position } from '../messages.ts';

/**
 * A decoded position must be well-typed: a Date and finite numbers. An Invalid
 * Date or coordinates past ±90/±180 from a well-formed frame are allowed: ingest
 * refuses that fix (server/ingest/position-filter.ts) while the frame is acknowledged.
 */
export function assertSanePosition(message: DeviceMessage): void {
  const p: Position | undefined = message.kind === 'position' ? message : message.kind === 'alarm' ? message.position : undefined;
  if (!p) return;
  if (!(p.fixTime instanceof Date)) throw new Error('fixTime is not a Date');
  for (const v of [p.lat, p.lon, p.speedKph, p.courseDeg, p.altitudeM, p.batteryPct]) if (v !== undefined && !Number.isFinite(v)) throw new Error('non-finite field');
}

/**
 * Shared fuzz properties for a framer + decoder pair (used by each protocol's
 * fuzz test): random bytes and mutated valid frames, cut into random chunks,
 * must never throw, never buffer past the cap, and decode to either messages
 * or a typed protocol error.
 */
export interface FuzzTarget<S> {
  makeFramer: () => Framer;
  maxBuffered: number;
  decode: (frame: Uint8Array, state: S) => DecodeResult<S>;
  initialState: () => S;
  validFrames: Uint8Array[];
}

const mutation = fc.record({
  index: fc.nat(),
  kind: fc.constantFrom('flip', 'truncate', 'duplicate', 'insert'),
  byte: fc.integer({ min: 0, max: 255 }),
  at: fc.nat(),
});

export function mutatedStream<S>(target: FuzzTarget<S>): fc.Arbitrary<Uint8Array> {
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    mutation.map(({ index, kind, byte, at }) => {
      const frame = target.validFrames[index % target.validFrames.length];
      const copy = Uint8Array.from(frame);
      const i = at % Math.max(copy.length, 1);
      if (kind === 'flip') copy[i] ^= byte | 1;
      if (kind === 'truncate') return copy.subarray(0, i);
      if (kind === 'duplicate') return Uint8Array.from([...copy, ...copy]);
      if (kind === 'insert') return Uint8Array.from([...copy.subarray(0, i), byte, ...copy.subarray(i)]);
      return copy;
    }),
    fc.nat().map((index) => target.validFrames[index % target.validFrames.length]),
  );
  return fc.array(piece, { maxLength: 12 }).map((pieces) => {
    const total = pieces.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of pieces) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });
}

/** Feeds `stream` in chunks of the given sizes; returns how many frames decoded and how many errors were typed. */
export function feed<S>(target: FuzzTarget<S>, stream: Uint8Array, chunkSizes: number[]): { decoded: number; errors: number } {
  const framer = target.makeFramer();
  let state = target.initialState();
  let decoded = 0;
  let errors = 0;
  let pos = 0;
  let i = 0;
  while (pos < stream.length) {
    const size = Math.max(1, chunkSizes.length ? chunkSizes[i++ % chunkSizes.length] : stream.length);
    const out = framer.push(stream.subarray(pos, pos + size));
    pos += size;
    if (framer.bufferedBytes > target.maxBuffered) throw new Error(`framer holds ${framer.bufferedBytes} bytes`);
    errors += out.errors.length;
    for (const frame of out.frames) {
      const result = target.decode(frame, state);
      state = result.state;
      if (result.ok) {
        decoded++;
        result.messages.forEach(assertSanePosition);
      }
      else if (typeof result.error.code !== 'string') throw new Error('untyped error');
      else errors++;
    }
  }
  return { decoded, errors };
}

export function fuzzProperty<S>(target: FuzzTarget<S>): fc.IPropertyWithHooks<[Uint8Array, number[]]> {
  return fc.property(mutatedStream(target), fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 8 }), (stream, sizes) => {
    feed(target, stream, sizes);
  });
}
