import type { Framer, FramerOutput, ProtocolError } from '../codec.ts';
import type { Protocol } from '../messages.ts';

/**
 * Looks at the bytes from `start`: returns n > 0 when a whole frame of n
 * bytes starts there, 0 when a frame may start there but more bytes are
 * needed, -1 when no frame starts there (resynchronise).
 */
export type FrameProbe = (buf: Uint8Array, start: number, end: number) => number;

/**
 * One framing loop for every length- or delimiter-framed TCP protocol:
 * handles frames split across chunks, several frames in one chunk, garbage
 * between frames (skipped up to the next possible start byte, reported once
 * per chunk) and a hard cap on buffered bytes (reported as a fatal error,
 * since the stream can no longer be trusted).
 */
export class StreamFramer implements Framer {
  #pending: Uint8Array | null = null;
  readonly #protocol: Protocol;
  readonly #probe: FrameProbe;
  readonly #isStartByte: (b: number) => boolean;
  readonly #maxBuffered: number;
  readonly #isFiller: (b: number) => boolean;

  /** `isFiller`: bytes a device legitimately sends between frames (CR/LF after text frames), skipped without a garbage report. */
  constructor(protocol: Protocol, probe: FrameProbe, isStartByte: (b: number) => boolean, maxBuffered: number, isFiller: (b: number) => boolean = () => false) {
    this.#protocol = protocol;
    this.#probe = probe;
    this.#isStartByte = isStartByte;
    this.#maxBuffered = maxBuffered;
    this.#isFiller = isFiller;
  }

  get bufferedBytes(): number {
    return this.#pending ? this.#pending.length : 0;
  }

  push(chunk: Uint8Array): FramerOutput {
    let data = chunk;
    if (this.#pending) {
      data = new Uint8Array(this.#pending.length + chunk.length);
      data.set(this.#pending, 0);
      data.set(chunk, this.#pending.length);
      this.#pending = null;
    }
    const frames: Uint8Array[] = [];
    const errors: ProtocolError[] = [];
    const end = data.length;
    let pos = 0;
    let skipped = 0;
    while (pos < end) {
      const n = this.#probe(data, pos, end);
      if (n > 0) {
        frames.push(data.subarray(pos, pos + n));
        pos += n;
        continue;
      }
      if (n === 0) break;
      if (this.#isFiller(data[pos])) {
        pos++;
        continue;
      }
      pos++;
      skipped++;
      while (pos < end && !this.#isStartByte(data[pos])) {
        pos++;
        skipped++;
      }
    }
    if (skipped > 0) {
      errors.push({ protocol: this.#protocol, code: 'garbage', detail: `skipped ${skipped} bytes between frames`, fatal: false });
    }
    const rest = end - pos;
    if (rest > this.#maxBuffered) {
      errors.push({
        protocol: this.#protocol,
        code: 'overflow',
        detail: `${rest} bytes without a whole frame (cap ${this.#maxBuffered})`,
        fatal: true,
      });
    } else if (rest > 0) {
      this.#pending = data.slice(pos);
    }
    return { frames, errors };
  }
}
