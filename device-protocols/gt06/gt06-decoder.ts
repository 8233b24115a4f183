import { protocolError, type DecodeResult } from '../codec.ts';
import type { Alarm, Attributes, DeviceMessage, Position } from '../messages.ts';
import { readBcdDigits } from '../shared/bcd.ts';
import { bytesToAscii } from '../shared/bytes.ts';
import { crc16X25 } from '../shared/crc.ts';
import { utcFromFields } from '../shared/time.ts';
import { encodeGt06Ack } from './gt06-encoder.ts';
import {
  COORDINATE_SCALE,
  COURSE_MASK,
  FLAG_DIFFERENTIAL,
  FLAG_FIXED,
  FLAG_NORTH,
  FLAG_WEST,
  GT06_ALARMS,
  GT06_PROTOCOL,
  voltageLevelToPct,
} from './gt06-protocol.ts';

export interface Gt06State {
  /** IMEI from the login packet; every later packet belongs to it. */
  uniqueId?: string;
  /** Answer location packets too: some firmwares resend them until acknowledged. */
  ackPositions: boolean;
}

export function initialGt06State(options: { ackPositions?: boolean } = {}): Gt06State {
  return { ackPositions: options.ackPositions ?? false };
}

type Result = DecodeResult<Gt06State>;

const u16 = (f: Uint8Array, o: number) => (f[o] << 8) | f[o + 1];
const u24 = (f: Uint8Array, o: number) => (f[o] << 16) | (f[o + 1] << 8) | f[o + 2];
const u32 = (f: Uint8Array, o: number) => f[o] * 0x1000000 + ((f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]);

/**
 * Date, satellites, lat, lon, speed, course/status: 18 bytes (GT06N §5.2.1.4–9).
 * A CRC-valid fix with an impossible date or coordinate is still passed on
 * (the date as an Invalid Date): the frame gets its ACK and ingest refuses
 * only that fix, where a frame error would leave the device resending it.
 */
function readGps(f: Uint8Array, o: number, attributes: Attributes): Position {
  const flags = u16(f, o + 16);
  const lat = u32(f, o + 7) / COORDINATE_SCALE;
  const lon = u32(f, o + 11) / COORDINATE_SCALE;
  if (flags & FLAG_DIFFERENTIAL) attributes.differential = true;
  return {
    kind: 'position',
    fixTime: utcFromFields(f[o], f[o + 1], f[o + 2], f[o + 3], f[o + 4], f[o + 5]) ?? new Date(NaN),
    lat: flags & FLAG_NORTH ? lat : -lat,
    lon: flags & FLAG_WEST ? -lon : lon,
    valid: (flags & FLAG_FIXED) !== 0,
    speedKph: f[o + 15],
    courseDeg: flags & COURSE_MASK,
    satellites: f[o + 6] & 0x0f,
    attributes,
  };
}

/** MCC, MNC, LAC, cell id (GT06N §5.2.1.10); an MCC with its top bit set announces a 2-byte MNC (GT06E). Returns the next offset. */
function readCell(f: Uint8Array, o: number, attributes: Attributes): number {
  const mcc = u16(f, o);
  const wideMnc = (mcc & 0x8000) !== 0;
  attributes.mcc = mcc & 0x7fff;
  attributes.mnc = wideMnc ? u16(f, o + 2) : f[o + 2];
  o += wideMnc ? 4 : 3;
  attributes.lac = u16(f, o);
  attributes.cellId = u24(f, o + 2);
  return o + 5;
}

/** Terminal information, voltage level, GSM signal (GT06N §5.3.1.11–13). */
function readStatus(f: Uint8Array, o: number, attributes: Attributes): number {
  const info = f[o];
  attributes.armed = (info & 0x01) !== 0;
  attributes.ignition = (info & 0x02) !== 0;
  attributes.charging = (info & 0x04) !== 0;
  attributes.gpsTracking = (info & 0x40) !== 0;
  attributes.fuelCut = (info & 0x80) !== 0;
  attributes.voltageLevel = f[o + 1];
  attributes.gsmSignal = f[o + 2];
  return voltageLevelToPct(f[o + 1]);
}

function ok(state: Gt06State, messages: DeviceMessage[], reply?: Uint8Array): Result {
  return reply ? { ok: true, messages, reply, state } : { ok: true, messages, state };
}

