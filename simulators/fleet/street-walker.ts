import type { StreetCollection } from '../demo-city/geojson.ts';

type LonLat = [number, number];

/** The street network as an undirected graph of shared vertices: enough to wander, or to ride a route given as its vertices. */
export class StreetGraph {
  readonly nodes: LonLat[] = [];
  readonly adjacency: number[][] = [];
  private index = new Map<string, number>();

  constructor(streets: StreetCollection) {
    for (const f of streets.features) {
      const coords = f.geometry.coordinates as LonLat[];
      for (let i = 1; i < coords.length; i++) this.link(this.node(coords[i - 1]), this.node(coords[i]));
    }
  }

  private node(c: LonLat): number {
    let id = this.index.get(key(c));
    if (id === undefined) {
      id = this.nodes.length;
      this.index.set(key(c), id);
      this.nodes.push([c[0], c[1]]);
      this.adjacency.push([]);
    }
    return id;
  }

  nearestNode(lon: number, lat: number): number {
    let best = 0;
    let bestD = Infinity;
    const k = Math.cos((lat * Math.PI) / 180);
    for (let i = 0; i < this.nodes.length; i++) {
      const dx = (this.nodes[i][0] - lon) * k;
      const dy = this.nodes[i][1] - lat;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** A random node between minM and maxM in a straight line from `c` (the nearest node when there is none). */
  nodeAround(c: readonly [number, number], minM: number, maxM: number, rand: () => number): number {
    const ring: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const d = metres(c, this.nodes[i]);
      if (d >= minM && d <= maxM) ring.push(i);
    }
    return ring.length > 0 ? ring[Math.floor(rand() * ring.length)] : this.nearestNode(c[0], c[1]);
  }

  /** The node at exactly this street vertex, else the nearest one (a point part-way along a street). */
  nodeAt(c: readonly [number, number]): number {
    return this.index.get(key(c)) ?? this.nearestNode(c[0], c[1]);
  }

  private link(a: number, b: number): void {
    if (a === b) return;
    if (!this.adjacency[a].includes(b)) this.adjacency[a].push(b);
    if (!this.adjacency[b].includes(a)) this.adjacency[b].push(a);
  }
}

const key = (c: readonly [number, number]) => `${c[0].toFixed(6)},${c[1].toFixed(6)}`;

const M_PER_DEG_LAT = 111_320;

function metres(a: readonly [number, number], b: readonly [number, number]): number {
  const dx = (b[0] - a[0]) * M_PER_DEG_LAT * Math.cos((a[1] * Math.PI) / 180);
  const dy = (b[1] - a[1]) * M_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

/**
 * Moves along streets at a given speed, choosing a new street at each
 * corner (never straight back unless it is a dead end).
 */
export class StreetWalker {
  private from: number;
  private to: number;
  private along = 0;
  /** Nodes still to visit on the way to a destination; empty = wander. */
  private route: number[] = [];
  private routing = false;
  heading = 0;

  constructor(
    readonly graph: StreetGraph,
    start: number,
    private readonly rand: () => number,
  ) {
    this.from = start;
    this.to = this.next(start, -1);
  }

  get position(): LonLat {
    const a = this.graph.nodes[this.from];
    const b = this.graph.nodes[this.to];
    const len = this.segmentM(a, b);
    const f = len > 0 ? Math.min(1, this.along / len) : 0;
    return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
  }

  advance(meters: number): void {
    let left = meters;
    for (let guard = 0; left > 0 && guard < 1000; guard++) {
      const a = this.graph.nodes[this.from];
      const b = this.graph.nodes[this.to];
      const len = this.segmentM(a, b);
      this.heading = (Math.atan2((b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180), b[1] - a[1]) * 180) / Math.PI;
      if (this.heading < 0) this.heading += 360;
      if (this.along + left < len) {
        this.along += left;
        return;
      }
      left -= len - this.along;
      const prev = this.from;
      this.from = this.to;
      this.along = 0;
      if (this.routing && this.route.length === 0) {
        // At the destination: stay until told where to go next.
        this.to = this.from;
        this.routing = false;
        return;
      }
      this.to = this.routing ? this.route.shift()! : this.next(this.from, prev);
    }
  }

  /**
   * Rides a path (street vertices, as a router's route geometry) from wherever it is now; `arrived`
   * tells when it reached the path's end.
   */
  follow(path: readonly (readonly [number, number])[]): void {
    const nodes: number[] = [];
    for (const c of path) {
      const n = this.graph.nodeAt(c);
      if (n !== nodes.at(-1)) nodes.push(n);
    }
    // Part-way along a street, it first rides to that street's end.
    if (nodes[0] === this.to) nodes.shift();
    if (this.from === this.to) this.to = nodes.shift() ?? this.from;
    this.route = nodes;
    this.routing = this.from !== this.to;
  }

  /** Stands still at a node (the demo placing a collector somewhere), wandering from there unless sent elsewhere. */
  placeAt(node: number): void {
    this.from = this.to = node;
    this.along = 0;
    this.route = [];
    this.routing = false;
  }

  /** At the end of the last path followed (and not wandering). */
  get arrived(): boolean {
    return !this.routing && this.from === this.to;
  }

  private next(node: number, prev: number): number {
    const options = this.graph.adjacency[node];
    if (options.length === 0) return node;
    const forward = options.filter((n) => n !== prev);
    const pool = forward.length > 0 ? forward : options;
    return pool[Math.floor(this.rand() * pool.length)];
  }

  private segmentM(a: LonLat, b: LonLat): number {
    return metres(a, b);
  }
}
