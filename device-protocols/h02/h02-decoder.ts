import { protocolError, type DecodeResult } from '../codec.ts';
import type { Alarm, Attributes, DeviceMessage, Position } from '../messages.ts';
import { bytesToAscii } from '../shared/bytes.ts';
import { KNOT_IN_KPH, utcFromFields } from '../shared/time.ts';
import { decodeH02Binary, H02_BINARY } from './h02-binary.ts';
import { FieldCursor } from './h02-fields.ts';
import { applyH02Status } from './h02-status.ts';

/**
 * H02 text protocol (the "H02 GPS tracker communication protocol" shared
 * by Sinotrack, Coban-H02 and many unbranded units):
 *   *HQ,IMEI,V1,HHMMSS,A,DDMM.MMMM,N,DDDMM.MMMM,E,knots,course,DDMMYY,status[,mcc,mnc,lac,cid]#
 * plus V4 (the device's answer to a command), NBR (cell towers only),
 * LINK / XT / HTBT (heartbeats). Every frame names its device, the binary
 * form too.
 */

export interface H02State {
  /** The id of the last frame: the first frame of a connection, or a new id, also yields a Login. */
  uniqueId?: string;
}

export function initialH02State(): H02State {
  return {};
}

type Result = DecodeResult<H02State>;

/** Module scratch: decoding is synchronous, so one cursor serves every call without allocating. */
const f = new FieldCursor();

const F_ID = 1;
const F_TYPE = 2;

/** One frame from the H02 framer: a `*…#` text frame or a `$` binary report (h02-binary.ts). */
export function decodeH02(frame: Uint8Array, state: H02State): Result {
  if (frame[0] === H02_BINARY.marker) return decodeH02Binary(frame, state);
  if (frame.length < 8 || frame[0] !== 0x2a || frame[frame.length - 1] !== 0x23) {
    return protocolError('h02', state, 'malformed', 'not a *…# text frame');
  }
  if (!f.split(frame, 1, frame.length - 1) || f.count < 3) return protocolError('h02', state, 'malformed', `${f.count} fields`);
  const idLength = f.length(F_ID);
  if (idLength < 5 || idLength > 20 || Number.isNaN(f.int(F_ID))) return protocolError('h02', state, 'malformed', 'no device id');

  const known = state.uniqueId !== undefined && f.is(F_ID, state.uniqueId);
  const uniqueId = known ? (state.uniqueId as string) : f.text(F_ID);
  const next = known ? state : { uniqueId };
  const messages: DeviceMessage[] = known ? [] : [{ kind: 'login', uniqueId }];

  if (f.is(F_TYPE, 'V1') || f.is(F_TYPE, 'V6') || f.is(F_TYPE, 'V8')) {
    // V6 (with the SIM's ICCID) and V8 share V1's first thirteen fields; only V1 and V6 follow them with the serving cell.
    const message = readV1(uniqueId, !f.is(F_TYPE, 'V8'));
    if (typeof message === 'string') return protocolError('h02', next, 'malformed', message);
    messages.push(message);
  } else if (f.is(F_TYPE, 'V4')) {
    messages.push({ kind: 'commandAck', uniqueId, text: bytesToAscii(frame, f.starts[3], frame.length - 1) });
  } else if (f.is(F_TYPE, 'LINK')) {
    // LINK,HHMMSS,GSM signal,satellites,battery %,steps,turnovers,DDMMYY,status
    const attributes: Attributes = {};
    if (f.count > 4 && !Number.isNaN(f.int(4))) attributes.gsmSignal = f.int(4);
    if (f.count > 5 && !Number.isNaN(f.int(5))) attributes.satellites = f.int(5);
    if (f.count > 7 && !Number.isNaN(f.int(7))) attributes.steps = f.int(7);
    const battery = f.count > 6 ? f.int(6) : NaN;
    messages.push(Number.isNaN(battery) ? { kind: 'heartbeat', uniqueId, attributes } : { kind: 'heartbeat', uniqueId, batteryPct: battery, attributes });
  } else if (f.is(F_TYPE, 'NBR')) {
    // NBR,HHMMSS,MCC,MNC,TA,count,LAC,CID,RSSI,…,DDMMYY,status: cell towers only, no coordinates.
    const attributes: Attributes = {};
    if (f.count > 9) {
      attributes.mcc = f.int(4);
      attributes.mnc = f.int(5);
      attributes.lac = f.int(8);
      attributes.cellId = f.int(9);
      if (f.count > 10) attributes.rssi = f.int(10);
      for (const key in attributes) if (Number.isNaN(attributes[key])) return protocolError('h02', next, 'malformed', `NBR ${key}`);
    }
    messages.push({ kind: 'heartbeat', uniqueId, attributes });
  } else if (f.is(F_TYPE, 'HTBT')) {
    // HTBT[,battery %]
    const battery = f.count > 3 ? f.int(3) : NaN;
    messages.push(Number.isNaN(battery) ? { kind: 'heartbeat', uniqueId, attributes: {} } : { kind: 'heartbeat', uniqueId, batteryPct: battery, attributes: {} });
  } else if (f.is(F_TYPE, 'XT')) {
    messages.push({ kind: 'heartbeat', uniqueId, attributes: {} });
  } else {
    return protocolError('h02', next, 'unsupported', `message type ${f.text(F_TYPE)}`);
  }
  return { ok: true, messages, state: next };
}

