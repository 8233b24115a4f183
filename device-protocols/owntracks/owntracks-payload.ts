import type { Position } from '../messages.ts';

export type OwnTracksResult =
  | { kind: 'position'; position: Position }
  | { kind: 'ignored'; type: string }
  | { kind: 'error'; reason: string };

/**
 * OwnTracks JSON (owntracks.org booklet, "JSON" chapter): `_type: location`
 * carries `tst` (epoch s), `lat`, `lon`, `vel` km/h, `cog` deg, `alt` m,
 * `acc` m, `batt` %. Other types (transition, waypoint, lwt…) are not positions.
 */
export function decodeOwnTracks(payload: Uint8Array | string): OwnTracksResult {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch {
    return { kind: 'error', reason: 'payload is not valid JSON' };
  }
  if (typeof o !== 'object' || o === null) return { kind: 'error', reason: 'payload is not an object' };
  if (o._type !== 'location') return { kind: 'ignored', type: String(o._type) };
  const { tst, lat, lon } = o;
  if (typeof tst !== 'number' || tst <= 0) return { kind: 'error', reason: 'tst missing' };
  if (typeof lat !== 'number' || lat < -90 || lat > 90) return { kind: 'error', reason: 'lat missing or outside -90..90' };
  if (typeof lon !== 'number' || lon < -180 || lon > 180) return { kind: 'error', reason: 'lon missing or outside -180..180' };
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const attributes: Record<string, string> = {};
  if (typeof o.tid === 'string') attributes.tid = o.tid;
  if (typeof o.t === 'string') attributes.trigger = o.t;
  return {
    kind: 'position',
    position: {
      kind: 'position',
      fixTime: new Date(tst * 1000),
      lat,
      lon,
      valid: true,
      speedKph: n(o.vel),
      courseDeg: n(o.cog),
      altitudeM: n(o.alt),
      accuracyM: n(o.acc),
      batteryPct: n(o.batt),
      attributes,
    },
  };
}
