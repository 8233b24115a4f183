import type { VisitStatus } from '$contract/visit.ts';

/** Statuses after which the collector has been to (or given up on) the stop. */
const REACHED: ReadonlySet<VisitStatus> = new Set(['arrived', 'completed', 'missed']);

export interface RouteStop {
  lat: number;
  lon: number;
  status: VisitStatus;
}

export interface RouteSplit {
  done: [number, number][];
  remaining: [number, number][];
}

/**
 * The planned path cut at the last stop the collector has reached: the part before
 * it is done, the rest is still ahead. Stops are matched to the path in order (the
 * path passes each stop in sequence), so a route that crosses itself is cut at the
 * right pass. Cancelled stops are neither.
 */
export function splitRoute(path: readonly [number, number][], stops: readonly RouteStop[]): RouteSplit {
  if (path.length < 2) return { done: [], remaining: [...path] };
  let cut = 0;
  let from = 0;
  for (const stop of stops) {
    if (stop.status === 'cancelled') continue;
    const at = nearestFrom(path, from, stop.lon, stop.lat);
    from = at;
    if (REACHED.has(stop.status)) cut = at;
  }
  return { done: cut > 0 ? path.slice(0, cut + 1) : [], remaining: path.slice(cut) };
}

/** Index of the path vertex nearest (lon, lat) at or after `from` (equirectangular: a city, not a continent). */
function nearestFrom(path: readonly [number, number][], from: number, lon: number, lat: number): number {
  const k = Math.cos((lat * Math.PI) / 180);
  let best = from;
  let bestD = Infinity;
  for (let i = from; i < path.length; i++) {
    const dx = (path[i][0] - lon) * k;
    const dy = path[i][1] - lat;
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
