import { EARTH_RADIUS_M } from './haversine.ts';

/**
 * A planned route prepared for fast "how far is this position from the route, and how far along is
 * it" queries: the deviation engine checks every live position against its collector's plan, tens of
 * thousands of times a second. Vertices are projected once onto a local equirectangular plane (metres;
 * error well under 1 % within a city) and segments are bucketed in a uniform grid, so a query looks at
 * the few segments around the point instead of the whole route.
 */
export interface RouteGeometry {
  readonly coordinates: readonly (readonly [number, number])[];
  readonly lengthM: number;
  /** Projected vertices, metres from (lon0, lat0). */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Distance along the route at each vertex, metres. */
  readonly alongM: Float64Array;
  readonly lon0: number;
  readonly lat0: number;
  readonly mPerDegLon: number;
  readonly mPerDegLat: number;
  readonly grid: SegmentGrid;
}

interface SegmentGrid {
  minX: number;
  minY: number;
  cellM: number;
  cols: number;
  rows: number;
  /** CSR layout: segments of cell c are cellSegments[cellStart[c] .. cellStart[c + 1]). */
  cellStart: Int32Array;
  cellSegments: Int32Array;
}

export interface RouteMatch {
  distanceM: number;
  /** Segment from vertex segmentIndex to segmentIndex + 1 (0 for a one-point route). */
  segmentIndex: number;
  /** 0..1 along that segment. */
  segmentFraction: number;
  /** Metres along the route to the nearest point. */
  alongM: number;
  /** alongM / lengthM (0 for a zero-length route): the "done" share of the route. */
  fraction: number;
}

const DEG = Math.PI / 180;
const MIN_CELL_M = 50;
const MAX_RINGS = 4;

export function buildRouteGeometry(coordinates: readonly (readonly [number, number])[]): RouteGeometry {
  const n = coordinates.length;
  if (n === 0) throw new Error('a route needs at least one coordinate');
  let minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
  for (const [lon, lat] of coordinates) {
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
  }
  const lon0 = (minLon + maxLon) / 2;
  const lat0 = (minLat + maxLat) / 2;
  const mPerDegLat = EARTH_RADIUS_M * DEG;
  const mPerDegLon = mPerDegLat * Math.cos(lat0 * DEG);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const alongM = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = (coordinates[i][0] - lon0) * mPerDegLon;
    ys[i] = (coordinates[i][1] - lat0) * mPerDegLat;
    if (i > 0) alongM[i] = alongM[i - 1] + Math.hypot(xs[i] - xs[i - 1], ys[i] - ys[i - 1]);
  }
  return { coordinates, lengthM: alongM[n - 1], xs, ys, alongM, lon0, lat0, mPerDegLon, mPerDegLat, grid: buildGrid(xs, ys) };
}

function buildGrid(xs: Float64Array, ys: Float64Array): SegmentGrid {
  const segments = Math.max(1, xs.length - 1);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    minX = Math.min(minX, xs[i]);
    maxX = Math.max(maxX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  // About one cell per segment keeps memory linear in the route size for 1,000 plans.
  const cellM = Math.max(MIN_CELL_M, Math.sqrt(((maxX - minX) * (maxY - minY)) / segments));
  const cols = Math.floor((maxX - minX) / cellM) + 1;
  const rows = Math.floor((maxY - minY) / cellM) + 1;
  const cellStart = new Int32Array(cols * rows + 1);
  const visit = (s: number, fn: (cell: number) => void) => {
    const b = Math.min(s + 1, xs.length - 1);
    const c0 = Math.floor((Math.min(xs[s], xs[b]) - minX) / cellM);
    const c1 = Math.floor((Math.max(xs[s], xs[b]) - minX) / cellM);
    const r0 = Math.floor((Math.min(ys[s], ys[b]) - minY) / cellM);
    const r1 = Math.floor((Math.max(ys[s], ys[b]) - minY) / cellM);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) fn(r * cols + c);
  };
  for (let s = 0; s < segments; s++) visit(s, (cell) => cellStart[cell + 1]++);
  for (let c = 0; c < cols * rows; c++) cellStart[c + 1] += cellStart[c];
  const cellSegments = new Int32Array(cellStart[cols * rows]);
  const fill = cellStart.slice(0, cols * rows);
  for (let s = 0; s < segments; s++) visit(s, (cell) => (cellSegments[fill[cell]++] = s));
  return { minX, minY, cellM, cols, rows, cellStart, cellSegments };
}

