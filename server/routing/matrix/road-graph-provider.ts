import { Dijkstra } from './dijkstra.ts';
import { TravelMatrixError, type LonLat, type TravelMatrixProvider, type TravelRoute, type TravelTable } from './provider.ts';
import { RoadGraph, type RoadGraphOptions, type StreetNetwork } from './road-graph.ts';
import type { Snap } from './segment-index.ts';

/**
 * Travel times over the built-in road graph: every location is snapped to its nearest street (of the
 * graph's main strongly connected part) and enters the graph at the ends of that street that its
 * direction allows. Like OSRM, the walk from the location to the street is not counted.
 */
export class RoadGraphProvider implements TravelMatrixProvider {
  readonly name = 'road-graph';
  readonly graph: RoadGraph;
  private readonly search: Dijkstra;
  private readonly yieldAfterMs: number;

  constructor(streets: StreetNetwork | RoadGraph, options: RoadGraphOptions & { yieldAfterMs?: number } = {}) {
    this.graph = streets instanceof RoadGraph ? streets : new RoadGraph(streets, options);
    this.yieldAfterMs = options.yieldAfterMs ?? 20;
    this.search = new Dijkstra(this.graph);
  }

  snap(location: LonLat): Snap {
    const snap = this.graph.segments.nearest(location[0], location[1]);
    if (!snap) throw new TravelMatrixError('the street network has no routable segment', 'NoSegment');
    return snap;
  }

  async table(locations: LonLat[]): Promise<TravelTable> {
    const n = locations.length;
    const snaps = locations.map((l) => this.snap(l));
    const durations = new Float64Array(n * n);
    const distances = new Float64Array(n * n);
    let sliceStart = performance.now();
    for (let i = 0; i < n; i++) {
      // A 2,000-location table is about a second of CPU: hand the event loop back every ~20 ms so
      // ingest keeps acknowledging devices meanwhile (SPEC §2: ACK after commit, without stalls).
      // A run and the reads of its results never straddle an await, so concurrent tables can share
      // the one search buffer.
      if (performance.now() - sliceStart >= this.yieldAfterMs) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      this.runFrom(snaps[i]);
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const arrival = this.arrive(snaps[i], snaps[j]);
        durations[i * n + j] = arrival.durationS;
        distances[i * n + j] = arrival.distanceM;
      }
    }
    return { durations, distances };
  }

  async route(locations: LonLat[]): Promise<TravelRoute> {
    if (locations.length < 2) throw new TravelMatrixError('a route needs at least two locations', 'InvalidQuery');
    const snaps = locations.map((l) => this.snap(l));
    const geometry: LonLat[] = [snaps[0].point];
    const legs: TravelRoute['legs'] = [];
    for (let k = 1; k < snaps.length; k++) {
      this.runFrom(snaps[k - 1]);
      const arrival = this.arrive(snaps[k - 1], snaps[k]);
      legs.push({ durationS: arrival.durationS, distanceM: arrival.distanceM });
      if (arrival.via >= 0) {
        const path: LonLat[] = [];
        for (let v = arrival.via; ; ) {
          path.push([this.graph.lon[v], this.graph.lat[v]]);
          const e = this.search.parentEdge[v];
          if (e < 0) break;
          v = this.graph.edgeSource[e];
        }
        for (const point of path.reverse()) pushDistinct(geometry, point);
      }
      pushDistinct(geometry, snaps[k].point);
    }
    return {
      durationS: legs.reduce((sum, l) => sum + l.durationS, 0),
      distanceM: legs.reduce((sum, l) => sum + l.distanceM, 0),
      geometry,
      legs,
    };
  }

  /** Seeds the search with the ends of the source's street reachable in its allowed directions. */
  private runFrom(source: Snap): void {
    const g = this.graph;
    const nodes: number[] = [], durs: number[] = [], dists: number[] = [];
    const forward = g.segForward[source.segment];
    const backward = g.segBackward[source.segment];
    if (forward >= 0) {
      nodes.push(g.segB[source.segment]);
      durs.push((1 - source.t) * g.edgeDurationS[forward]);
      dists.push((1 - source.t) * g.edgeDistanceM[forward]);
    }
    if (backward >= 0) {
      nodes.push(g.segA[source.segment]);
      durs.push(source.t * g.edgeDurationS[backward]);
      dists.push(source.t * g.edgeDistanceM[backward]);
    }
    this.search.run(nodes, durs, dists);
  }

  /**
   * Cost to the target after runFrom(source), into this.arrival (reused: the table asks n² times):
   * through either end of the target's street, or straight along a shared street when its direction
   * allows. via is the graph node the path leaves the network at (-1 for the shared-street case).
   */
  private readonly arrival = { durationS: Infinity, distanceM: Infinity, via: -1 };

  private arrive(source: Snap, target: Snap): { durationS: number; distanceM: number; via: number } {
    const g = this.graph;
    const { durationS: dur, distanceM: dist } = this.search;
    const forward = g.segForward[target.segment];
    const backward = g.segBackward[target.segment];
    const best = this.arrival;
    best.durationS = best.distanceM = Infinity;
    best.via = -1;
    if (forward >= 0) {
      const a = g.segA[target.segment];
      const d = dur[a] + target.t * g.edgeDurationS[forward];
      if (d < best.durationS) {
        best.durationS = d;
        best.distanceM = dist[a] + target.t * g.edgeDistanceM[forward];
        best.via = a;
      }
    }
    if (backward >= 0) {
      const b = g.segB[target.segment];
      const d = dur[b] + (1 - target.t) * g.edgeDurationS[backward];
      if (d < best.durationS) {
        best.durationS = d;
        best.distanceM = dist[b] + (1 - target.t) * g.edgeDistanceM[backward];
        best.via = b;
      }
    }
    if (source.segment === target.segment) {
      const along = target.t - source.t;
      const edge = along >= 0 ? forward : backward;
      const d = edge >= 0 ? Math.abs(along) * g.edgeDurationS[edge] : Infinity;
      if (edge >= 0 && d <= best.durationS) {
        best.durationS = d;
        best.distanceM = Math.abs(along) * g.edgeDistanceM[edge];
        best.via = -1;
      }
    }
    return best;
  }
}

/** A snapped point that falls on a node would otherwise repeat it in the geometry. */
function pushDistinct(line: LonLat[], point: LonLat): void {
  const last = line[line.length - 1];
  if (last[0] !== point[0] || last[1] !== point[1]) line.push(point);
}
