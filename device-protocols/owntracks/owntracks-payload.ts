import type { Position } from '../messages.ts';

export type OwnTracksResult =
  | { kind: 'position'; position: Position }
  | { kind: 'ignored'; type: string }
  | { kind: 'error'; reason: string };

type RangedField = 'speedKph' | 'courseDeg' | 'altitudeM' | 'accuracyM' | 'batteryPct';

/**
 * Optional numeric fields, their Position field and accepted range: those of the
 * same fields in Ronda JSON (`speed`, `course`, `alt`, `accuracy`, `battery`).
 */
const OPTIONAL_RANGES: readonly (readonly [string, RangedField, number, number])[] = [
  ['vel', 'speedKph', 0, 2000],
  ['cog', 'courseDeg', 0, 360],
  ['alt', 'altitudeM', -1000, 20000],
  ['acc', 'accuracyM', 0, 1e6],
  ['batt', 'batteryPct', 0, 100],
];
/** Phones report −1 for a speed or course they do not know (see ingest's withoutUnknowns): unknown, not wrong. */
const UNKNOWN_WHEN_NEGATIVE: ReadonlySet<string> = new Set(['vel', 'cog']);

const utf8 = new TextDecoder();

/**
 * OwnTracks JSON (owntracks.org booklet, "JSON" chapter): `_type: location`
 * carries `tst` (epoch s), `lat`, `lon`, `vel` km/h, `cog` deg, `alt` m,
 * `acc` m, `batt` %. The apps publish one object per message, `_type` always
 * set; on `owntracks/user/device` that is `location` or `lwt`, and an empty
 * payload clears the retained one ("HTTP" chapter: best ignored). Other types
 * (lwt, transition, waypoint…) are not positions and are ignored. `encrypted`
 * (booklet, "Payload encryption") holds a location this server cannot read: an
 * error, so a phone with encryption on is seen, not silently lost.
 */
export function decodeOwnTracks(payload: Uint8Array | string): OwnTracksResult {
  const text = typeof payload === 'string' ? payload : utf8.decode(payload);
  if (text.trim() === '') return { kind: 'ignored', type: '' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'error', reason: 'payload is not valid JSON' };
  }
  if (Array.isArray(json)) return { kind: 'error', reason: 'payload is an array: OwnTracks sends one message per publish' };
  if (typeof json !== 'object' || json === null) return { kind: 'error', reason: 'payload is not an object' };
  const o = json as Record<string, unknown>;
  if (typeof o._type !== 'string') return { kind: 'error', reason: '_type missing: not an OwnTracks message' };
  if (o._type === 'encrypted') {
    return { kind: 'error', reason: 'encrypted OwnTracks payloads are not supported: clear the encryption key in the app' };
  }
  if (o._type !== 'location') return { kind: 'ignored', type: o._type };
  const { tst, lat, lon } = o;
  if (typeof tst !== 'number' || !Number.isFinite(tst) || tst <= 0) return { kind: 'error', reason: 'tst missing' };
  if (typeof lat !== 'number' || lat < -90 || lat > 90) return { kind: 'error', reason: 'lat missing or outside -90..90' };
  if (typeof lon !== 'number' || lon < -180 || lon > 180) return { kind: 'error', reason: 'lon missing or outside -180..180' };
  const position: Position = { kind: 'position', fixTime: new Date(tst * 1000), lat, lon, valid: true, attributes: {} };
  for (const [key, field, min, max] of OPTIONAL_RANGES) {
    const v = o[key];
    // Not a number (absent, or text from an old app): left out, as before ranges were checked.
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v < 0 && UNKNOWN_WHEN_NEGATIVE.has(key)) continue;
    if (v < min || v > max) return { kind: 'error', reason: `${key} must be a number in ${min}..${max}` };
    position[field] = v;
  }
  if (typeof o.tid === 'string') position.attributes.tid = o.tid;
  if (typeof o.t === 'string') position.attributes.trigger = o.t;
  return { kind: 'position', position };
}
