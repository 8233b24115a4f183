import { haversineM, type TrackPoint } from './track.ts';

/** A place the collector stayed: indexes into the track, times in epoch ms. */
export interface TrackStop {
  startIndex: number;
  endIndex: number;
  startMs: number;
  endMs: number;
  lat: number;
  lon: number;
}

export interface StopRules {
  /** Every point of a stop lies within this many metres of where it began. */
  radiusM: number;
  /** Shorter dwells are traffic lights and queues, not stops. */
  minDurationMs: number;
}

/** A GPS fix standing still wanders by tens of metres; three minutes separates a visit from traffic. */
export const DEFAULT_STOP_RULES: StopRules = { radiusM: 30, minDurationMs: 3 * 60_000 };

/**
 * Runs of consecutive valid points that stay within `radiusM` of the run's first
 * point for at least `minDurationMs`. Distance rather than reported speed: many
 * trackers report no speed, and a parked phone's speed is noise.
 */
export function findStops(points: readonly TrackPoint[], rules: StopRules = DEFAULT_STOP_RULES): TrackStop[] {
  const stops: TrackStop[] = [];
  const valid = points.map((p, i) => ({ p, i, ms: Date.parse(p.ts) })).filter((x) => x.p.valid && Number.isFinite(x.ms));
  let start = 0;
  while (start < valid.length) {
    const anchor = valid[start];
    let end = start;
    while (end + 1 < valid.length && haversineM(anchor.p.lat, anchor.p.lon, valid[end + 1].p.lat, valid[end + 1].p.lon) <= rules.radiusM) end++;
    const last = valid[end];
    if (last.ms - anchor.ms >= rules.minDurationMs) {
      stops.push({ startIndex: anchor.i, endIndex: last.i, startMs: anchor.ms, endMs: last.ms, lat: anchor.p.lat, lon: anchor.p.lon });
      start = end + 1;
    } else {
      start++;
    }
  }
  return stops;
}
