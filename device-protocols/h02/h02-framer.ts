import { StreamFramer } from '../shared/stream-framer.ts';
import { couldBeH02Binary, H02_BINARY } from './h02-binary.ts';

/** Text frames are `*…#`; real ones are under 200 bytes, so a frame without '#' within this many bytes is garbage. */
export const H02_MAX_FRAME = 512;

const STAR = 0x2a;
const HASH = 0x23;
const DOLLAR = H02_BINARY.marker;

function probeText(buf: Uint8Array, start: number, end: number): number {
  const limit = Math.min(end, start + H02_MAX_FRAME);
  for (let i = start + 1; i < limit; i++) {
    if (buf[i] === HASH) return i - start + 1;
    if (buf[i] === STAR) return -1;
  }
  return end - start >= H02_MAX_FRAME ? -1 : 0;
}

/** A text frame, or a binary report of the same device (its id bytes, as far as they have arrived), starts at `at`. */
function nextFrameAt(buf: Uint8Array, start: number, at: number, end: number): boolean {
  if (buf[at] === STAR) return true;
  if (buf[at] !== DOLLAR) return false;
  for (let k = 1; k <= 5 && at + k < end; k++) if (buf[at + k] !== buf[start + k]) return false;
  return true;
}

/**
 * H02 framing: `*…#` text frames and `$` binary reports, which carry no
 * length and no end marker. A binary report is 32 bytes, or 45 with cell
 * data, depending on the firmware: the first one of a connection shows
 * which, by ending where the data ends or where the device's next frame
 * begins, and the connection keeps that length (a device runs one firmware).
 * A report of neither shape is cut at 32 bytes and the rest skipped as
 * garbage up to the next frame.
 */
export function createH02Framer(maxBuffered = 2 * H02_MAX_FRAME): StreamFramer {
  let binaryLength = 0;

  function probeBinary(buf: Uint8Array, start: number, end: number): number {
    if (!couldBeH02Binary(buf, start, end)) return -1;
    const available = end - start;
    if (binaryLength > 0) return available >= binaryLength ? binaryLength : 0;
    if (available < H02_BINARY.shortLength) return 0;
    for (const length of [H02_BINARY.shortLength, H02_BINARY.longLength]) {
      if (available === length || (available > length && nextFrameAt(buf, start, start + length, end))) {
        binaryLength = length;
        return length;
      }
    }
    return available < H02_BINARY.longLength ? 0 : H02_BINARY.shortLength;
  }

  const probe = (buf: Uint8Array, start: number, end: number) => (buf[start] === STAR ? probeText(buf, start, end) : probeBinary(buf, start, end));
  return new StreamFramer('h02', probe, (b) => b === STAR || b === DOLLAR, maxBuffered, (b) => b === 0x0d || b === 0x0a);
}
