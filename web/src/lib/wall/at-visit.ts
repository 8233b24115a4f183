import type { VisitStatus } from '$contract/visit.ts';
import { isMoving } from '../collector-state.ts';
import { haversineM } from '../replay/track.ts';

/**
 * Stopped within this distance of a visit's address counts as being at the visit.
 * The deviation engine's arrival radius is 50 m (server/contract/event.ts); a little
 * more here because the wall colours a dot, it does not raise an event.
 */
export const AT_VISIT_RADIUS_M = 60;

export interface VisitSpot {
  lat: number | null;
  lon: number | null;
  status: VisitStatus;
}

/** Visits a collector can still be standing at; a finished one no longer explains a stop. */
const OPEN: ReadonlySet<VisitStatus> = new Set(['planned', 'assigned', 'en_route', 'arrived']);

/**
 * At a visit: the phone said "arrived" for one of today's visits, or the collector is
 * stopped near the address of one still open. Trackers never say "arrived", hence the
 * distance rule.
 */
export function isAtVisit(lat: number, lon: number, speedKph: number | null, visits: readonly VisitSpot[]): boolean {
  if (visits.some((v) => v.status === 'arrived')) return true;
  if (isMoving(speedKph)) return false;
  for (const v of visits) {
    if (v.lat === null || v.lon === null || !OPEN.has(v.status)) continue;
    if (haversineM(lat, lon, v.lat, v.lon) <= AT_VISIT_RADIUS_M) return true;
  }
  return false;
}
