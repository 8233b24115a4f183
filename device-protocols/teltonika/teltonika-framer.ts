import { StreamFramer } from '../shared/stream-framer.ts';
import { TELTONIKA_MAX_PACKET } from './teltonika-protocol.ts';

/** An IMEI is 15 digits; the handshake's 2-byte length allows a little more for non-IMEI ids. */
const MAX_ID_LENGTH = 32;

/**
 * A Teltonika TCP stream carries two frame kinds (wiki "Codec", TCP
 * communication): first the handshake, a 2-byte length and the ASCII IMEI;
 * then AVL packets, four zero bytes, a 4-byte data length, the data, and a
 * 4-byte CRC field. Both start with a zero byte.
 */
function probeTeltonika(buf: Uint8Array, start: number, end: number): number {
  if (buf[start] !== 0) return -1;
  const available = end - start;
  if (available < 2) return 0;
  const second = buf[start + 1];
  if (second !== 0) {
    if (second > MAX_ID_LENGTH) return -1;
    const total = 2 + second;
    const digitsEnd = Math.min(end, start + total);
    for (let i = start + 2; i < digitsEnd; i++) if (buf[i] < 0x30 || buf[i] > 0x39) return -1;
    return available < total ? 0 : total;
  }
  if (available < 4) return 0;
  if (buf[start + 2] !== 0 || buf[start + 3] !== 0) return -1;
  if (available < 8) return 0;
  const dataLength = buf[start + 4] * 0x1000000 + ((buf[start + 5] << 16) | (buf[start + 6] << 8) | buf[start + 7]);
  if (dataLength < 3 || dataLength > TELTONIKA_MAX_PACKET) return -1;
  const total = 12 + dataLength;
  return available < total ? 0 : total;
}

export function createTeltonikaFramer(maxBuffered = TELTONIKA_MAX_PACKET + 12): StreamFramer {
  return new StreamFramer('teltonika', probeTeltonika, (b) => b === 0, maxBuffered);
}
