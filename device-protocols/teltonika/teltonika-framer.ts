import { crc16Ibm } from '../shared/crc.ts';
import { FRAME_CHECKSUM_FAILED, StreamFramer } from '../shared/stream-framer.ts';
import { TELTONIKA_MAX_PACKET } from './teltonika-protocol.ts';

/** An IMEI is 15 digits; the handshake's 2-byte length allows a little more for non-IMEI ids. */
const MAX_ID_LENGTH = 32;
const IMEI_LENGTH = 15;

/**
 * A Teltonika TCP stream carries two frame kinds (wiki "Codec", TCP
 * communication): first the handshake, a 2-byte length and the ASCII IMEI;
 * then AVL packets, four zero bytes, a 4-byte data length, the data, and a
 * 4-byte CRC field (two zero bytes, then CRC-16/IBM of the data). Both start
 * with a zero byte. A packet whose CRC fails is not a packet: a stray header
 * whose length happens to end where a real packet ends would otherwise be
 * cut as one bad packet (and the connection closed over it).
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
  if (available < total) return 0;
  return crcHolds(buf, start, dataLength) ? total : FRAME_CHECKSUM_FAILED;
}

function crcHolds(buf: Uint8Array, start: number, dataLength: number): boolean {
  const c = start + 8 + dataLength;
  return buf[c] === 0 && buf[c + 1] === 0 && crc16Ibm(buf, start + 8, c) === ((buf[c + 2] << 8) | buf[c + 3]);
}

/**
 * Evidence that a wait for an announced packet should be given up: a whole
 * CRC-valid AVL packet, or a whole IMEI handshake (15 digits: a shorter
 * "handshake" such as 00 01 '5' is three bytes AVL data can hold by chance).
 */
function checkedTeltonikaAt(buf: Uint8Array, start: number, end: number): boolean {
  const n = probeTeltonika(buf, start, end);
  return n > 0 && (buf[start + 1] === 0 || buf[start + 1] >= IMEI_LENGTH);
}

export function createTeltonikaFramer(maxBuffered = TELTONIKA_MAX_PACKET + 12): StreamFramer {
  return new StreamFramer('teltonika', probeTeltonika, (b) => b === 0, maxBuffered, undefined, checkedTeltonikaAt);
}
