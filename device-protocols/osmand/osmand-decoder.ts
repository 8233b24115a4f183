import type { ProtocolError } from '../codec.ts';
import type { Attributes, DeviceMessage, Position } from '../messages.ts';
import { instantOfIsoMatch, KNOT_IN_KPH } from '../shared/time.ts';

/**
 * OsmAnd / Traccar Client over HTTP (Traccar "OsmAnd protocol" page):
 * query or form parameters (`id`, `lat`, `lon`, `timestamp`, `speed` in
 * knots, `bearing`/`heading`, `altitude`, `accuracy`, `batt`, `hdop`, …), or
 * the JSON body of the current Traccar Client app
 * (`{ device_id, location: { timestamp, coords: {…}, battery: {…}, … } }`,
 * speed in m/s, battery level 0–1; `location` may be an array when batched).
 * Input is the request as the listener received it; `receivedAt` stands in
 * for a missing timestamp so the codec never reads the clock.
 */
export interface OsmAndRequest {
  method: string;
  /** The query string, with or without the leading '?'. */
  query: string;
  body?: string | Uint8Array;
  contentType?: string;
  receivedAt?: Date;
}

/**
 * `rejected`: the fixes that could not be read (their index in a JSON batch's `location`). A request that names its
 * device but has no readable fix is a `login` with everything rejected: answered 400, Traccar Client would resend it
 * before anything newer, for ever (Traccar answers 200 there too).
 */
export type OsmAndResult = { ok: true; messages: DeviceMessage[]; rejected?: OsmAndRejected[] } | { ok: false; error: ProtocolError };
export interface OsmAndRejected {
  index: number;
  reason: string;
}

const fail = (code: ProtocolError['code'], detail: string): OsmAndResult => ({ ok: false, error: { protocol: 'osmand', code, detail, fatal: false } });
const unread = (uniqueId: string, rejected: OsmAndRejected[]): OsmAndResult => ({ ok: true, messages: [{ kind: 'login', uniqueId }], rejected });

export function decodeOsmAnd(request: OsmAndRequest): OsmAndResult {
  const body = typeof request.body === 'string' ? request.body : request.body ? new TextDecoder().decode(request.body) : '';
  const type = (request.contentType ?? '').split(';')[0].trim().toLowerCase();
  const trimmed = body.trimStart();
  if (type === 'application/json' || (type === '' && (trimmed.startsWith('{') || trimmed.startsWith('[')))) {
    return decodeJson(trimmed, request.receivedAt);
  }
  const params = new URLSearchParams(request.query.startsWith('?') ? request.query.slice(1) : request.query);
  if (request.method.toUpperCase() === 'POST' && trimmed) {
    if (type !== '' && type !== 'application/x-www-form-urlencoded' && type !== 'text/plain') return fail('unsupported', `content type ${type}`);
    for (const [key, value] of new URLSearchParams(trimmed)) params.set(key, value);
  }
  return decodeParams(params, request.receivedAt);
}

const EPOCH = /^\d+$/;
/** ISO-8601 date and time ('T' or a space between; seconds and fraction optional), then 'Z', ±HH, ±HH:MM (the offsets Traccar's Java ISO parser reads) or no zone. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2})(?::(\d{2}))?)?$/i;

/**
 * The forms Traccar Client, OsmAnd and Traccar's osmand decoder use: epoch
 * seconds (Traccar Client's query), epoch milliseconds (OsmAnd; values past
 * 10¹⁰), ISO-8601 (the JSON body of the current Traccar Client) and
 * "yyyy-MM-dd HH:mm:ss". Anything else, or a date no calendar has (31 Feb),
 * is null: `Date.parse` would read "foo 12" as 2001-12-01.
 */
