import { protocolError, type DecodeResult } from '../codec.ts';
import { bytesToAscii } from '../shared/bytes.ts';
import { crc16Ibm } from '../shared/crc.ts';
import { readAvlData } from './teltonika-avl.ts';
import { encodeTeltonikaAck, encodeTeltonikaImeiReply, encodeTeltonikaUdpAck } from './teltonika-encoder.ts';
import { CODEC, CODEC12_RESPONSE } from './teltonika-protocol.ts';

export interface TeltonikaState {
  /** From the TCP handshake, or the last UDP packet. */
  uniqueId?: string;
}

export function initialTeltonikaState(): TeltonikaState {
  return {};
}

type Result = DecodeResult<TeltonikaState>;

const u16 = (f: Uint8Array, o: number) => (f[o] << 8) | f[o + 1];
const u32 = (f: Uint8Array, o: number) => f[o] * 0x1000000 + ((f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]);

function isDigits(f: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (f[i] < 0x30 || f[i] > 0x39) return false;
  return true;
}

/**
 * One frame of the TCP stream: the IMEI handshake (answered with the accept
 * byte — a listener refusing an unknown device sends
 * `encodeTeltonikaImeiReply(false)` instead), an AVL packet (answered with
 * the record count once committed), or a Codec 12 command response.
 */
export function decodeTeltonikaTcp(frame: Uint8Array, state: TeltonikaState): Result {
  if (frame.length >= 2 && frame[0] === 0 && frame[1] !== 0) {
    if (frame.length !== 2 + frame[1] || !isDigits(frame, 2, frame.length)) {
      return protocolError('teltonika', state, 'malformed', 'handshake is not a length-prefixed IMEI', true);
    }
    const uniqueId = bytesToAscii(frame, 2);
    return { ok: true, messages: [{ kind: 'login', uniqueId }], reply: encodeTeltonikaImeiReply(true), state: { uniqueId } };
  }
  if (frame.length < 15 || u32(frame, 0) !== 0) return protocolError('teltonika', state, 'length', `frame of ${frame.length} bytes`, true);
  const dataLength = u32(frame, 4);
  if (dataLength + 12 !== frame.length) return protocolError('teltonika', state, 'length', `data length ${dataLength} in a ${frame.length}-byte frame`, true);
  const end = 8 + dataLength;
  // The CRC field is 4 bytes; the first two are zero (wiki "Codec", AVL data packet).
  if (u32(frame, end) !== crc16Ibm(frame, 8, end)) return protocolError('teltonika', state, 'checksum', 'CRC-16/IBM mismatch');
  if (state.uniqueId === undefined) return protocolError('teltonika', state, 'notLoggedIn', 'AVL packet before the IMEI handshake', true);

  if (frame[8] === CODEC.codec12) return decodeCodec12(frame, end, state);
  const avl = readAvlData(frame, 8, end, undefined);
  if (!avl.ok) return protocolError('teltonika', state, frame[8] === CODEC.codec8 || frame[8] === CODEC.codec8Extended ? 'malformed' : 'unsupported', avl.detail);
  return { ok: true, messages: avl.messages, reply: encodeTeltonikaAck(avl.records), state };
}

/** Codec 12 response (type 0x06): count, type, 4-byte size, text, count. */
function decodeCodec12(f: Uint8Array, end: number, state: TeltonikaState): Result {
  if (end - 8 < 8 || f[10] !== CODEC12_RESPONSE) return protocolError('teltonika', state, 'unsupported', 'Codec 12 frame that is not a response');
  const size = u32(f, 11);
  if (15 + size + 1 !== end) return protocolError('teltonika', state, 'length', 'Codec 12 response size');
  return { ok: true, messages: [{ kind: 'commandAck', text: bytesToAscii(f, 15, 15 + size) }], state };
}

/**
 * One UDP datagram (wiki "Codec", UDP channel): 2-byte length, packet id,
 * not-usable byte, AVL packet id, IMEI length + IMEI, AVL data without CRC.
 * Every position names its device; the reply echoes the ids with the count.
 */
export function decodeTeltonikaUdp(datagram: Uint8Array, state: TeltonikaState): Result {
  if (datagram.length < 11) return protocolError('teltonika', state, 'length', `datagram of ${datagram.length} bytes`);
  if (u16(datagram, 0) + 2 !== datagram.length) return protocolError('teltonika', state, 'length', `length field ${u16(datagram, 0)} in a ${datagram.length}-byte datagram`);
  const packetId = u16(datagram, 2);
  const avlPacketId = datagram[5];
  const idLength = u16(datagram, 6);
  const dataStart = 8 + idLength;
  if (dataStart > datagram.length || !isDigits(datagram, 8, dataStart)) return protocolError('teltonika', state, 'malformed', 'datagram without an IMEI');
  const uniqueId = state.uniqueId !== undefined && sameAscii(datagram, 8, dataStart, state.uniqueId) ? state.uniqueId : bytesToAscii(datagram, 8, dataStart);
  const next = uniqueId === state.uniqueId ? state : { uniqueId };
  const avl = readAvlData(datagram, dataStart, datagram.length, uniqueId);
  if (!avl.ok) return protocolError('teltonika', next, 'malformed', avl.detail);
  return { ok: true, messages: avl.messages, reply: encodeTeltonikaUdpAck(packetId, avlPacketId, avl.records), state: next };
}

function sameAscii(f: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = start; i < end; i++) if (f[i] !== text.charCodeAt(i - start)) return false;
  return true;
}
