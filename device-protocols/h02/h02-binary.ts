import { protocolError, type DecodeResult } from '../codec.ts';
import type { Attributes, DeviceMessage, Position } from '../messages.ts';
import { readBcdDigits, readBcdNibbles } from '../shared/bcd.ts';
import { KNOT_IN_KPH, utcFromFields } from '../shared/time.ts';
import type { H02State } from './h02-decoder.ts';
import { applyH02Status } from './h02-status.ts';

/**
 * H02 binary position report, the form some firmwares send instead of the
 * `*HQ,…,V1,…#` text. No public protocol document describes it; the layout
 * below was read off Traccar's H02 decoder and its test frames (Apache-2.0,
 * read for reference, no code taken) and checked against device frames
 * whose text twins carry the same fix (see h02-binary.test.ts):
 *
 *   byte  0      '$'
 *         1–5    device id, 10 BCD digits (the id of the device's text frames)
 *         6–11   HHMMSS DDMMYY, BCD, UTC
 *         12–15  latitude DD MM.MMMM, BCD
 *         16     battery level (firmware scale, kept raw)
 *         17–21  longitude DDD MM.MMMM, BCD, then a flag nibble:
 *                bit 1 fix valid, bit 2 north, bit 3 east
 *         22–24  speed, 3 BCD digits, knots; course, 3 BCD digits, degrees
 *         25–28  vehicle status word, negative logic as in the text form
 *         29–31  0xFF and two bytes no source explains (not read)
 *   A 45-byte variant appends 13 bytes of cell data (not read).
 */
export const H02_BINARY = { marker: 0x24, shortLength: 32, longLength: 45 } as const;

const FLAG_VALID = 0x02;
const FLAG_NORTH = 0x04;
const FLAG_EAST = 0x08;

/** Nibble ranges that must be decimal digits: id to latitude, longitude, speed and course. */
const BCD_NIBBLES: ReadonlyArray<readonly [first: number, count: number]> = [
  [2, 30],
  [34, 9],
  [44, 6],
];

/**
 * Whether the bytes from `start` (up to `end`, at most one short frame) can
 * begin a binary report: cheap enough for the framer to run on every '$'
 * it meets, so a stray '$' in garbage does not swallow the frames after it.
 */
export function couldBeH02Binary(buf: Uint8Array, start: number, end: number): boolean {
  if (buf[start] !== H02_BINARY.marker) return false;
  const availableNibbles = 2 * Math.min(end - start, H02_BINARY.shortLength);
  for (const [first, count] of BCD_NIBBLES) {
    const last = Math.min(first + count, availableNibbles);
    for (let n = first; n < last; n++) {
      const b = buf[start + (n >> 1)];
      if ((n & 1 ? b & 0x0f : b >>> 4) > 9) return false;
    }
  }
  return true;
}

const u32 = (f: Uint8Array, o: number) => f[o] * 0x1000000 + ((f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]);

export function decodeH02Binary(frame: Uint8Array, state: H02State): DecodeResult<H02State> {
  if (frame.length < H02_BINARY.shortLength || !couldBeH02Binary(frame, 0, frame.length)) {
    return protocolError('h02', state, 'malformed', `not a binary report (${frame.length} bytes)`);
  }
  // Decimal digits (couldBeH02Binary) that name no real date give an Invalid Date, as in the text form: ingest refuses the fix.
  const fixTime = utcFromFields(readBcdNibbles(frame, 22, 2), readBcdNibbles(frame, 20, 2), readBcdNibbles(frame, 18, 2), readBcdNibbles(frame, 12, 2), readBcdNibbles(frame, 14, 2), readBcdNibbles(frame, 16, 2)) ?? new Date(NaN);
  const latMinutes = readBcdNibbles(frame, 26, 6); // MM.MMMM × 10⁴
  const lonMinutes = readBcdNibbles(frame, 37, 6);
  if (latMinutes >= 600_000 || lonMinutes >= 600_000) return protocolError('h02', state, 'malformed', 'binary report minutes over 60');
  const flags = frame[21] & 0x0f;
  const lat = (readBcdNibbles(frame, 24, 2) + latMinutes / 600_000) * (flags & FLAG_NORTH ? 1 : -1);
  const lon = (readBcdNibbles(frame, 34, 3) + lonMinutes / 600_000) * (flags & FLAG_EAST ? 1 : -1);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return protocolError('h02', state, 'malformed', 'binary report coordinate out of range');

  const uniqueId = readBcdDigits(frame, 1, 5) as string; // checked by couldBeH02Binary
  const known = uniqueId === state.uniqueId;
  const messages: DeviceMessage[] = known ? [] : [{ kind: 'login', uniqueId }];
  const attributes: Attributes = { batteryLevel: frame[16] };
  const position: Position = {
    kind: 'position',
    uniqueId,
    fixTime,
    lat,
    lon,
    valid: (flags & FLAG_VALID) !== 0,
    speedKph: readBcdNibbles(frame, 44, 3) * KNOT_IN_KPH,
    courseDeg: readBcdNibbles(frame, 47, 3),
    attributes,
  };
  const alarm = applyH02Status(u32(frame, 25), attributes);
  messages.push(alarm ? { kind: 'alarm', uniqueId, alarm, position, attributes: { status: attributes.status as number } } : position);
  return { ok: true, messages, state: known ? state : { uniqueId } };
}