// The query's running best, kept in module scope so the hot loop allocates no closures.
let bestD2 = Infinity;
let bestSeg = -1;
let bestT = 0;

function considerSegment(xs: Float64Array, ys: Float64Array, s: number, px: number, py: number): void {
  const b = s + 1 < xs.length ? s + 1 : s;
  const ax = xs[s], ay = ys[s];
  const dx = xs[b] - ax, dy = ys[b] - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  const d2 = ex * ex + ey * ey;
  if (d2 < bestD2) {
    bestD2 = d2;
    bestSeg = s;
    bestT = t;
  }
}

function scanCell(route: RouteGeometry, cc: number, rr: number, px: number, py: number, minSegment: number): void {
  const g = route.grid;
  if (cc < 0 || rr < 0 || cc >= g.cols || rr >= g.rows) return;
  const cell = rr * g.cols + cc;
  for (let k = g.cellStart[cell], end = g.cellStart[cell + 1]; k < end; k++) {
    const s = g.cellSegments[k];
    if (s >= minSegment) considerSegment(route.xs, route.ys, s, px, py);
  }
}

/**
 * The nearest point of the route to [lon, lat]. Segments before minSegment are ignored, so a caller
 * tracking progress on a route that passes the same street twice is not sent back to the first pass.
 */
export function nearestOnRoute(route: RouteGeometry, lon: number, lat: number, minSegment = 0): RouteMatch {
  const px = (lon - route.lon0) * route.mPerDegLon;
  const py = (lat - route.lat0) * route.mPerDegLat;
  const { xs, ys, grid: g } = route;
  const segments = Math.max(1, xs.length - 1);
  bestD2 = Infinity;
  bestSeg = -1;
  bestT = 0;
  // Any segment within k·cellM of the point crosses a cell at most k rings away from the point's cell,
  // so after scanning rings 0..k a hit no farther than k·cellM is exact. A position still farther
  // than MAX_RINGS cells (well off-route) falls back to scanning every segment.
  const c = Math.floor((px - g.minX) / g.cellM);
  const r = Math.floor((py - g.minY) / g.cellM);
  let exact = false;
  scanCell(route, c, r, px, py, minSegment);
  for (let k = 1; k <= MAX_RINGS && !exact; k++) {
    for (let i = -k; i <= k; i++) {
      scanCell(route, c + i, r - k, px, py, minSegment);
      scanCell(route, c + i, r + k, px, py, minSegment);
    }
    for (let i = -k + 1; i <= k - 1; i++) {
      scanCell(route, c - k, r + i, px, py, minSegment);
      scanCell(route, c + k, r + i, px, py, minSegment);
    }
    const reach = k * g.cellM;
    exact = bestD2 <= reach * reach;
  }
  if (!exact) for (let s = minSegment; s < segments; s++) considerSegment(xs, ys, s, px, py);
  if (bestSeg < 0) throw new RangeError(`minSegment ${minSegment} is past the route's last segment`);
  const b = Math.min(bestSeg + 1, xs.length - 1);
  const alongM = route.alongM[bestSeg] + bestT * (route.alongM[b] - route.alongM[bestSeg]);
  return {
    distanceM: Math.sqrt(bestD2),
    segmentIndex: bestSeg,
    segmentFraction: bestT,
    alongM,
    fraction: route.lengthM > 0 ? alongM / route.lengthM : 0,
  };
}

/** The route cut at a match: the part already driven and the part still ahead, sharing the cut point. */
export function splitRoute(route: RouteGeometry, match: RouteMatch): { done: [number, number][]; remaining: [number, number][] } {
  const coords = route.coordinates;
  if (coords.length === 1) return { done: [[coords[0][0], coords[0][1]]], remaining: [[coords[0][0], coords[0][1]]] };
  const s = match.segmentIndex;
  const b = Math.min(s + 1, coords.length - 1);
  const t = match.segmentFraction;
  const cut: [number, number] = [
    coords[s][0] + t * (coords[b][0] - coords[s][0]),
    coords[s][1] + t * (coords[b][1] - coords[s][1]),
  ];
  const done = coords.slice(0, s + 1).map((c) => [c[0], c[1]] as [number, number]);
  const remaining = coords.slice(b).map((c) => [c[0], c[1]] as [number, number]);
  if (t > 0) done.push(cut);
  if (t < 1) remaining.unshift(cut);
  return { done, remaining };
}
