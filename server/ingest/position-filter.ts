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
  if (!Number.isFinite(t)) return { ok: false, reason: 'fix time is not a valid date' };
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
