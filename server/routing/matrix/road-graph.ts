import { haversineM } from '../geometry/haversine.ts';
import { largestStronglyConnected } from './components.ts';
import { SegmentIndex } from './segment-index.ts';

/**
 * Any GeoJSON FeatureCollection of LineStrings: the demo city, or streets exported from OpenStreetMap.
 * Structural, so callers need not share our types.
 */
export interface StreetNetwork {
  features: readonly {
    geometry: { type: string; coordinates: readonly (readonly number[])[] } | null;
    properties?: { speedKph?: number; oneway?: boolean | string } | null;
  }[];
}

export interface RoadGraphOptions {
  /** For features without a usable speedKph. */
  defaultSpeedKph?: number;
}

/**
 * A directed street graph in compressed sparse row form: the out-edges of node u are
 * firstOut[u] .. firstOut[u + 1] - 1. Every LineString vertex is a node, and vertices at the same
 * coordinate (to 1e-7°, ~1 cm) are one node, which is how crossing streets connect.
 */
export class RoadGraph {
  readonly nodeCount: number;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly firstOut: Int32Array;
  readonly edgeSource: Int32Array;
  readonly edgeTarget: Int32Array;
  readonly edgeDurationS: Float64Array;
  readonly edgeDistanceM: Float64Array;
  /**
   * Undirected street segments for snapping: segment s joins segA[s] → segB[s]; segForward[s] is the
   * edge a→b (-1 when one-way against it) and segBackward[s] the edge b→a.
   */
  readonly segA: Int32Array;
  readonly segB: Int32Array;
  readonly segForward: Int32Array;
  readonly segBackward: Int32Array;
  /** Nodes of the largest strongly connected component: every snapped point reaches every other. */
  readonly inMainComponent: Uint8Array;
  readonly mainComponentSize: number;
  readonly segments: SegmentIndex;

  constructor(streets: StreetNetwork, options: RoadGraphOptions = {}) {
    const defaultSpeed = options.defaultSpeedKph ?? 30;
    const ids = new Map<string, number>();
    const lons: number[] = [];
    const lats: number[] = [];
    const nodeOf = (c: readonly number[]) => {
      const key = `${Math.round(c[0] * 1e7)},${Math.round(c[1] * 1e7)}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = lons.push(c[0]) - 1;
        lats.push(c[1]);
        ids.set(key, id);
      }
      return id;
    };
    const from: number[] = [], to: number[] = [], dur: number[] = [], dist: number[] = [];
    const segments: { a: number; b: number; forward: number; backward: number }[] = [];
    for (const f of streets.features) {
      if (f.geometry?.type !== 'LineString') continue;
      const speed = Number(f.properties?.speedKph);
      const metresPerSecond = (Number.isFinite(speed) && speed > 0 ? speed : defaultSpeed) / 3.6;
      const direction = onewayDirection(f.properties?.oneway);
      const coords = f.geometry.coordinates;
      for (let i = 1; i < coords.length; i++) {
        const a = nodeOf(coords[i - 1]);
        const b = nodeOf(coords[i]);
        if (a === b) continue;
        const d = haversineM([lons[a], lats[a]], [lons[b], lats[b]]);
        const seg = { a, b, forward: -1, backward: -1 };
        if (direction >= 0) seg.forward = from.push(a) - 1;
        if (direction >= 0) to.push(b), dur.push(d / metresPerSecond), dist.push(d);
        if (direction <= 0) seg.backward = from.push(b) - 1;
        if (direction <= 0) to.push(a), dur.push(d / metresPerSecond), dist.push(d);
        segments.push(seg);
      }
    }
    this.nodeCount = lons.length;
    this.lon = Float64Array.from(lons);
    this.lat = Float64Array.from(lats);

    // Counting sort of edges by source into CSR order; segment edge ids are remapped to match.
    const m = from.length;
    this.firstOut = new Int32Array(this.nodeCount + 1);
    for (let e = 0; e < m; e++) this.firstOut[from[e] + 1]++;
    for (let u = 0; u < this.nodeCount; u++) this.firstOut[u + 1] += this.firstOut[u];
    const fill = this.firstOut.slice(0, this.nodeCount);
    const position = new Int32Array(m);
    this.edgeSource = new Int32Array(m);
    this.edgeTarget = new Int32Array(m);
    this.edgeDurationS = new Float64Array(m);
    this.edgeDistanceM = new Float64Array(m);
    for (let e = 0; e < m; e++) {
      const p = fill[from[e]]++;
      position[e] = p;
      this.edgeSource[p] = from[e];
      this.edgeTarget[p] = to[e];
      this.edgeDurationS[p] = dur[e];
      this.edgeDistanceM[p] = dist[e];
    }
    this.segA = Int32Array.from(segments, (s) => s.a);
    this.segB = Int32Array.from(segments, (s) => s.b);
    this.segForward = Int32Array.from(segments, (s) => (s.forward < 0 ? -1 : position[s.forward]));
    this.segBackward = Int32Array.from(segments, (s) => (s.backward < 0 ? -1 : position[s.backward]));

    this.inMainComponent = largestStronglyConnected(this.nodeCount, this.firstOut, this.edgeTarget);
    this.mainComponentSize = this.inMainComponent.reduce((sum, v) => sum + v, 0);
    const snappable = segments.map((s) => this.inMainComponent[s.a] === 1 && this.inMainComponent[s.b] === 1);
    this.segments = new SegmentIndex(this.lon, this.lat, this.segA, this.segB, snappable);
  }

  get edgeCount(): number {
    return this.edgeTarget.length;
  }
}

/** OSM's oneway tag: yes/true/1 = along the coordinates, -1/reverse = against them, else two-way. */
function onewayDirection(value: boolean | string | undefined): -1 | 0 | 1 {
  if (value === true || value === 'yes' || value === 'true' || value === '1') return 1;
  if (value === '-1' || value === 'reverse') return -1;
  return 0;
}
