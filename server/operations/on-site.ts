import { haversineM } from '../routing/geometry/haversine.ts';

/** A fix of any of the collector's devices: epoch ms and degrees. */
export interface Fix {
  ms: number;
  lat: number;
  lon: number;
}

export interface PresenceOptions {
  radiusM: number;
  presenceWindowMin: number;
}

/** How far back before a check-in the arrival is looked for; a longer stay counts as this long. */
export const ON_SITE_LOOKBACK_MS = 2 * 3_600_000;
/** Fixes further apart than this are a gap in coverage, not proof of staying (the ingest's offline gap). */
const MAX_GAP_MS = 600_000;

export interface Presence {
  /** Some fix within the radius in the window either side of the check-in (issue 5's "presence"). */
  present: boolean;
  /**
   * Seconds from arrival to the check-in: the check-in time minus the first fix of the unbroken run of
   * fixes at the address that ends at the last one before the check-in (within the window). Null when the
   * trail does not show the collector there before checking in. Only fixes before the check-in count, as
   * a live check-in is recorded before the phone's later positions can exist.
   */
  onSiteS: number | null;
}

/** `fixes` oldest first, from ON_SITE_LOOKBACK_MS before `tsMs` to the window after it. */
export function presenceAt(fixes: readonly Fix[], home: readonly [number, number], tsMs: number, opts: PresenceOptions): Presence {
  const windowMs = opts.presenceWindowMin * 60_000;
  const atHome = (f: Fix) => haversineM(home, [f.lon, f.lat]) <= opts.radiusM;
  const present = fixes.some((f) => Math.abs(f.ms - tsMs) <= windowMs && atHome(f));

  let anchor = -1;
  for (let i = fixes.length - 1; i >= 0; i--) {
    if (fixes[i].ms > tsMs) continue;
    if (tsMs - fixes[i].ms > windowMs) break;
    if (atHome(fixes[i])) {
      anchor = i;
      break;
    }
  }
  if (anchor < 0) return { present, onSiteS: null };
  let first = anchor;
  while (first > 0 && fixes[first].ms - fixes[first - 1].ms <= MAX_GAP_MS && atHome(fixes[first - 1])) first--;
  return { present, onSiteS: (tsMs - fixes[first].ms) / 1000 };
}
