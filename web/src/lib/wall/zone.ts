/** [west, south, east, north] in degrees: the part of the city on screen. */
export type Bounds = [number, number, number, number];

export function inBounds(b: Bounds, lon: number, lat: number): boolean {
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

export interface WallScope {
  teamId: number | null;
  /** Only what is on screen: the supervisor zooms to a zone and the figures follow. */
  zone: Bounds | null;
}

/** Whether a collector (its team and last position) is in the wall's current scope. */
export function collectorInScope(scope: WallScope, teamId: number | null, at: { lon: number; lat: number } | null): boolean {
  if (scope.teamId !== null && teamId !== scope.teamId) return false;
  if (scope.zone !== null && (at === null || !inBounds(scope.zone, at.lon, at.lat))) return false;
  return true;
}
