import type { Feature, LineString } from 'geojson';

/** Issue 6: the wall shows where each collector went in the last 30 minutes. */
export const TRAIL_WINDOW_MS = 30 * 60_000;
/**
 * One kept point per collector at most this often: 120 points per trail, so 2,000
 * trails stay a size MapLibre's worker re-tiles in a few milliseconds. At walking or
 * city driving speed that is a point every 20–150 m, finer than the wall shows.
 */
export const TRAIL_STEP_MS = 15_000;
/** The trail is drawn as this many pieces, newest brightest. */
export const TRAIL_FADE_STEPS = 6;
const NEWEST_OPACITY = 0.9;
const OLDEST_OPACITY = 0.12;

export interface TrailProperties {
  id: number;
  /** 0 (transparent) to 1: the newer the piece, the higher. */
  opacity: number;
}
export type TrailFeature = Feature<LineString, TrailProperties>;

/** Opacity of the piece `step` (0 = newest) of TRAIL_FADE_STEPS. */
export function fadeOpacity(step: number): number {
  const t = TRAIL_FADE_STEPS > 1 ? step / (TRAIL_FADE_STEPS - 1) : 0;
  return NEWEST_OPACITY + (OLDEST_OPACITY - NEWEST_OPACITY) * t;
}

/**
 * The last 30 minutes of every collector, sampled every TRAIL_STEP_MS, as flat
 * [t, lon, lat, …] arrays so a day on a wall allocates no object per fix.
 */
export class TrailStore {
  #byId = new Map<number, number[]>();

  /** Keeps the fix if the collector's last kept point is at least TRAIL_STEP_MS older; returns whether it did. */
  add(id: number, tMs: number, lon: number, lat: number): boolean {
    let flat = this.#byId.get(id);
    if (!flat) this.#byId.set(id, (flat = []));
    const lastT = flat.length > 0 ? flat[flat.length - 3] : -Infinity;
    if (tMs - lastT < TRAIL_STEP_MS) return false;
    flat.push(tMs, lon, lat);
    return true;
  }

  /** Drops points older than the window (and collectors left with none). */
  prune(nowMs: number): void {
    const oldest = nowMs - TRAIL_WINDOW_MS;
    for (const [id, flat] of this.#byId) {
      let cut = 0;
      while (cut < flat.length && flat[cut] < oldest) cut += 3;
      if (cut === flat.length) this.#byId.delete(id);
      else if (cut > 0) flat.splice(0, cut);
    }
  }

  /**
   * The trail of each collector `include` accepts, ending at its current position
   * `head` (so the line meets the marker), cut into TRAIL_FADE_STEPS pieces by age.
   * Adjacent pieces share their boundary point, so the line has no gaps.
   */
  features(nowMs: number, include: (id: number) => boolean, head: (id: number) => [number, number, number] | null): TrailFeature[] {
    const out: TrailFeature[] = [];
    const stepMs = TRAIL_WINDOW_MS / TRAIL_FADE_STEPS;
    for (const [id, flat] of this.#byId) {
      if (!include(id)) continue;
      const points: [number, number, number][] = [];
      for (let i = 0; i < flat.length; i += 3) if (nowMs - flat[i] <= TRAIL_WINDOW_MS) points.push([flat[i], flat[i + 1], flat[i + 2]]);
      const h = head(id);
      if (h && (points.length === 0 || h[0] > points[points.length - 1][0])) points.push(h);
      if (points.length < 2) continue;
      const stepOf = (t: number) => Math.min(TRAIL_FADE_STEPS - 1, Math.max(0, Math.floor((nowMs - t) / stepMs)));
      let pieceStep = stepOf(points[0][0]);
      let piece: number[][] = [];
      for (const [t, lon, lat] of points) {
        const step = stepOf(t);
        piece.push([lon, lat]);
        if (step === pieceStep) continue;
        // The segment into this point still belongs to the older piece; the newer one starts here.
        out.push(line(id, pieceStep, piece));
        piece = [[lon, lat]];
        pieceStep = step;
      }
      if (piece.length >= 2) out.push(line(id, pieceStep, piece));
    }
    return out;
  }

  clear(): void {
    this.#byId.clear();
  }
}

function line(id: number, step: number, coordinates: number[][]): TrailFeature {
  return { type: 'Feature', geometry: { type: 'LineString', coordinates }, properties: { id, opacity: fadeOpacity(step) } };
}
