import { writeBcdDigits } from '../shared/bcd.ts';
import { asciiBytes } from '../shared/bytes.ts';
import { crc16X25 } from '../shared/crc.ts';
import { utcFields } from '../shared/time.ts';
import {
  COORDINATE_SCALE,
  COURSE_MASK,
  FLAG_DIFFERENTIAL,
  FLAG_FIXED,
  FLAG_NORTH,
  FLAG_WEST,
  GT06_PROTOCOL,
} from './gt06-protocol.ts';

/**
 * Wraps content in a GT06 packet: 0x7878 with a 1-byte length when it fits
 * and `longHeader` is not asked for, else 0x7979 with a 2-byte length (GT06E
 * protocol §1), CRC-ITU over length..serial, stop 0x0D0A.
 */
export function encodeGt06Packet(protocolNumber: number, content: Uint8Array, serial: number, longHeader = false): Uint8Array {
  const length = 1 + content.length + 4;
  const long = longHeader || length > 0xff;
  const head = long ? 4 : 3;
  const out = new Uint8Array(head + length + 2);
  out[0] = out[1] = long ? 0x79 : 0x78;
  if (long) {
    out[2] = length >>> 8;
    out[3] = length & 0xff;
  } else {
    out[2] = length;
  }
  out[head] = protocolNumber;
  out.set(content, head + 1);
  let o = head + 1 + content.length;
  out[o++] = (serial >>> 8) & 0xff;
  out[o++] = serial & 0xff;
  const crc = crc16X25(out, 2, o);
  out[o++] = crc >>> 8;
  out[o++] = crc & 0xff;
  out[o++] = 0x0d;
  out[o] = 0x0a;
  return out;
}

/**
 * Server response to login / status / alarm (and location, for devices that expect it): same protocol number, empty
 * content, the device's serial, under the header of the packet it answers: a 0x7979 packet gets 0x7979 and a 2-byte
 * length, as Traccar answers one, though an empty answer would fit the short header.
 */
export function encodeGt06Ack(protocolNumber: number, serial: number, longHeader = false): Uint8Array {
  return encodeGt06Packet(protocolNumber, EMPTY, serial, longHeader);
}
const EMPTY = new Uint8Array(0);

/**
 * Online command 0x80 (GT06N §5.5.1): command length (server flag + text),
 * 4-byte server flag echoed back in the device's 0x15 reply, ASCII command
 * (e.g. "WHERE#", "DYD,000000#"), language 0x0002 (English).
 */
export function encodeGt06Command(text: string, serverFlag: number, serial: number): Uint8Array {
  const command = asciiBytes(text);
  if (command.length > 0xff - 4) throw new RangeError('GT06 command too long');
  const content = new Uint8Array(1 + 4 + command.length + 2);
  const view = new DataView(content.buffer);
  content[0] = 4 + command.length;
  view.setUint32(1, serverFlag >>> 0);
  content.set(command, 5);
  view.setUint16(5 + command.length, 0x0002);
  return encodeGt06Packet(GT06_PROTOCOL.command, content, serial);
}

/* Device → server frames, for the simulators and round-trip tests. */

export function encodeGt06Login(imei: string, serial: number): Uint8Array {
  const content = new Uint8Array(8);
  writeBcdDigits(imei, content, 0, 8);
  return encodeGt06Packet(GT06_PROTOCOL.login, content, serial);
}

export interface Gt06Cell {
  mcc: number;
  mnc: number;
  lac: number;
  cellId: number;
}

export interface Gt06Fix {
  time: Date;
  lat: number;
  lon: number;
  valid: boolean;
  speedKph: number;
  courseDeg: number;
  satellites: number;
  differential?: boolean;
  cell?: Gt06Cell;
}

function writeGps(out: Uint8Array, o: number, fix: Gt06Fix): number {
  const t = utcFields(fix.time);
  out[o] = t.year2;
  out[o + 1] = t.month;
  out[o + 2] = t.day;
  out[o + 3] = t.hour;
  out[o + 4] = t.minute;
  out[o + 5] = t.second;
  out[o + 6] = 0xc0 | Math.min(fix.satellites, 15);
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(o + 7, Math.round(Math.abs(fix.lat) * COORDINATE_SCALE));
  view.setUint32(o + 11, Math.round(Math.abs(fix.lon) * COORDINATE_SCALE));
  out[o + 15] = Math.min(Math.round(fix.speedKph), 255);
  let flags = Math.round(fix.courseDeg) % 360 & COURSE_MASK;
  if (fix.lat >= 0) flags |= FLAG_NORTH;
  if (fix.lon < 0) flags |= FLAG_WEST;
  if (fix.valid) flags |= FLAG_FIXED;
  if (fix.differential) flags |= FLAG_DIFFERENTIAL;
  view.setUint16(o + 16, flags);
  return o + 18;
}

