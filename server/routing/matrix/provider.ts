/**
 * Where travel times come from (SPEC §2: OSRM | built-in road graph | haversine). The optimizer and
 * the API depend on this interface only, as VROOM wraps each routing engine behind one.
 * Coordinates are [lon, lat] (GeoJSON and OSRM order); units are seconds and metres.
 */
export type LonLat = [number, number];

export interface TravelTable {
  /** n×n, row-major: durations[i * n + j] is the time from location i to location j, seconds. */
  durations: Float64Array;
  /** n×n, row-major, metres. */
  distances: Float64Array;
  /**
   * Which engine answered, when not (only) the provider itself: the road graph says
   * `road-graph+haversine` when some locations were off its streets (`haversine` when all were).
   */
  engine?: string;
}

export interface TravelRoute {
  durationS: number;
  distanceM: number;
  /** The path through every location in order, [lon, lat]. */
  geometry: LonLat[];
  /** One per consecutive pair of locations. */
  legs: { durationS: number; distanceM: number }[];
}

export interface TravelMatrixProvider {
  /** A short name for logs and /api/health ("osrm", "road-graph", "haversine"). */
  readonly name: string;
  table(locations: LonLat[]): Promise<TravelTable>;
  route(locations: LonLat[]): Promise<TravelRoute>;
}

/** A provider's failure, with the engine's own code when it gave one (OSRM's `NoRoute`, …). */
export class TravelMatrixError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'TravelMatrixError';
  }
}
