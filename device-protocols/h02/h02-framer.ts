import { StreamFramer } from '../shared/stream-framer.ts';

/** Text frames are `*…#`; real ones are under 200 bytes, so a frame without '#' within this many bytes is garbage. */
export const H02_MAX_FRAME = 512;

const STAR = 0x2a;
const HASH = 0x23;

function probeH02(buf: Uint8Array, start: number, end: number): number {
  if (buf[start] !== STAR) return -1;
  const limit = Math.min(end, start + H02_MAX_FRAME);
  for (let i = start + 1; i < limit; i++) {
    if (buf[i] === HASH) return i - start + 1;
    if (buf[i] === STAR) return -1;
  }
  return end - start >= H02_MAX_FRAME ? -1 : 0;
}

/**
 * H02 text framing. The binary `$` variant is not framed here: it has no
 * delimiter and its length differs by firmware, so it is skipped as garbage
 * (and reported) rather than guessed at.
 */
export function createH02Framer(maxBuffered = 2 * H02_MAX_FRAME): StreamFramer {
  return new StreamFramer('h02', probeH02, (b) => b === STAR, maxBuffered, (b) => b === 0x0d || b === 0x0a);
}
