import type { Attributes, Position } from '../messages.ts';
import { rondaTime } from './ronda-time.ts';

/**
 * Either a decoded position or why the item was refused (index = place in the payload array). A refused item that
 * still names an alarm (`attrs.alarm`) says so, with its time when that was readable: an alarm is kept when its fix
 * is not.
 */
export type PayloadItem = { ok: true; position: Position } | { ok: false; index: number; reason: string; alarm?: RefusedItemAlarm };

export interface RefusedItemAlarm {
  name: string;
  at?: Date;
}

const utf8 = new TextDecoder();

/** SPEC §5 `ronda/{uniqueId}/position`: one object or an array of buffered history. */
export function decodePositionPayload(payload: Uint8Array | string): PayloadItem[] {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload));
  } catch {
    return [{ ok: false, index: 0, reason: 'payload is not valid JSON' }];
  }
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) return [{ ok: false, index: 0, reason: 'empty array' }];
  return items.map((item, index) => decodeItem(item, index));
}

/** Optional numeric fields and their accepted ranges. */
const OPTIONAL_RANGES: readonly (readonly [string, number, number])[] = [
  ['speed', 0, 2000],
  ['course', 0, 360],
  ['alt', -1000, 20000],
  ['accuracy', 0, 1e6],
  ['battery', 0, 100],
  ['sats', 0, 255],
];

function decodeItem(item: unknown, index: number): PayloadItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return { ok: false, index, reason: 'item is not an object' };
  }
  const o = item as Record<string, unknown>;
  const fixTime = rondaTime(o.ts);
  const refuse = (reason: string): PayloadItem => {
    const alarm = alarmOf(o.attrs);
    return alarm === undefined ? { ok: false, index, reason } : { ok: false, index, reason, alarm: fixTime ? { name: alarm, at: fixTime } : { name: alarm } };
  };
  if (!fixTime) return refuse('ts missing, or neither ISO-8601 with a zone (2026-11-30T10:15:00-06:00) nor epoch milliseconds');
  const lat = o.lat;
  const lon = o.lon;
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) return refuse('lat missing or outside -90..90');
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) return refuse('lon missing or outside -180..180');
  for (const [key, min, max] of OPTIONAL_RANGES) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return refuse(`${key} must be a number in ${min}..${max}`);
  }
  let attributes: Attributes = {};
  if (o.attrs !== undefined && o.attrs !== null) {
    if (typeof o.attrs !== 'object' || Array.isArray(o.attrs)) return refuse('attrs must be an object');
    attributes = o.attrs as Attributes;
  }
  return {
    ok: true,
    position: {
      kind: 'position',
      fixTime,
      lat,
      lon,
      valid: o.valid === undefined ? true : o.valid === true,
      speedKph: num(o.speed),
      courseDeg: num(o.course),
      altitudeM: num(o.alt),
      accuracyM: num(o.accuracy),
      batteryPct: num(o.battery),
      satellites: num(o.sats),
      attributes,
    },
  };
}

/** `attrs.alarm` when attrs is an object and the alarm a name. */
function alarmOf(attrs: unknown): string | undefined {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return undefined;
  const alarm = (attrs as Record<string, unknown>).alarm;
  return typeof alarm === 'string' && alarm.trim() !== '' ? alarm : undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