export function parseTimestamp(text: string): Date | null {
  const t = text.trim();
  if (EPOCH.test(t)) {
    const n = Number(t);
    const date = new Date(n > 1e10 ? n : n * 1000);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const m = DATE_TIME.exec(t);
  // A time with no zone is read as UTC, so the fix does not move with the zone the server runs in (`Date.parse` read
  // a 'T' form in it); the space form was always read so here. Traccar's decoder refuses a 'T' form without an
  // offset and reads the space form in its JVM's default zone. Java's parser takes offsets up to ±18:00.
  return m ? instantOfIsoMatch(m, 18) : null;
}

const HANDLED = new Set(['id', 'deviceid', 'lat', 'lon', 'location', 'timestamp', 'speed', 'bearing', 'heading', 'altitude', 'accuracy', 'batt', 'valid', 'alarm', 'charge']);

function num(params: URLSearchParams, key: string): number | undefined {
  const v = params.get(key);
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parameters past those Traccar reads are kept as attributes, within reason: they are stored with every
 * fix, and a form body may be 256 KB. What is left out is counted in `droppedParameters`.
 */
const MAX_EXTRA_PARAMS = 32;
const MAX_EXTRA_CHARS = 256;

/** "lat,lon"; an empty or missing half is no coordinate (Number('') is 0: the Gulf of Guinea). */
function latLon(text: string): [number, number] | undefined {
  const parts = text.split(',');
  if (parts.length !== 2 || parts.some((p) => p.trim() === '')) return undefined;
  return [Number(parts[0]), Number(parts[1])];
}

function attributeValue(text: string): number | string | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function decodeParams(params: URLSearchParams, receivedAt: Date | undefined): OsmAndResult {
  const uniqueId = params.get('id') ?? params.get('deviceid');
  if (!uniqueId) return fail('malformed', 'missing id');
  let lat = num(params, 'lat');
  let lon = num(params, 'lon');
  const location = params.get('location');
  if (location !== null && (lat === undefined || lon === undefined)) [lat, lon] = latLon(location) ?? [];
  if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon)) return unread(uniqueId, [{ index: 0, reason: 'missing lat/lon' }]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return unread(uniqueId, [{ index: 0, reason: 'coordinates out of range' }]);
  const stamp = params.get('timestamp');
  const fixTime = stamp !== null ? parseTimestamp(stamp) : (receivedAt ?? null);
  if (!fixTime) return unread(uniqueId, [{ index: 0, reason: stamp === null ? 'missing timestamp' : `timestamp ${stamp}` }]);

  const attributes: Attributes = {};
  let kept = 0;
  let dropped = 0;
  for (const [key, value] of params) {
    if (HANDLED.has(key)) continue;
    if (kept < MAX_EXTRA_PARAMS && key.length + value.length <= MAX_EXTRA_CHARS) {
      attributes[key] = attributeValue(value);
      kept++;
    } else dropped++;
  }
  if (dropped > 0) attributes.droppedParameters = dropped;
  const charge = params.get('charge');
  if (charge !== null) attributes.charging = charge === 'true' || charge === '1';
  const valid = params.get('valid');
  const position: Position = { kind: 'position', uniqueId, fixTime, lat, lon, valid: valid === null || valid === 'true' || valid === '1', attributes };
  const knots = num(params, 'speed');
  if (knots !== undefined) position.speedKph = knots * KNOT_IN_KPH;
  const course = num(params, 'bearing') ?? num(params, 'heading');
  if (course !== undefined) position.courseDeg = course;
  const altitude = num(params, 'altitude');
  if (altitude !== undefined) position.altitudeM = altitude;
  const accuracy = num(params, 'accuracy');
  if (accuracy !== undefined) position.accuracyM = accuracy;
  const battery = num(params, 'batt');
  if (battery !== undefined) position.batteryPct = battery;
  const alarm = params.get('alarm');
  return { ok: true, messages: [alarm ? { kind: 'alarm', uniqueId, alarm, position, attributes: {} } : position] };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function decodeJson(body: string, receivedAt: Date | undefined): OsmAndResult {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    return fail('malformed', 'body is not JSON');
  }
  if (!isObject(root)) return fail('malformed', 'JSON body is not an object');
  const uniqueId = typeof root.device_id === 'string' ? root.device_id : finite(root.device_id) ? String(root.device_id) : null;
  if (!uniqueId) return fail('malformed', 'missing device_id');
  const locations = Array.isArray(root.location) ? root.location : [root.location];
  if (locations.length === 0) return fail('malformed', 'no location');
  const messages: DeviceMessage[] = [];
  const rejected: OsmAndRejected[] = [];
  locations.forEach((location, index) => {
    const position = jsonLocation(uniqueId, location, receivedAt);
    if (typeof position === 'string') rejected.push({ index, reason: position });
    else messages.push(position);
  });
  // One unreadable location in a batch costs only itself: refusing the batch, the app would resend it, good fixes and
  // all, for ever.
  if (messages.length === 0) return unread(uniqueId, rejected);
  return rejected.length > 0 ? { ok: true, messages, rejected } : { ok: true, messages };
}

function jsonLocation(uniqueId: string, location: unknown, receivedAt: Date | undefined): DeviceMessage | string {
  if (!isObject(location) || !isObject(location.coords)) return 'missing location.coords';
  const c = location.coords;
  if (!finite(c.latitude) || !finite(c.longitude) || Math.abs(c.latitude) > 90 || Math.abs(c.longitude) > 180) return 'missing or invalid coordinates';
  const stamp = location.timestamp;
  const fixTime = typeof stamp === 'string' ? parseTimestamp(stamp) : finite(stamp) ? parseTimestamp(String(stamp)) : (receivedAt ?? null);
  if (!fixTime) return 'missing or invalid timestamp';
  const attributes: Attributes = {};
  const position: Position = { kind: 'position', uniqueId, fixTime, lat: c.latitude, lon: c.longitude, valid: true, attributes };
  // The app reports -1 for speed and heading it does not know.
  if (finite(c.speed) && c.speed >= 0) position.speedKph = c.speed * 3.6;
  if (finite(c.heading) && c.heading >= 0) position.courseDeg = c.heading;
  if (finite(c.altitude)) position.altitudeM = c.altitude;
  if (finite(c.accuracy) && c.accuracy >= 0) position.accuracyM = c.accuracy;
  if (isObject(location.battery)) {
    if (finite(location.battery.level) && location.battery.level >= 0) position.batteryPct = Math.round(location.battery.level * 100);
    if (typeof location.battery.is_charging === 'boolean') attributes.charging = location.battery.is_charging;
  }
  if (typeof location.is_moving === 'boolean') attributes.moving = location.is_moving;
  if (typeof location.event === 'string') attributes.event = location.event;
  if (finite(location.odometer)) attributes.odometerM = location.odometer;
  if (isObject(location.activity) && typeof location.activity.type === 'string') attributes.activity = location.activity.type;
  if (typeof location.mock === 'boolean') attributes.mock = location.mock;
  const alarm = jsonAlarm(location);
  return alarm ? { kind: 'alarm', uniqueId, alarm, position, attributes: {} } : position;
}

/**
 * Traccar Client's SOS button asks its geolocation plugin for a fix with `extras: { alarm: 'sos' }`; the plugin
 * merges extras into the location it posts (`location.alarm`), a template that keeps them apart sends
 * `location.extras.alarm`. Traccar's decoder reads both, in that order; `location.event` is the plugin's own
 * (motionchange, heartbeat…), not an alarm.
 */
function jsonAlarm(location: Json): string | undefined {
  const extras = isObject(location.extras) ? location.extras : {};
  for (const alarm of [location.alarm, extras.alarm]) if (typeof alarm === 'string' && alarm.trim() !== '') return alarm;
  return undefined;
}