function writeCell(out: Uint8Array, o: number, cell: Gt06Cell | undefined): number {
  const c = cell ?? { mcc: 0, mnc: 0, lac: 0, cellId: 0 };
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint16(o, c.mcc);
  out[o + 2] = c.mnc;
  view.setUint16(o + 3, c.lac);
  out[o + 5] = (c.cellId >>> 16) & 0xff;
  view.setUint16(o + 6, c.cellId & 0xffff);
  return o + 8;
}

export interface Gt06PositionOptions {
  /** 0x12 (GT06N) or 0x22 (GT06E, adds ACC, upload mode and the real-time/re-upload byte). */
  protocolNumber?: typeof GT06_PROTOCOL.gpsLbs | typeof GT06_PROTOCOL.gpsLbs2;
  ignition?: boolean;
  /** Re-uploaded from the device's buffer (0x22 only). */
  buffered?: boolean;
}

export function encodeGt06Position(fix: Gt06Fix, serial: number, options: Gt06PositionOptions = {}): Uint8Array {
  const protocolNumber = options.protocolNumber ?? GT06_PROTOCOL.gpsLbs;
  const extended = protocolNumber === GT06_PROTOCOL.gpsLbs2;
  const content = new Uint8Array(extended ? 29 : 26);
  let o = writeGps(content, 0, fix);
  o = writeCell(content, o, fix.cell);
  if (extended) {
    content[o] = options.ignition ? 1 : 0;
    content[o + 1] = 0x00;
    content[o + 2] = options.buffered ? 1 : 0;
  }
  return encodeGt06Packet(protocolNumber, content, serial);
}

/** Terminal status (GT06N §5.3.1.11–13): information byte bits, voltage level 0–6, GSM signal 0–4. */
export interface Gt06Status {
  armed: boolean;
  ignition: boolean;
  charging: boolean;
  gpsTracking: boolean;
  fuelCut: boolean;
  voltageLevel: number;
  gsmSignal: number;
}

function writeStatus(out: Uint8Array, o: number, status: Gt06Status, alarmCode: number): void {
  out[o] =
    (status.armed ? 0x01 : 0) |
    (status.ignition ? 0x02 : 0) |
    (status.charging ? 0x04 : 0) |
    (status.gpsTracking ? 0x40 : 0) |
    (status.fuelCut ? 0x80 : 0);
  out[o + 1] = status.voltageLevel;
  out[o + 2] = status.gsmSignal;
  out[o + 3] = alarmCode;
  out[o + 4] = 0x02;
}

export function encodeGt06Heartbeat(status: Gt06Status, serial: number): Uint8Array {
  const content = new Uint8Array(5);
  writeStatus(content, 0, status, 0);
  return encodeGt06Packet(GT06_PROTOCOL.status, content, serial);
}

/** Alarm packet 0x16 (GT06N §5.3): GPS, LBS with its own length byte, status with the alarm code. */
export function encodeGt06Alarm(fix: Gt06Fix, status: Gt06Status, alarmCode: number, serial: number): Uint8Array {
  const content = new Uint8Array(18 + 9 + 5);
  let o = writeGps(content, 0, fix);
  content[o++] = 9;
  o = writeCell(content, o, fix.cell);
  writeStatus(content, o, status, alarmCode);
  return encodeGt06Packet(GT06_PROTOCOL.alarm, content, serial);
}

/** The device's answer to an online command (0x15, GT06N §5.5.2): length, the server flag it was sent, text, language. */
export function encodeGt06CommandResponse(text: string, serverFlag: number, serial: number): Uint8Array {
  const body = asciiBytes(text);
  if (body.length > 0xff - 4) throw new RangeError('GT06 command response too long for 0x15');
  const content = new Uint8Array(1 + 4 + body.length + 2);
  const view = new DataView(content.buffer);
  content[0] = 4 + body.length;
  view.setUint32(1, serverFlag >>> 0);
  content.set(body, 5);
  view.setUint16(5 + body.length, 0x0002);
  return encodeGt06Packet(GT06_PROTOCOL.stringInfo, content, serial);
}
