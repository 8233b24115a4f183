import type { Position } from '../../device-protocols/messages.ts';

export interface FilterConfig {
  invalid: boolean;
  zero: boolean;
  /** Refuse fixes more than this many seconds ahead of the server clock. */
  futureS: number;
  duplicate: boolean;
  /** Refuse fixes with a reported accuracy worse than this; 0 = off. */
  accuracyM: number;
  /** Refuse fixes implying a jump faster than this from the last accepted fix; 0 = off. */
  maxSpeedKph: number;
}

export interface LastFix {
  timeMs: number;
  lat: number;
  lon: number;
}

/** `duplicate`: the fix is already stored — a resend, to be acknowledged, not an error. */
export type FilterVerdict = { ok: true } | { ok: false; reason: string; duplicate?: true };

const EARTH_RADIUS_M = 6_371_008.8;

/** No tracker protocol here predates 2000; an earlier time is a clock that was never set (1970, 1980 GPS epoch). */
export const EARLIEST_FIX_MS = Date.UTC(2000, 0, 1);
const MAX_SPEED_KPH = 1000;

/**
 * Values no real fix has, whatever the filter settings: checked here, once for every
 * protocol, so a codec passes a well-formed record on and only that fix is refused
 * (its frame is still acknowledged; a Teltonika packet refused whole was resent for ever).
 */
function impossibleValue(p: Position, t: number): string | null {
  if (!Number.isFinite(t)) return 'fix time is not a valid date';
  if (t < EARLIEST_FIX_MS) return `fix time ${p.fixTime.toISOString()} is before 2000`;
  if (!(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180)) return `coordinates ${p.lat},${p.lon} out of range`;
  if (p.speedKph !== undefined && p.speedKph > MAX_SPEED_KPH) return `speed ${p.speedKph} km/h out of range`;
  if (p.courseDeg !== undefined && p.courseDeg > 360) return `course ${p.courseDeg}° out of range`;
  return null;
}

/** Apps and iOS report −1 for a speed or course they do not know: not a value to store or to judge by. */
export function withoutUnknowns(p: Position): Position {
  if (!(p.speedKph! < 0) && !(p.courseDeg! < 0)) return p;
  const { speedKph, courseDeg, ...rest } = p;
  return { ...rest, ...(speedKph !== undefined && speedKph >= 0 ? { speedKph } : {}), ...(courseDeg !== undefined && courseDeg >= 0 ? { courseDeg } : {}) };
}

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The filters mature trackers apply (Traccar's filter.invalid, filter.zero,
 * filter.future, filter.duplicate, filter.accuracy, filter.maxSpeed), each
 * switchable. `last` is the device's newest accepted fix, if any.
 */
export function filterPosition(p: Position, last: LastFix | undefined, nowMs: number, cfg: FilterConfig): FilterVerdict {
  const t = p.fixTime.getTime();
  const impossible = impossibleValue(p, t);
  if (impossible) return { ok: false, reason: impossible };
  if (cfg.invalid && !p.valid) return { ok: false, reason: 'invalid fix (no GPS lock)' };
  if (cfg.zero && p.lat === 0 && p.lon === 0) return { ok: false, reason: 'null island (0,0)' };
  if (cfg.futureS > 0 && t > nowMs + cfg.futureS * 1000) return { ok: false, reason: `fix time more than ${cfg.futureS} s in the future` };
  if (cfg.accuracyM > 0 && p.accuracyM !== undefined && p.accuracyM > cfg.accuracyM) {
    return { ok: false, reason: `accuracy ${p.accuracyM} m worse than ${cfg.accuracyM} m` };
  }
  if (!last) return { ok: true };
  if (cfg.duplicate && t === last.timeMs && p.lat === last.lat && p.lon === last.lon) {
    return { ok: false, reason: 'duplicate of the previous fix', duplicate: true };
  }
  // Only a newer fix can imply a jump; buffered history older than `last` is judged on its own.
  if (cfg.maxSpeedKph > 0 && t > last.timeMs) {
    const kph = (haversineM(last.lat, last.lon, p.lat, p.lon) / ((t - last.timeMs) / 1000)) * 3.6;
    if (kph > cfg.maxSpeedKph) return { ok: false, reason: `implied speed ${Math.round(kph)} km/h over ${cfg.maxSpeedKph} km/h` };
  }
  return { ok: true };
}
