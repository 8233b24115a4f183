import { Dijkstra } from './dijkstra.ts';
import { HaversineProvider } from './haversine-provider.ts';
import { TravelMatrixError, type LonLat, type TravelMatrixProvider, type TravelRoute, type TravelTable } from './provider.ts';
import { RoadGraph, type RoadGraphOptions, type StreetNetwork } from './road-graph.ts';
import type { Snap } from './segment-index.ts';

/**
 * A location farther than this from every street is not on the graph's map: a debtor in another
 * city snapped to the demo city's nearest street would make every leg 0 m (the onboarding probe:
 * Bogotá routed over Guadalajara). 1 km is well past any geocoding error or gap between streets.
 */
export const MAX_SNAP_M = 1000;

export interface RoadGraphProviderOptions extends RoadGraphOptions {
  /** Hand the event loop back after this long within one table (ms). */
  yieldAfterMs?: number;
  /** Locations farther than this from every street are off the graph (default MAX_SNAP_M). */
  maxSnapM?: number;
  /** What times the legs to and from a location off the graph (default haversine × 1.3 at 25 km/h). */
  offGraph?: TravelMatrixProvider;
}

/**
 * Travel times over the built-in road graph: every location is snapped to its nearest street (of the
 * graph's main strongly connected part) and enters the graph at the ends of that street that its
 * direction allows. Like OSRM, the walk from the location to the street is not counted. A location
 * farther than `maxSnapM` from every street is off the graph: the legs to and from it come from the
 * `offGraph` provider (haversine × detour), and a table that needed it says so in `engine`.
 */
export class RoadGraphProvider implements TravelMatrixProvider {
  readonly name = 'road-graph';
  readonly graph: RoadGraph;
  private readonly search: Dijkstra;
  private readonly yieldAfterMs: number;
  private readonly maxSnapM: number;
  private readonly offGraph: TravelMatrixProvider;

  constructor(streets: StreetNetwork | RoadGraph, options: RoadGraphProviderOptions = {}) {
    this.graph = streets instanceof RoadGraph ? streets : new RoadGraph(streets, options);
    this.yieldAfterMs = options.yieldAfterMs ?? 20;
    this.maxSnapM = options.maxSnapM ?? MAX_SNAP_M;
    this.offGraph = options.offGraph ?? new HaversineProvider();
    this.search = new Dijkstra(this.graph);
  }

  /** The location's nearest street, or null when it is farther than `maxSnapM` from every street. */
  snap(location: LonLat): Snap | null {
    const snap = this.graph.segments.nearest(location[0], location[1]);
    if (!snap) throw new TravelMatrixError('the street network has no routable segment', 'NoSegment');
    return snap.distanceM <= this.maxSnapM ? snap : null;
  }

  async table(locations: LonLat[]): Promise<TravelTable> {
    const n = locations.length;
    const snaps = locations.map((l) => this.snap(l));
    const off = snaps.filter((s) => s === null).length;
    if (off > 0) {
      // Legs with an end off the graph keep the fallback's figures; the rest are filled below.
      const table = await this.offGraph.table(locations);
      if (off < n) await this.fill(snaps, table);
      return { ...table, engine: off === n ? this.offGraph.name : `${this.name}+${this.offGraph.name}` };
    }
    const table = { durations: new Float64Array(n * n), distances: new Float64Array(n * n) };
    await this.fill(snaps, table);
    return table;
  }

  /** Road-graph figures for every pair of snapped locations. */
  private async fill(snaps: (Snap | null)[], { durations, distances }: TravelTable): Promise<void> {
    const n = snaps.length;
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
      const from = snaps[i];
      if (!from) continue;
      this.runFrom(from);
      for (let j = 0; j < n; j++) {
        const to = snaps[j];
        if (i === j || !to) continue;
        const arrival = this.arrive(from, to);
        durations[i * n + j] = arrival.durationS;
        distances[i * n + j] = arrival.distanceM;
      }
    }
  }

  async route(locations: LonLat[]): Promise<TravelRoute> {
    if (locations.length < 2) throw new TravelMatrixError('a route needs at least two locations', 'InvalidQuery');
    const snaps = locations.map((l) => this.snap(l));
    const geometry: LonLat[] = [snaps[0]?.point ?? [locations[0][0], locations[0][1]]];
    const legs: TravelRoute['legs'] = [];
    for (let k = 1; k < snaps.length; k++) {
      const from = snaps[k - 1], to = snaps[k];
      if (!from || !to) {
        // Off the graph: the fallback's leg, drawn as the straight line it measures.
        legs.push((await this.offGraph.route([locations[k - 1], locations[k]])).legs[0]);
        pushDistinct(geometry, to?.point ?? [locations[k][0], locations[k][1]]);
        continue;
      }
      pushDistinct(geometry, from.point);
      this.runFrom(from);
      const arrival = this.arrive(from, to);
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
      pushDistinct(geometry, to.point);
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
