import type { CheckinOut } from '$contract/checkin.ts';
import { haversineM, type TrackPoint } from './track.ts';

/** A place the collector stayed: indexes into the track, times in epoch ms, where they stood (mean of the fixes). */
export interface TrackStop {
  startIndex: number;
  endIndex: number;
  startMs: number;
  endMs: number;
  lat: number;
  lon: number;
}

export interface StopRules {
  /** Every fix of a stop lies within this many metres of the mean of the stop's fixes before it. */
  radiusM: number;
  /** Shorter dwells with no visit made are traffic lights and queues, not stops. */
  minDurationMs: number;
  /** A dwell at least this long with a check-in is a visit: a debtor not at home takes a minute or two. */
  minVisitMs: number;
  /** A check-in this close in time to a dwell is that dwell's: tapped on the way back to the motorbike, or on arrival. */
  checkinSlackMs: number;
}

/**
 * A fix standing still wanders by tens of metres; three minutes separates a stop from
 * traffic. 45 s is well over the few seconds a riding collector's fixes stay within
 * 30 m of their mean, which a check-in tapped while riding off would otherwise make a
 * visit (a walker's can stay a minute, but their check-in goes to the door just left).
 */
export const DEFAULT_STOP_RULES: StopRules = { radiusM: 30, minDurationMs: 3 * 60_000, minVisitMs: 45_000, checkinSlackMs: 60_000 };

type Fix = { p: TrackPoint; i: number; ms: number };

/**
 * Stops of a day's track: dwells of at least `minDurationMs`, and shorter ones of at
 * least `minVisitMs` with a check-in during them or within `checkinSlackMs`. Each
 * check-in vouches for the dwell nearest to it in time only, so a light waited at
 * just after a visit stays out. Distance rather than reported speed: many trackers
 * report no speed, and a parked phone's speed is noise.
 */
export function findStops(
  points: readonly TrackPoint[],
  checkins: readonly Pick<CheckinOut, 'ts'>[] = [],
  rules: StopRules = DEFAULT_STOP_RULES,
): TrackStop[] {
  const dwells = findDwells(points, rules);
  const visited = new Set<TrackStop>();
  for (const c of checkins) {
    const ms = Date.parse(c.ts);
    let nearest: TrackStop | null = null;
    let nearestGapMs = Infinity;
    for (const d of dwells) {
      const gapMs = Math.max(d.startMs - ms, ms - d.endMs, 0);
      if (gapMs < nearestGapMs) [nearest, nearestGapMs] = [d, gapMs];
    }
    if (nearest && nearestGapMs <= rules.checkinSlackMs) visited.add(nearest);
  }
  return dwells.filter((d) => d.endMs - d.startMs >= rules.minDurationMs || visited.has(d));
}

/**
 * Runs of consecutive valid fixes of at least `minVisitMs` that stay within `radiusM`
 * of the running mean of the run's fixes. The mean, not the first fix: a first fix
 * 25 m off put the collector's next fixes on the far side of the door out of reach
 * and cut real stops into pieces under three minutes (the server's odometer keeps
 * a mean of a parked device's fixes for the same reason). A lone fix out of reach
 * with the next one back in is a jump, skipped; two in a row are the collector leaving.
 */
function findDwells(points: readonly TrackPoint[], rules: StopRules): TrackStop[] {
  const dwells: TrackStop[] = [];
  const valid: Fix[] = points.map((p, i) => ({ p, i, ms: Date.parse(p.ts) })).filter((x) => x.p.valid && Number.isFinite(x.ms));
  let start = 0;
  while (start < valid.length) {
    let lat = valid[start].p.lat;
    let lon = valid[start].p.lon;
    let count = 1;
    let end = start;
    const near = (k: number) => k < valid.length && haversineM(lat, lon, valid[k].p.lat, valid[k].p.lon) <= rules.radiusM;
    let k = start + 1;
    while (k < valid.length) {
      if (!near(k)) {
        if (!near(k + 1)) break;
        k++;
      }
      count++;
      lat += (valid[k].p.lat - lat) / count;
      lon += (valid[k].p.lon - lon) / count;
      end = k++;
    }
    const first = valid[start];
    const last = valid[end];
    if (last.ms - first.ms >= rules.minVisitMs) {
      dwells.push({ startIndex: first.i, endIndex: last.i, startMs: first.ms, endMs: last.ms, lat, lon });
      start = end + 1;
    } else {
      start++;
    }
  }
  return dwells;
}
