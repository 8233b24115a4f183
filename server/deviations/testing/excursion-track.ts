import { expect } from 'vitest';
import type { PlanRoute } from '../../contract/plan.ts';
import { buildRouteGeometry, decodePolyline, nearestOnRoute } from '../../routing/geometry/index.ts';

const M_LAT = 111_195;
export const STEP_MS = 30_000;

/**
 * `count` fixes one every 30 s from the route's start, walking its first leg at 40 m a fix;
 * fixes in `away` are `offsetM` to the side of the leg, on whichever side is farther from the route.
 * Checks the scenario's preconditions: away is well off the line, the rest on it, the leg long enough.
 */
export function excursionTrack(route: PlanRoute, count: number, away: (i: number) => boolean, offsetM = 400): { ts: number; lat: number; lon: number }[] {
  const path = decodePolyline(route.polyline);
  const geometry = buildRouteGeometry(path);
  const [[lon0, lat0], [lon1, lat1]] = path;
  const mLon = M_LAT * Math.cos((lat0 * Math.PI) / 180);
  const dx = (lon1 - lon0) * mLon;
  const dy = (lat1 - lat0) * M_LAT;
  const len = Math.hypot(dx, dy);
  const point = (alongM: number, sideM: number) => ({
    lon: lon0 + ((dx / len) * alongM - (dy / len) * sideM) / mLon,
    lat: lat0 + ((dy / len) * alongM + (dx / len) * sideM) / M_LAT,
  });
  const off = (side: number) => nearestOnRoute(geometry, point(300, side).lon, point(300, side).lat).distanceM;
  const side = off(offsetM) > off(-offsetM) ? offsetM : -offsetM;
  const start = Date.parse(route.start.at) + 1000;
  const fixes = Array.from({ length: count }, (_, i) => ({ ts: start + i * STEP_MS, ...point(100 + i * 40, away(i) ? side : 0) }));
  expect(len).toBeGreaterThan(100 + count * 40 + 100);
  for (const [i, f] of fixes.entries()) {
    const d = nearestOnRoute(geometry, f.lon, f.lat).distanceM;
    if (away(i)) expect(d).toBeGreaterThan(offsetM * 0.6);
    else expect(d).toBeLessThan(10);
  }
  return fixes;
}
