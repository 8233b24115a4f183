import { EARTH_RADIUS_M } from '../geometry/haversine.ts';

export interface Snap {
  segment: number;
  /** 0 at the segment's node a, 1 at node b. */
  t: number;
  /** From the input point to the street, metres. */
  distanceM: number;
  point: [number, number];
}

const CELL_M = 100;
const MAX_RINGS = 10;

/**
 * A uniform grid of street segments (local equirectangular metres) for nearest-street snapping,
 * the way OSRM's `nearest` snaps each input coordinate before routing.
 */
export class SegmentIndex {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly kx: number;
  private readonly ky: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cellStart: Int32Array;
  private readonly cellSegments: Int32Array;
  private readonly candidates: Int32Array;

  constructor(
    private readonly lon: Float64Array,
    private readonly lat: Float64Array,
    private readonly segA: Int32Array,
    private readonly segB: Int32Array,
    snappable: readonly boolean[],
  ) {
    let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
    for (let i = 0; i < lon.length; i++) {
      minLon = Math.min(minLon, lon[i]);
      maxLon = Math.max(maxLon, lon[i]);
      minLat = Math.min(minLat, lat[i]);
      maxLat = Math.max(maxLat, lat[i]);
    }
    this.lon0 = lon.length ? (minLon + maxLon) / 2 : 0;
    this.lat0 = lat.length ? (minLat + maxLat) / 2 : 0;
    this.ky = (EARTH_RADIUS_M * Math.PI) / 180;
    this.kx = this.ky * Math.cos((this.lat0 * Math.PI) / 180);
    this.x = Float64Array.from(lon, (v) => (v - this.lon0) * this.kx);
    this.y = Float64Array.from(lat, (v) => (v - this.lat0) * this.ky);
    this.candidates = Int32Array.from(snappable.flatMap((ok, s) => (ok ? [s] : [])));
    this.minX = lon.length ? (minLon - this.lon0) * this.kx : 0;
    this.minY = lat.length ? (minLat - this.lat0) * this.ky : 0;
    this.cols = lon.length ? Math.floor(((maxLon - minLon) * this.kx) / CELL_M) + 1 : 1;
    this.rows = lat.length ? Math.floor(((maxLat - minLat) * this.ky) / CELL_M) + 1 : 1;
    this.cellStart = new Int32Array(this.cols * this.rows + 1);
    const cellsOf = (s: number, fn: (cell: number) => void) => {
      const a = segA[s], b = segB[s];
      const c0 = Math.floor((Math.min(this.x[a], this.x[b]) - this.minX) / CELL_M);
      const c1 = Math.floor((Math.max(this.x[a], this.x[b]) - this.minX) / CELL_M);
      const r0 = Math.floor((Math.min(this.y[a], this.y[b]) - this.minY) / CELL_M);
      const r1 = Math.floor((Math.max(this.y[a], this.y[b]) - this.minY) / CELL_M);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) fn(r * this.cols + c);
    };
    for (const s of this.candidates) cellsOf(s, (cell) => this.cellStart[cell + 1]++);
    for (let c = 0; c < this.cols * this.rows; c++) this.cellStart[c + 1] += this.cellStart[c];
    this.cellSegments = new Int32Array(this.cellStart[this.cols * this.rows]);
    const fill = this.cellStart.slice(0, this.cols * this.rows);
    for (const s of this.candidates) cellsOf(s, (cell) => (this.cellSegments[fill[cell]++] = s));
  }

  /** The nearest snappable street point, or null when the network has none. */
  nearest(lon: number, lat: number): Snap | null {
    const px = (lon - this.lon0) * this.kx;
    const py = (lat - this.lat0) * this.ky;
    const best = { d2: Infinity, segment: -1, t: 0 };
    const consider = (s: number) => {
      const ax = this.x[this.segA[s]], ay = this.y[this.segA[s]];
      const dx = this.x[this.segB[s]] - ax, dy = this.y[this.segB[s]] - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      const ex = ax + t * dx - px, ey = ay + t * dy - py;
      const d2 = ex * ex + ey * ey;
      if (d2 < best.d2 || (d2 === best.d2 && s < best.segment)) Object.assign(best, { d2, segment: s, t });
    };
    const scan = (c: number, r: number) => {
      if (c < 0 || r < 0 || c >= this.cols || r >= this.rows) return;
      const cell = r * this.cols + c;
      for (let k = this.cellStart[cell]; k < this.cellStart[cell + 1]; k++) consider(this.cellSegments[k]);
    };
    // A street within k·CELL_M crosses a cell at most k rings out, so the ring search stops exactly.
    const c = Math.floor((px - this.minX) / CELL_M);
    const r = Math.floor((py - this.minY) / CELL_M);
    let exact = false;
    scan(c, r);
    for (let k = 1; k <= MAX_RINGS && !exact; k++) {
      for (let i = -k; i <= k; i++) scan(c + i, r - k), scan(c + i, r + k);
      for (let i = -k + 1; i < k; i++) scan(c - k, r + i), scan(c + k, r + i);
      exact = best.d2 <= (k * CELL_M) ** 2;
    }
    if (!exact) for (const s of this.candidates) consider(s);
    if (best.segment < 0) return null;
    const a = this.segA[best.segment], b = this.segB[best.segment];
    return {
      segment: best.segment,
      t: best.t,
      distanceM: Math.sqrt(best.d2),
      point: [this.lon[a] + best.t * (this.lon[b] - this.lon[a]), this.lat[a] + best.t * (this.lat[b] - this.lat[a])],
    };
  }
}
