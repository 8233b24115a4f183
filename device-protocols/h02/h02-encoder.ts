import { writeBcdDigits, writeBcdNibbles } from '../shared/bcd.ts';
import { asciiBytes } from '../shared/bytes.ts';
import { H02_BINARY } from './h02-binary.ts';
import { KNOT_IN_KPH, utcFields } from '../shared/time.ts';

const two = (n: number) => String(n).padStart(2, '0');
const hhmmss = (d: Date) => {
  const t = utcFields(d);
  return `${two(t.hour)}${two(t.minute)}${two(t.second)}`;
};
const ddmmyy = (d: Date) => {
  const t = utcFields(d);
  return `${two(t.day)}${two(t.month)}${two(t.year2)}`;
};

function frame(fields: Array<string | number>): Uint8Array {
  return asciiBytes(`*HQ,${fields.join(',')}#`);
}

/**
 * Server → device command: `*HQ,IMEI,CMD,HHMMSS,params…#`; the time is the
 * server's send time, passed in so the encoder stays pure. E.g. S20
 * (relay), D1 (upload interval), SCF (arm); the device answers with V4.
 */
export function encodeH02Command(imei: string, command: string, sentAt: Date, params: Array<string | number> = []): Uint8Array {
  return frame([imei, command, hhmmss(sentAt), ...params]);
}

/**
 * Receipt some H02 firmwares wait for after a report (Traccar's optional
 * `h02.ack`): `*HQ,IMEI,V4,<type>,YYYYMMDDHHMMSS#` with the server's time.
 * The plain H02 document has none, so listeners send it only when configured.
 */
export function encodeH02Ack(imei: string, messageType: string, at: Date): Uint8Array {
  const t = utcFields(at);
  return frame([imei, 'V4', messageType, `${at.getUTCFullYear()}${two(t.month)}${two(t.day)}${hhmmss(at)}`]);
}

/* Device → server frames, for the simulators and round-trip tests. */

export interface H02Fix {
  time: Date;
  lat: number;
  lon: number;
  valid: boolean;
  speedKph: number;
  courseDeg: number;
  /** Negative-logic status word; 0xFFFFFBFF = no alarm, ignition off. */
  status?: number;
}

function ddmm(value: number, degreeDigits: number): string {
  const abs = Math.abs(value);
  let degrees = Math.floor(abs);
  let minutes = Number(((abs - degrees) * 60).toFixed(4));
  if (minutes >= 60) {
    degrees += 1;
    minutes = 0;
  }
  return String(degrees).padStart(degreeDigits, '0') + minutes.toFixed(4).padStart(7, '0');
}

export function encodeH02Position(imei: string, fix: H02Fix): Uint8Array {
  return frame([
    imei,
    'V1',
    hhmmss(fix.time),
    fix.valid ? 'A' : 'V',
    ddmm(fix.lat, 2),
    fix.lat < 0 ? 'S' : 'N',
    ddmm(fix.lon, 3),
    fix.lon < 0 ? 'W' : 'E',
    (fix.speedKph / KNOT_IN_KPH).toFixed(2),
    Math.round(fix.courseDeg),
    ddmmyy(fix.time),
    ((fix.status ?? 0xfffffbff) >>> 0).toString(16).toUpperCase().padStart(8, '0'),
  ]);
}

/** BCD digits of |value| as DDMM.MMMM without the point, minutes rounded to 4 decimals. */
function ddmmDigits(value: number, degreeDigits: number): string {
  return ddmm(value, degreeDigits).replace('.', '');
}

/**
 * The 32-byte binary report (layout in h02-binary.ts) for a device whose id
 * is 10 digits. `batteryLevel` is the firmware's raw battery byte. The three
 * bytes after the status word are 0xFF 00 00, as in device frames.
 */
export function encodeH02BinaryPosition(id: string, fix: H02Fix & { batteryLevel?: number }): Uint8Array {
  const out = new Uint8Array(H02_BINARY.shortLength);
  const t = utcFields(fix.time);
  out[0] = H02_BINARY.marker;
  writeBcdDigits(id, out, 1, 5);
  writeBcdNibbles(`${two(t.hour)}${two(t.minute)}${two(t.second)}${two(t.day)}${two(t.month)}${two(t.year2)}`, out, 12);
  writeBcdNibbles(ddmmDigits(fix.lat, 2), out, 24);
  out[16] = fix.batteryLevel ?? 0;
  writeBcdNibbles(ddmmDigits(fix.lon, 3), out, 34);
  out[21] |= (fix.valid ? 0x02 : 0) | (fix.lat >= 0 ? 0x04 : 0) | (fix.lon >= 0 ? 0x08 : 0);
  const knots = Math.min(999, Math.round(fix.speedKph / KNOT_IN_KPH));
  writeBcdNibbles(String(knots).padStart(3, '0') + String(Math.round(fix.courseDeg) % 360).padStart(3, '0'), out, 44);
  new DataView(out.buffer).setUint32(25, (fix.status ?? 0xfffffbff) >>> 0);
  out[29] = 0xff;
  return out;
}

export interface H02Link {
  time: Date;
  gsmSignal: number;
  satellites: number;
  batteryPct: number;
  steps?: number;
}

/** LINK heartbeat: time, GSM signal, satellites, battery %, steps, turnovers, date, status. */
export function encodeH02Heartbeat(imei: string, link: H02Link): Uint8Array {
  return frame([imei, 'LINK', hhmmss(link.time), link.gsmSignal, link.satellites, link.batteryPct, link.steps ?? 0, 0, ddmmyy(link.time), 'FFFFFBFF']);
}

/** V4: the device confirming a command, `*HQ,IMEI,V4,CMD,params…,HHMMSS…#`. */
export function encodeH02CommandReply(imei: string, command: string, answeredAt: Date, params: Array<string | number> = []): Uint8Array {
  return frame([imei, 'V4', command, ...params, hhmmss(answeredAt)]);
}
