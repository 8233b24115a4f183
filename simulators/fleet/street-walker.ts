import type { StreetCollection } from '../demo-city/geojson.ts';

type LonLat = [number, number];

/** The street network as an undirected graph of shared vertices: enough to wander like a person on foot or motorbike. */
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
    const key = `${c[0].toFixed(6)},${c[1].toFixed(6)}`;
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.nodes.length;
      this.index.set(key, id);
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

  /** Shortest path by street length (Dijkstra; the demo city has a few thousand nodes, so a linear-scan queue is enough). */
  path(from: number, to: number): number[] {
    const n = this.nodes.length;
    const dist = new Float64Array(n).fill(Infinity);
    const prev = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    dist[from] = 0;
    for (;;) {
      let u = -1;
      for (let i = 0; i < n; i++) if (!done[i] && dist[i] < Infinity && (u === -1 || dist[i] < dist[u])) u = i;
      if (u === -1 || u === to) break;
      done[u] = 1;
      for (const v of this.adjacency[u]) {
        const d = dist[u] + metres(this.nodes[u], this.nodes[v]);
        if (d < dist[v]) {
          dist[v] = d;
          prev[v] = u;
        }
      }
    }
    if (dist[to] === Infinity) return [];
    const out: number[] = [];
    for (let v = to; v !== -1; v = prev[v]) out.push(v);
    return out.reverse();
  }

  private link(a: number, b: number): void {
    if (a === b) return;
    if (!this.adjacency[a].includes(b)) this.adjacency[a].push(b);
    if (!this.adjacency[b].includes(a)) this.adjacency[b].push(a);
  }
}

const M_PER_DEG_LAT = 111_320;

function metres(a: LonLat, b: LonLat): number {
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

  /** Heads for a node along the shortest streets; `arrived` tells when it is there. */
  goTo(node: number): void {
    if (this.from === this.to) {
      this.route = this.graph.path(this.from, node).slice(1);
      this.to = this.route.shift() ?? this.from;
    } else {
      this.route = this.graph.path(this.to, node).slice(1);
    }
    this.routing = this.from !== this.to;
  }

  /** Stands still at a node (the demo placing a collector somewhere), wandering from there unless sent elsewhere. */
  placeAt(node: number): void {
    this.from = this.to = node;
    this.along = 0;
    this.route = [];
    this.routing = false;
  }

  /** At the destination of the last goTo (and not wandering). */
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
