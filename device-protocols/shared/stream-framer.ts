import type { Framer, FramerOutput, ProtocolError } from '../codec.ts';
import type { Protocol } from '../messages.ts';

/**
 * Looks at the bytes from `start`: returns n > 0 when a whole frame of n
 * bytes starts there, 0 when a frame may start there but more bytes are
 * needed, -1 when no frame starts there (resynchronise), or
 * FRAME_CHECKSUM_FAILED when the bytes have a whole frame's shape (length,
 * end marker) but its checksum fails: a stray header whose announced length
 * happens to end where a real frame ends, or a corrupt frame. Either way no
 * frame starts there, and the search goes on from the next byte, so a real
 * frame inside those bytes is still found.
 */
export type FrameProbe = (buf: Uint8Array, start: number, end: number) => number;

export const FRAME_CHECKSUM_FAILED = -2;

/**
 * Whether a whole frame whose checksum (or, for a frame without one, an
 * equally strong structure) holds starts at `start`. A wait for more bytes
 * is given up when such a frame starts inside the awaited bytes.
 */
export type CheckedFrameAt = (buf: Uint8Array, start: number, end: number) => boolean;

/**
 * One framing loop for every length- or delimiter-framed TCP protocol:
 * handles frames split across chunks, several frames in one chunk, garbage
 * between frames (skipped up to the next possible start byte, reported once
 * per chunk) and a hard cap on buffered bytes (reported as a fatal error,
 * since the stream can no longer be trusted).
 *
 * A length field can also lie: a stray or corrupt header announcing more
 * bytes than the frame has would make the framer wait for bytes that are
 * really the next frames, holding them (unstored, unacknowledged) until more
 * data or the idle timeout. A timer would be a guess at the device's pace
 * and the framer has no clock; instead, while it waits, it looks for a whole
 * checked frame (`checkedFrameAt`: CRC-valid) starting inside the awaited
 * bytes. A real frame cannot contain another whole CRC-valid frame but by a
 * 1-in-65,536 accident on top of a matching header and length, so when one
 * is there the wait is given up as garbage and the frame is read. Without
 * such a frame the wait stays bounded by `maxBuffered`.
 */
export class StreamFramer implements Framer {
  #pending: Uint8Array | null = null;
  readonly #protocol: Protocol;
  readonly #probe: FrameProbe;
  readonly #isStartByte: (b: number) => boolean;
  readonly #maxBuffered: number;
  readonly #isFiller: (b: number) => boolean;
  readonly #checkedFrameAt: CheckedFrameAt | undefined;

  /**
   * `isFiller`: bytes a device legitimately sends between frames (CR/LF after text frames), skipped without a garbage report.
   * `checkedFrameAt`: see the class comment; absent = a wait is only bounded by `maxBuffered`.
   */
  constructor(
    protocol: Protocol,
    probe: FrameProbe,
    isStartByte: (b: number) => boolean,
    maxBuffered: number,
    isFiller: (b: number) => boolean = () => false,
    checkedFrameAt?: CheckedFrameAt,
  ) {
    this.#protocol = protocol;
    this.#probe = probe;
    this.#isStartByte = isStartByte;
    this.#maxBuffered = maxBuffered;
    this.#isFiller = isFiller;
    this.#checkedFrameAt = checkedFrameAt;
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
    let badChecksums = 0;
    let abandonedWaits = 0;
    /** Where a whole checked frame was last found ahead of `pos`: waits before it are given up without searching again. */
    let checkedAhead = -1;
    while (pos < end) {
      let n = this.#probe(data, pos, end);
      if (n > 0) {
        frames.push(data.subarray(pos, pos + n));
        pos += n;
        continue;
      }
      if (n === 0) {
        if (checkedAhead <= pos) checkedAhead = this.#findCheckedFrame(data, pos + 1, end);
        if (checkedAhead < 0) break;
        abandonedWaits++;
        n = -1;
      }
      if (n === FRAME_CHECKSUM_FAILED) badChecksums++;
      else if (this.#isFiller(data[pos])) {
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
      let detail = `skipped ${skipped} bytes between frames`;
      if (badChecksums > 0) detail += `; ${badChecksums} frame start(s) with a bad checksum`;
      if (abandonedWaits > 0) detail += `; ${abandonedWaits} length field(s) announcing a frame past a whole valid frame`;
      errors.push({ protocol: this.#protocol, code: badChecksums > 0 ? 'checksum' : abandonedWaits > 0 ? 'length' : 'garbage', detail, fatal: false });
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

  /** The first offset from `from` where a whole checked frame starts, or -1. */
  #findCheckedFrame(data: Uint8Array, from: number, end: number): number {
    const checked = this.#checkedFrameAt;
    if (!checked) return -1;
    for (let q = from; q < end; q++) if (this.#isStartByte(data[q]) && checked(data, q, end)) return q;
    return -1;
  }
}
