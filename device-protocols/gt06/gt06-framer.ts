import { crc16X25 } from '../shared/crc.ts';
import { FRAME_CHECKSUM_FAILED, StreamFramer } from '../shared/stream-framer.ts';

/** The longest frame we accept; real GT06 frames are well under 1 KiB. */
export const GT06_MAX_FRAME = 1024;

/**
 * Frame boundaries come from the length field; the stop bytes 0x0D0A and the
 * CRC-ITU (GT06N §5: over the length byte(s) to the serial) are checked
 * here, not only in the decoder: a stray 0x7878 whose length byte happens to
 * end on a real frame's 0x0D0A would otherwise be cut as one frame and the
 * real frame inside it lost, unanswered. A candidate that fails is not a
 * frame; the framer goes on from its next byte and finds the real one.
 */
function probeGt06(buf: Uint8Array, start: number, end: number): number {
  const b0 = buf[start];
  if (b0 !== 0x78 && b0 !== 0x79) return -1;
  const available = end - start;
  if (available < 2) return 0;
  if (buf[start + 1] !== b0) return -1;
  let total: number;
  if (b0 === 0x78) {
    if (available < 3) return 0;
    if (buf[start + 2] < 5) return -1;
    total = buf[start + 2] + 5;
  } else {
    if (available < 4) return 0;
    total = ((buf[start + 2] << 8) | buf[start + 3]) + 6;
    if (total < 11 || total > GT06_MAX_FRAME) return -1;
  }
  if (available < total) return 0;
  const stop = start + total - 2;
  if (buf[stop] !== 0x0d || buf[stop + 1] !== 0x0a) return -1;
  if (crc16X25(buf, start + 2, stop - 2) !== ((buf[stop - 2] << 8) | buf[stop - 1])) return FRAME_CHECKSUM_FAILED;
  return total;
}

const checkedGt06At = (buf: Uint8Array, start: number, end: number) => probeGt06(buf, start, end) > 0;

export function createGt06Framer(maxBuffered = 4 * GT06_MAX_FRAME): StreamFramer {
  return new StreamFramer('gt06', probeGt06, (b) => b === 0x78 || b === 0x79, maxBuffered, undefined, checkedGt06At);
}
