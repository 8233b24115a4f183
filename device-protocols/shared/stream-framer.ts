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

/** The smallest buffer the framer holds bytes in: a frame dribbled a byte per push grows it a few times at most. */
const MIN_HELD = 64;

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
 *
 * Bytes held between pushes are appended to in place, with room to spare,
 * so a frame or a backlog arriving a few bytes per TCP segment costs per
 * byte added, not per byte held (copying all held bytes on every push made
 * a 15 KB Teltonika packet sent byte by byte cost ~120 MB of copying). Frames
 * already returned may be views into the held buffer, so its bytes are never
 * written again: when it is full, or mostly consumed, the held bytes move to
 * a new buffer instead of to its front.
 */
export class StreamFramer implements Framer {
  /** The bytes held for the next push are `#held[#heldStart, #heldEnd)`. */
  #held: Uint8Array | null = null;
  #heldStart = 0;
  #heldEnd = 0;
  /** What the last push's search learned about the bytes after the frame it waits for, the first held byte. */
  #waitScan: WaitScan | null = null;
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
    return this.#heldEnd - this.#heldStart;
  }

  push(chunk: Uint8Array): FramerOutput {
    let data = chunk;
    let pos = 0;
    let end = chunk.length;
    if (this.#held) {
      data = this.#append(chunk);
      pos = this.#heldStart;
      end = this.#heldEnd;
    }
    const heldWait = pos;
    const lastScan = this.#waitScan;
    this.#waitScan = null;
    const frames: Uint8Array[] = [];
    const errors: ProtocolError[] = [];
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
        if (checkedAhead <= pos) {
          const scan = pos === heldWait && lastScan ? lastScan : { scanned: 1, undecided: [] };
          checkedAhead = this.#findCheckedFrame(data, pos, end, scan);
          if (checkedAhead < 0) {
            this.#waitScan = scan;
            break;
          }
        }
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
    }
    this.#hold(data, pos, rest > this.#maxBuffered ? pos : end);
    return { frames, errors };
  }

  /** Appends `chunk` to the held bytes, moving them to a new buffer with as much room again when the chunk does not fit. */
  #append(chunk: Uint8Array): Uint8Array {
    let held = this.#held as Uint8Array;
    if (this.#heldEnd + chunk.length > held.length) {
      const live = this.#heldEnd - this.#heldStart;
      const grown = new Uint8Array(Math.max(2 * live + chunk.length, MIN_HELD));
      grown.set(held.subarray(this.#heldStart, this.#heldEnd));
      this.#held = held = grown;
      this.#heldStart = 0;
      this.#heldEnd = live;
    }
    held.set(chunk, this.#heldEnd);
    this.#heldEnd += chunk.length;
    return held;
  }

  /**
   * Keeps `data[pos, end)` for the next push. A held buffer over four times
   * the bytes left in it is mostly consumed, and a chunk is the caller's:
   * the bytes are copied out, so a connection holds a few times its pending
   * bytes at most, not the buffer a large chunk once needed.
   */
  #hold(data: Uint8Array, pos: number, end: number): void {
    const rest = end - pos;
    if (rest === 0) {
      this.#held = null;
      this.#heldStart = this.#heldEnd = 0;
      this.#waitScan = null;
    } else if (data === this.#held && data.length <= 4 * rest + MIN_HELD) {
      this.#heldStart = pos;
    } else {
      const held = new Uint8Array(Math.max(2 * rest, MIN_HELD));
      held.set(data.subarray(pos, end));
      this.#held = held;
      this.#heldStart = 0;
      this.#heldEnd = rest;
    }
  }

  /**
   * The first offset after the wait at `at` where a whole checked frame
   * starts, or -1. Searching all the bytes after a wait on every push would
   * cost per byte held, so `scan` carries what is known over to the next
   * push: bytes before `scanned` are searched, and only those where a frame
   * may yet be whole (the probe answered 0) are looked at again.
   */
  #findCheckedFrame(data: Uint8Array, at: number, end: number, scan: WaitScan): number {
    const checked = this.#checkedFrameAt;
    if (!checked) return -1;
    const undecided: number[] = [];
    for (const offset of scan.undecided) {
      const n = this.#probe(data, at + offset, end);
      if (n === 0) undecided.push(offset);
      else if (n > 0 && checked(data, at + offset, end)) return at + offset;
    }
    for (let q = at + scan.scanned; q < end; q++) {
      if (!this.#isStartByte(data[q])) continue;
      const n = this.#probe(data, q, end);
      if (n === 0) undecided.push(q - at);
      else if (n > 0 && checked(data, q, end)) return q;
    }
    scan.scanned = end - at;
    scan.undecided = undecided;
    return -1;
  }
}

/**
 * Offsets from a waiting frame's first byte. A probe's -1 and -2 and a whole
 * frame's check rest on bytes already there, so they hold as more arrive.
 */
interface WaitScan {
  scanned: number;
  undecided: number[];
}
