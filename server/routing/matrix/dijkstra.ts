import type { RoadGraph } from './road-graph.ts';

/**
 * One-to-all Dijkstra on a RoadGraph, minimizing duration (distance is carried along the fastest
 * path, as OSRM's table reports it). Buffers are allocated once and reused across runs, and the
 * priority queue is a binary heap over typed arrays with lazy deletion: a node may sit in the heap
 * more than once and stale entries are skipped when popped.
 */
export class Dijkstra {
  readonly durationS: Float64Array;
  readonly distanceM: Float64Array;
  /** The edge each node was reached by on the fastest path; -1 for seeds and unreached nodes. */
  readonly parentEdge: Int32Array;
  private heapKey: Float64Array;
  private heapNode: Int32Array;
  private size = 0;

  constructor(private readonly graph: RoadGraph) {
    const n = graph.nodeCount;
    this.durationS = new Float64Array(n);
    this.distanceM = new Float64Array(n);
    this.parentEdge = new Int32Array(n);
    this.heapKey = new Float64Array(graph.edgeCount + 16);
    this.heapNode = new Int32Array(graph.edgeCount + 16);
  }

  /** Runs from several seeds at once (a snapped point enters the graph at both ends of its street). */
  run(seedNodes: readonly number[], seedDurationS: readonly number[], seedDistanceM: readonly number[]): void {
    const { firstOut, edgeTarget, edgeDurationS, edgeDistanceM } = this.graph;
    const dur = this.durationS, dist = this.distanceM, parent = this.parentEdge;
    dur.fill(Infinity);
    parent.fill(-1);
    this.size = 0;
    for (let i = 0; i < seedNodes.length; i++) {
      const v = seedNodes[i];
      if (seedDurationS[i] < dur[v]) {
        dur[v] = seedDurationS[i];
        dist[v] = seedDistanceM[i];
        this.push(seedDurationS[i], v);
      }
    }
    while (this.size > 0) {
      const key = this.heapKey[0];
      const u = this.pop();
      if (key > dur[u]) continue;
      for (let e = firstOut[u], end = firstOut[u + 1]; e < end; e++) {
        const v = edgeTarget[e];
        const d = key + edgeDurationS[e];
        if (d < dur[v]) {
          dur[v] = d;
          dist[v] = dist[u] + edgeDistanceM[e];
          parent[v] = e;
          this.push(d, v);
        }
      }
    }
  }

  private push(key: number, node: number): void {
    if (this.size === this.heapKey.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.heapKey);
      const n = new Int32Array(this.size * 2);
      n.set(this.heapNode);
      this.heapKey = k;
      this.heapNode = n;
    }
    const keys = this.heapKey, nodes = this.heapNode;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      nodes[i] = nodes[p];
      i = p;
    }
    keys[i] = key;
    nodes[i] = node;
  }

  private pop(): number {
    const keys = this.heapKey, nodes = this.heapNode;
    const top = nodes[0];
    const last = --this.size;
    const key = keys[last], node = nodes[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      keys[i] = keys[c];
      nodes[i] = nodes[c];
      i = c;
    }
    keys[i] = key;
    nodes[i] = node;
    return top;
  }
}
