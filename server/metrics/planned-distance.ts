/**
 * One version of a collector's route that day, as `plan_routes.stop_legs` keeps it (migration 0012).
 */
export interface RouteVersion {
  /** The route's `startKind`: `position` when it starts where the collector was as it was planned. */
  start: string | null;
  /** The stops' visits in order. */
  visits: number[];
  /** The leg that leads to each stop, in metres (server/plans/schedule.ts). */
  legsM: number[];
  /** The whole route, the way back included. */
  distanceM: number;
}

/**
 * Planned metres of a collector's day, from every version of their route that day, oldest
 * first, and the visits that are theirs now (not cancelled). README "Planned km".
 *
 * A re-plan (every dispatcher change stores one) leaves out the visits done and starts from
 * where the collector is, so the latest version alone would cut the day at every change. The
 * day is the route as planned when each part was driven:
 * - each of the collector's visits brings the leg that leads to it in the last version it was
 *   still ahead in; a visit moved to someone else counts on their day, a cancelled one on none;
 * - a leg from the collector's position is the rest of one under way: it counts whole, as last
 *   planned from a fixed point, when the collector came from that point (the route's start, or a
 *   visit no longer ahead), else as the re-plan has it;
 * - the way back is the last version's with a stop (an emptied route plans none, yet the
 *   collector drives back), once the collector has a visit to count at all.
 */
export function plannedMetres(versions: readonly RouteVersion[], own: ReadonlySet<number>): number {
  const last = new Map<number, { version: number; stop: number }>();
  const whole = new Map<number, { legM: number; from: number | null }>();
  versions.forEach((r, version) =>
    r.visits.forEach((visitId, stop) => {
      last.set(visitId, { version, stop });
      if (!fromPosition(r, stop)) whole.set(visitId, { legM: r.legsM[stop], from: stop > 0 ? r.visits[stop - 1] : null });
    }),
  );
  let legsM = 0;
  let counted = 0;
  for (const [visitId, { version, stop }] of last) {
    if (!own.has(visitId)) continue;
    const r = versions[version];
    // `whole` holds the visit's last leg from a fixed point: of an earlier version, as this one's starts at a position.
    const earlier = fromPosition(r, stop) ? whole.get(visitId) : undefined;
    legsM += earlier && (earlier.from === null || !r.visits.includes(earlier.from)) ? earlier.legM : r.legsM[stop];
    counted++;
  }
  if (counted === 0) return 0;
  const withStops = versions.findLast((r) => r.visits.length > 0)!;
  return legsM + withStops.distanceM - withStops.legsM.reduce((a, b) => a + b, 0);
}

const fromPosition = (r: RouteVersion, stop: number) => stop === 0 && r.start === 'position';
