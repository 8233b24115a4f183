import type { Static } from '@sinclair/typebox';
import type { PositionOut } from '$contract/device.ts';

/** One stored position (GET /api/devices/{uniqueId}/positions), oldest first. */
export type TrackPoint = Static<typeof PositionOut>;

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface TrackStats {
  points: number;
  /** Driven distance along the reported points. */
  distanceKm: number;
  durationMs: number;
  maxSpeedKph: number | null;
}

/**
 * Totals of a track. The distance is the server's odometer (each fix's `segmentM`),
 * the same the metrics count: summed fix to fix, a parked phone's GPS scatter made
 * kilometres.
 */
export function trackStats(points: readonly TrackPoint[]): TrackStats {
  let distanceM = 0;
  let maxSpeedKph: number | null = null;
  for (const p of points) {
    if (p.speedKph !== null) maxSpeedKph = Math.max(maxSpeedKph ?? 0, p.speedKph);
    distanceM += p.segmentM ?? 0;
  }
  const durationMs = points.length > 1 ? Date.parse(points[points.length - 1].ts) - Date.parse(points[0].ts) : 0;
  return { points: points.length, distanceKm: distanceM / 1000, durationMs, maxSpeedKph };
}

/** Index of the last point reported at or before `atMs` (0 before the first); `tsMs` ascending. */
export function indexAt(tsMs: readonly number[], atMs: number): number {
  let lo = 0;
  let hi = tsMs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tsMs[mid] <= atMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Minutes to add to UTC to get wall-clock time in `timeZone` at `atMs`. */
function offsetMinutes(atMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(atMs);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  return Math.round((wall - Math.floor(atMs / 60_000) * 60_000) / 60_000);
}

/**
 * [start, end) in epoch ms of the calendar day `yyyy-mm-dd` in the team's time zone
 * (SPEC §1: times in the team's time zone), correct across DST changes.
 */
export function zonedDay(date: string, timeZone: string): [number, number] {
  const [y, m, d] = date.split('-').map(Number);
  const midnight = (day: number) => {
    const guess = Date.UTC(y, m - 1, day);
    const first = guess - offsetMinutes(guess, timeZone) * 60_000;
    return guess - offsetMinutes(first, timeZone) * 60_000;
  };
  return [midnight(d), midnight(d + 1)];
}

/** Today's date (yyyy-mm-dd) in `timeZone`. */
export function todayIn(timeZone: string, nowMs: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(nowMs);
}