/**
 * NMEA-style DDMM.MMMM / DDDMM.MMMM (leading zeros are sometimes dropped:
 * "38.6508" is 0°38.6508'), or the "-DD-MM.MMMM" form some firmwares send,
 * which is negative whatever the hemisphere letter says. Returns degrees
 * without the hemisphere applied, NaN when minutes are not below 60;
 * `negative` reports the dash form.
 */
let negative = false;
function coordinate(i: number): number {
  negative = false;
  const dash = f.secondDash(i);
  if (dash > 0) {
    negative = true;
    const minutes = f.decimalRange(dash + 1, f.ends[i]);
    return minutes >= 0 && minutes < 60 ? f.decimalRange(f.starts[i] + 1, dash) + minutes / 60 : NaN;
  }
  return f.nmea(i);
}

/**
 * Coordinate field i followed by its hemisphere letter, which some firmwares
 * send in lower case; any other letter makes the field NaN (malformed).
 */
function signedCoordinate(i: number, positiveLetter: number, negativeLetter: number): number {
  const degrees = coordinate(i);
  const letter = f.length(i + 1) === 1 ? f.char(i + 1) & ~0x20 : -1; // ASCII upper case
  if (letter !== positiveLetter && letter !== negativeLetter) return NaN;
  return negative || letter === negativeLetter ? -degrees : degrees;
}

function readV1(uniqueId: string, withCell: boolean): Position | Alarm | string {
  if (f.count < 12) return `V1 with ${f.count} fields`;
  const year2 = f.pair(11, 2);
  const month = f.pair(11, 1);
  const day = f.pair(11, 0);
  const hour = f.pair(3, 0);
  const minute = f.pair(3, 1);
  const second = f.pair(3, 2);
  if (Number.isNaN(year2 + month + day + hour + minute + second)) return 'V1 date or time'; // a field that is not two digits
  // Digits that name no real date (31 Feb) give an Invalid Date, as in GT06: ingest refuses that fix, not the frame.
  const fixTime = utcFromFields(year2, month, day, hour, minute, second) ?? new Date(NaN);
  const lat = signedCoordinate(5, 0x4e, 0x53); // N, S
  const lon = signedCoordinate(7, 0x45, 0x57); // E, W
  const knots = f.decimal(9);
  const course = f.length(10) === 0 ? 0 : f.decimal(10);
  if (Number.isNaN(lat) || Number.isNaN(lon)) return 'V1 coordinate or hemisphere';
  if (Number.isNaN(knots) || Number.isNaN(course)) return 'V1 number field';
  // Degrees past ±90/±180 in a well-formed frame are passed on, as GT06 and Teltonika do: ingest refuses that fix with
  // its reason (position-filter.ts) instead of this frame counting as a protocol error.
  const attributes: Attributes = {};
  const position: Position = {
    kind: 'position',
    uniqueId,
    fixTime,
    lat,
    lon,
    valid: f.char(4) === 0x41, // 'A'
    speedKph: knots * KNOT_IN_KPH,
    courseDeg: course,
    attributes,
  };
  let alarm: string | undefined;
  if (f.count > 12 && f.length(12) > 0) {
    const status = f.hex(12);
    if (Number.isNaN(status)) return 'V1 status word';
    alarm = applyH02Status(status, attributes);
  }
  if (withCell && f.count > 16) {
    attributes.mcc = f.int(13);
    attributes.mnc = f.int(14);
    attributes.lac = f.int(15);
    attributes.cellId = f.int(16);
    if (Number.isNaN(attributes.mcc) || Number.isNaN(attributes.mnc) || Number.isNaN(attributes.lac) || Number.isNaN(attributes.cellId)) {
      return 'V1 cell fields';
    }
  }
  return alarm ? { kind: 'alarm', uniqueId, alarm, position, attributes: { status: attributes.status as number } } : position;
}
