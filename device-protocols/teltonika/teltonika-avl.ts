import type { Alarm, DeviceMessage, Position } from '../messages.ts';
import { bytesToHex } from '../shared/bytes.ts';
import { CODEC } from './teltonika-protocol.ts';
import { ioAttributes } from './teltonika-io.ts';

/**
 * AVL data as both transports carry it (Teltonika wiki "Codec", Codec 8 and
 * Codec 8 Extended): codec id, record count, records, the count again.
 * Each record: 8-byte timestamp (ms), priority, GPS element (lon, lat as
 * degrees × 10⁷ two's complement, altitude m, angle °, satellites, speed km/h),
 * IO element.
 */

export type AvlParse = { ok: true; messages: DeviceMessage[]; records: number } | { ok: false; detail: string };

const TWO_32 = 4294967296;
const PRIORITY_PANIC = 2;

const u16 = (f: Uint8Array, o: number) => (f[o] << 8) | f[o + 1];
const u32 = (f: Uint8Array, o: number) => f[o] * 0x1000000 + ((f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]);
const i32 = (f: Uint8Array, o: number) => (f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3];

/** Scratch for one record's IO values: decoding is synchronous, so one set serves every call. */
const MAX_IO = 1024;
const ioIds = new Int32Array(MAX_IO);
const ioValues = new Float64Array(MAX_IO);
let ioCount = 0;
let ioEvent = 0;
const nx: Array<[number, string]> = [];

/** One IO group of `size`-byte values: count, then (id, value) pairs. Returns the next offset, or -1 past `end`. */
function readGroup(f: Uint8Array, o: number, end: number, extended: boolean, size: 1 | 2 | 4 | 8): number {
  const idSize = extended ? 2 : 1;
  if (o + idSize > end) return -1;
  const n = extended ? u16(f, o) : f[o];
  o += idSize;
  const step = idSize + size;
  if (o + n * step > end || ioCount + n > MAX_IO) return -1;
  let c = ioCount;
  for (let k = 0; k < n; k++, o += step) {
    ioIds[c] = extended ? u16(f, o) : f[o];
    const v = o + idSize;
    ioValues[c++] = size === 1 ? f[v] : size === 2 ? u16(f, v) : size === 4 ? u32(f, v) : u32(f, v) * TWO_32 + u32(f, v + 4);
  }
  ioCount = c;
  return o;
}

/** Reads the IO element into the scratch; returns the offset after it, or -1 when it runs past `end`. */
function readIo(f: Uint8Array, o: number, end: number, extended: boolean): number {
  const idSize = extended ? 2 : 1;
  if (o + 2 * idSize > end) return -1;
  ioEvent = extended ? u16(f, o) : f[o];
  ioCount = 0;
  nx.length = 0;
  o += 2 * idSize; // event IO id, total IO count
  o = readGroup(f, o, end, extended, 1);
  if (o >= 0) o = readGroup(f, o, end, extended, 2);
  if (o >= 0) o = readGroup(f, o, end, extended, 4);
  if (o >= 0) o = readGroup(f, o, end, extended, 8);
  if (o < 0 || !extended) return o;
  // Codec 8E only: NX group of variable-length values, each with a 2-byte length.
  if (o + 2 > end) return -1;
  const n = u16(f, o);
  o += 2;
  for (let k = 0; k < n; k++) {
    if (o + 4 > end) return -1;
    const id = u16(f, o);
    const length = u16(f, o + 2);
    o += 4;
    if (o + length > end) return -1;
    nx.push([id, bytesToHex(f.subarray(o, o + length))]);
    o += length;
  }
  return o;
}

/** Parses codec id .. second record count in f[start, end). `uniqueId` is set on each position (UDP names the device in every packet). */
export function readAvlData(f: Uint8Array, start: number, end: number, uniqueId: string | undefined): AvlParse {
  if (end - start < 3) return { ok: false, detail: 'AVL data too short' };
  const codec = f[start];
  if (codec !== CODEC.codec8 && codec !== CODEC.codec8Extended) return { ok: false, detail: `codec 0x${codec.toString(16)}` };
  const extended = codec === CODEC.codec8Extended;
  const count = f[start + 1];
  if (f[end - 1] !== count) return { ok: false, detail: `record counts ${count} and ${f[end - 1]} differ` };
  const messages: DeviceMessage[] = [];
  let o = start + 2;
  const last = end - 1;
  for (let r = 0; r < count; r++) {
    if (o + 24 > last) return { ok: false, detail: `record ${r} truncated` };
    const timestampMs = u32(f, o) * TWO_32 + u32(f, o + 4);
    const lon = i32(f, o + 9) / 1e7;
    const lat = i32(f, o + 13) / 1e7;
    const satellites = f[o + 21];
    const priority = f[o + 8];
    const next = readIo(f, o + 24, last, extended);
    if (next < 0) return { ok: false, detail: `record ${r} IO element truncated` };
    const attributes = ioAttributes(priority, ioEvent, ioIds, ioValues, ioCount);
    for (let k = 0; k < nx.length; k++) attributes[`io${nx[k][0]}`] = nx[k][1];
    // A structurally sound record is passed on even with coordinates past ±90/±180 or a time past what a Date
    // holds (±8.64e15 ms: `new Date` gives an Invalid Date): ingest refuses that one fix and the packet is still
    // acknowledged, where refusing the packet had the device resend it, and everything after it, for ever.
    const position: Position = {
      kind: 'position',
      fixTime: new Date(timestampMs),
      lon,
      lat,
      // Without a fix the device repeats the last coordinates and zeroes satellites, angle and speed (wiki, GPS element).
      valid: satellites > 0,
      altitudeM: (f[o + 17] << 24) >> 16 | f[o + 18],
      courseDeg: u16(f, o + 19),
      satellites,
      speedKph: u16(f, o + 22),
      attributes,
    };
    if (uniqueId !== undefined) position.uniqueId = uniqueId;
    o = next;
    const battery = attributes.batteryPct; // IO 113
    if (typeof battery === 'number') position.batteryPct = battery;
    if (priority === PRIORITY_PANIC) {
      const alarm: Alarm = { kind: 'alarm', alarm: 'panic', position, attributes: { event: attributes.event } };
      if (uniqueId !== undefined) alarm.uniqueId = uniqueId;
      messages.push(alarm);
    } else {
      messages.push(position);
    }
  }
  if (o !== last) return { ok: false, detail: `${last - o} bytes after the last record` };
  return { ok: true, messages, records: count };
}