/** Decodes one whole frame from the GT06 framer. */
export function decodeGt06(frame: Uint8Array, state: Gt06State): Result {
  const long = frame[0] === 0x79;
  const head = long ? 4 : 3;
  if (frame.length < head + 7) return protocolError('gt06', state, 'length', `frame of ${frame.length} bytes`);
  const declared = long ? u16(frame, 2) : frame[2];
  if (declared + head + 2 !== frame.length) {
    return protocolError('gt06', state, 'length', `length field ${declared} for a ${frame.length}-byte frame`);
  }
  const crcAt = frame.length - 4;
  if (crc16X25(frame, 2, crcAt) !== u16(frame, crcAt)) return protocolError('gt06', state, 'checksum', 'CRC-ITU mismatch');
  const protocolNumber = frame[head];
  const o = head + 1;
  const end = frame.length - 6;
  const serial = u16(frame, end);
  const size = end - o;

  if (protocolNumber === GT06_PROTOCOL.login) {
    const digits = size >= 8 ? readBcdDigits(frame, o, 8) : null;
    if (!digits) return protocolError('gt06', state, 'malformed', 'login without a BCD IMEI', true);
    const uniqueId = digits.slice(1);
    return ok({ ...state, uniqueId }, [{ kind: 'login', uniqueId }], encodeGt06Ack(protocolNumber, serial, long));
  }
  if (state.uniqueId === undefined) return protocolError('gt06', state, 'notLoggedIn', `packet 0x${hex(protocolNumber)} before login`, true);

  switch (protocolNumber) {
    case GT06_PROTOCOL.gps:
    case GT06_PROTOCOL.gpsLbs:
    case GT06_PROTOCOL.gpsLbs2: {
      const needed = protocolNumber === GT06_PROTOCOL.gps ? 18 : protocolNumber === GT06_PROTOCOL.gpsLbs ? 26 : 29;
      if (size < needed) return protocolError('gt06', state, 'length', `location content of ${size} bytes`);
      const attributes: Attributes = {};
      const position = readGps(frame, o, attributes);
      if (protocolNumber !== GT06_PROTOCOL.gps) {
        let p = readCell(frame, o + 18, attributes);
        if (protocolNumber === GT06_PROTOCOL.gpsLbs2 && p + 3 <= end) {
          // ACC, data upload mode, then "GPS real-time re-upload": 0 real time, 1 re-upload (GT06E §3.2).
          attributes.ignition = frame[p] !== 0;
          if (frame[p + 2] === 1) position.buffered = true;
          p += 3;
          if (p + 4 <= end) attributes.odometerM = u32(frame, p);
        }
      }
      return ok(state, [position], state.ackPositions ? encodeGt06Ack(protocolNumber, serial, long) : undefined);
    }
    case GT06_PROTOCOL.status: {
      if (size < 3) return protocolError('gt06', state, 'length', `status content of ${size} bytes`);
      const attributes: Attributes = {};
      const batteryPct = readStatus(frame, o, attributes);
      return ok(state, [{ kind: 'heartbeat', batteryPct, attributes }], encodeGt06Ack(protocolNumber, serial, long));
    }
    case GT06_PROTOCOL.alarm:
    case GT06_PROTOCOL.alarm2:
      return decodeAlarm(frame, o, end, encodeGt06Ack(protocolNumber, serial, long), state);
    case GT06_PROTOCOL.stringInfo: {
      const length = frame[o];
      if (length < 4 || o + 1 + length > end) return protocolError('gt06', state, 'length', 'command response length');
      return ok(state, [{ kind: 'commandAck', text: bytesToAscii(frame, o + 5, o + 1 + length) }]);
    }
    case GT06_PROTOCOL.stringInfoLong: {
      if (size < 5) return protocolError('gt06', state, 'length', 'command response length');
      // Encoding byte: 1 ASCII, 2 UTF-16BE (GT06E §6.2).
      const text = frame[o + 4] === 2 ? utf16be(frame, o + 5, end) : bytesToAscii(frame, o + 5, end);
      return ok(state, [{ kind: 'commandAck', text }]);
    }
    default:
      return protocolError('gt06', state, 'unsupported', `protocol number 0x${hex(protocolNumber)}`);
  }
}

/** 0x16/0x26: GPS, LBS prefixed by its length, status with the alarm code (GT06N §5.3). */
function decodeAlarm(f: Uint8Array, o: number, end: number, reply: Uint8Array, state: Gt06State): Result {
  if (end - o < 18 + 1 + 5) return protocolError('gt06', state, 'length', `alarm content of ${end - o} bytes`);
  const attributes: Attributes = {};
  const position = readGps(f, o, attributes);
  const lbsLength = f[o + 18];
  if (lbsLength >= 9) readCell(f, o + 19, attributes);
  const s = o + 18 + Math.max(lbsLength, 1);
  if (s + 4 > end) return protocolError('gt06', state, 'length', 'alarm without status');
  const statusAttributes: Attributes = {};
  position.batteryPct = readStatus(f, s, statusAttributes);
  Object.assign(attributes, statusAttributes);
  const code = f[s + 3];
  if (code === 0) return ok(state, [position], reply);
  const alarm: Alarm = { kind: 'alarm', alarm: GT06_ALARMS[code] ?? `unknown:0x${hex(code)}`, position, attributes: statusAttributes };
  return ok(state, [alarm], reply);
}

function utf16be(f: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i + 1 < end; i += 2) out += String.fromCharCode(u16(f, i));
  return out;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
