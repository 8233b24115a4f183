import { asciiBytes } from '../shared/bytes.ts';
import { crc16Ibm } from '../shared/crc.ts';
import { CODEC, CODEC12_COMMAND, CODEC12_RESPONSE } from './teltonika-protocol.ts';

/* Server → device. */

/** Handshake answer (wiki "Codec", TCP): 0x01 accept, 0x00 reject. */
export function encodeTeltonikaImeiReply(accepted: boolean): Uint8Array {
  return Uint8Array.of(accepted ? 0x01 : 0x00);
}

/** TCP ACK: the number of records accepted, 4 bytes big-endian. */
export function encodeTeltonikaAck(records: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, records);
  return out;
}

/** UDP ACK (wiki "Codec", UDP channel): length 5, packet id, not-usable byte 0x01, AVL packet id, accepted record count. */
export function encodeTeltonikaUdpAck(packetId: number, avlPacketId: number, records: number): Uint8Array {
  return Uint8Array.of(0x00, 0x05, (packetId >>> 8) & 0xff, packetId & 0xff, 0x01, avlPacketId & 0xff, records & 0xff);
}

/** Wraps codec data (codec id .. last count) as a TCP packet: preamble, length, data, CRC-16/IBM in 4 bytes. */
function wrapTcp(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(4, data.length);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc16Ibm(data));
  return out;
}

function codec12(type: number, text: string): Uint8Array {
  const body = asciiBytes(text);
  const data = new Uint8Array(8 + body.length);
  const view = new DataView(data.buffer);
  data[0] = CODEC.codec12;
  data[1] = 1;
  data[2] = type;
  view.setUint32(3, body.length);
  data.set(body, 7);
  data[7 + body.length] = 1;
  return wrapTcp(data);
}

/** Codec 12 command (wiki "Codec", Codec 12), e.g. `getinfo`, `getver`, `getgps`. */
export function encodeCodec12Command(command: string): Uint8Array {
  return codec12(CODEC12_COMMAND, command);
}

/* Device → server, for the simulators and round-trip tests. */

export function encodeCodec12Response(text: string): Uint8Array {
  return codec12(CODEC12_RESPONSE, text);
}

export function encodeTeltonikaImei(imei: string): Uint8Array {
  const id = asciiBytes(imei);
  return Uint8Array.from([0, id.length, ...id]);
}

export type TeltonikaIo = { id: number; size: 1 | 2 | 4 | 8; value: number } | { id: number; size: 'x'; bytes: Uint8Array };

export interface TeltonikaRecord {
  timestampMs: number;
  priority: 0 | 1 | 2;
  lat: number;
  lon: number;
  altitudeM: number;
  angleDeg: number;
  satellites: number;
  speedKph: number;
  eventIoId: number;
  io: TeltonikaIo[];
}

type Codec8 = typeof CODEC.codec8 | typeof CODEC.codec8Extended;

/** Codec 8 / 8E data field: codec id, count, records, count. */
export function encodeAvlData(codec: Codec8, records: TeltonikaRecord[]): Uint8Array {
  const extended = codec === CODEC.codec8Extended;
  const w = extended ? 2 : 1;
  const bytes: number[] = [codec, records.length];
  const push = (value: number, size: number) => {
    for (let k = size - 1; k >= 0; k--) bytes.push(Math.floor(value / 2 ** (8 * k)) & 0xff);
  };
  for (const r of records) {
    push(r.timestampMs, 8);
    bytes.push(r.priority);
    push(Math.round(r.lon * 1e7) >>> 0, 4);
    push(Math.round(r.lat * 1e7) >>> 0, 4);
    push(r.altitudeM & 0xffff, 2);
    push(r.angleDeg, 2);
    bytes.push(r.satellites);
    push(r.speedKph, 2);
    push(r.eventIoId, w);
    push(r.io.length, w);
    for (const size of [1, 2, 4, 8] as const) {
      const group = r.io.filter((io) => io.size === size);
      push(group.length, w);
      for (const io of group) {
        push(io.id, w);
        if (io.size !== 'x') push(io.value, size);
      }
    }
    const nx = r.io.filter((io) => io.size === 'x');
    if (extended) {
      push(nx.length, 2);
      for (const io of nx) {
        if (io.size !== 'x') continue;
        push(io.id, 2);
        push(io.bytes.length, 2);
        bytes.push(...io.bytes);
      }
    } else if (nx.length) {
      throw new RangeError('variable-length IO needs Codec 8 Extended');
    }
  }
  bytes.push(records.length);
  return Uint8Array.from(bytes);
}

export function encodeTeltonikaTcpPacket(codec: Codec8, records: TeltonikaRecord[]): Uint8Array {
  return wrapTcp(encodeAvlData(codec, records));
}

/** UDP packet: length, packet id, not-usable byte 0x01, AVL packet id, IMEI length + IMEI, AVL data (no CRC). */
export function encodeTeltonikaUdpPacket(packetId: number, avlPacketId: number, imei: string, codec: Codec8, records: TeltonikaRecord[]): Uint8Array {
  const id = asciiBytes(imei);
  const data = encodeAvlData(codec, records);
  const out = new Uint8Array(8 + id.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, out.length - 2);
  view.setUint16(2, packetId);
  out[4] = 0x01;
  out[5] = avlPacketId;
  view.setUint16(6, id.length);
  out.set(id, 8);
  out.set(data, 8 + id.length);
  return out;
}
