/**
 * The solver's internal problem: plain indices and typed arrays, no ids or JSON.
 * Built once from a ProblemSpec (see spec.ts); every hot loop reads these arrays.
 *
 * Locations: the matrix given by the caller is copied into a square matrix one
 * larger than the input, whose last index (`virtual`) is a location at zero
 * travel from everywhere. A vehicle without a start (or end) starts (ends) there,
 * so operators never branch on "has a depot".
 */
export interface Problem {
  /** Side of every matrix (input side + 1). */
  readonly side: number;
  /** Index of the zero-travel location. */
  readonly virtual: number;
  /** Travel time per vehicle (speed factor applied); vehicles may share an array. */
  readonly durations: readonly Float64Array[];
  /** Travel cost per vehicle; vehicles may share an array. */
  readonly costs: readonly Float64Array[];
  /** True when every vehicle uses the same cost array (route cost caches are then reusable across routes). */
  readonly uniformCosts: boolean;

  /**
   * Jobs the solver places: the caller's jobs (0 … userJobCount−1), then one per
   * vehicle break. A break is a job pinned to its vehicle, with windows, a
   * duration (service) and no place of its own: it is taken where the vehicle
   * is after the step before it, before driving on (its travel is 0 and it
   * carries its predecessor's location). Its priority outranks every caller job,
   * so a used vehicle always takes its breaks.
   */
  readonly jobCount: number;
  readonly userJobCount: number;
  /** isBreak[j] = 1 for break jobs; hasBreaks when any exists (hot loops skip the checks otherwise). */
  readonly isBreak: Uint8Array;
  readonly hasBreaks: boolean;
  /** For break jobs: which break of its vehicle's list it is; −1 for caller jobs. */
  readonly breakIndex: Int32Array;
  /** Job location; breaks get `virtual` (their real place is their predecessor's). */
  readonly jobLocation: Int32Array;
  readonly jobService: Float64Array;
  readonly jobPriority: Int32Array;
  /** Windows of job j are windowStart/End[windowOffset[j] .. windowOffset[j+1]), sorted, disjoint. */
  readonly windowOffset: Int32Array;
  readonly windowStart: Float64Array;
  readonly windowEnd: Float64Array;
  readonly dimensions: number;
  /** jobDelivery[j * dimensions + d]. */
  readonly jobDelivery: Float64Array;
  readonly jobPickup: Float64Array;
  /** Some jobs pick up while others deliver: load peaks inside a route must be checked. */
  readonly mixedLoads: boolean;

  readonly vehicleCount: number;
  readonly vehicleStart: Int32Array;
  readonly vehicleEnd: Int32Array;
  readonly shiftStart: Float64Array;
  readonly shiftEnd: Float64Array;
  /** capacity[v * dimensions + d]. */
  readonly capacity: Float64Array;
  /** Caller's max tasks plus the vehicle's breaks (a break is a job here, not a visit). */
  readonly maxTasks: Int32Array;
  /** Vehicles with equal class are interchangeable (same depots, shift, capacity, skills, speed). */
  readonly vehicleClass: Int32Array;
  /** compatible[j * vehicleCount + v] = 1 when v has j's skills and j is not pinned elsewhere. */
  readonly compatible: Uint8Array;
  readonly allCompatible: boolean;
  /** sameHead[a * V + b]: a route prefix timed for vehicle a is timed the same on b. */
  readonly sameHead: Uint8Array;
  readonly sameTail: Uint8Array;
}

/** Earliest service start at job j for an arrival at time t, or Infinity when every window has closed. */
export function startAfter(p: Problem, j: number, t: number): number {
  const end = p.windowOffset[j + 1];
  for (let w = p.windowOffset[j]; w < end; w++) {
    if (t <= p.windowEnd[w]) return t > p.windowStart[w] ? t : p.windowStart[w];
  }
  return Infinity;
}

/** Latest service start at job j not after t, or -Infinity when no window opens by t. */
export function latestStart(p: Problem, j: number, t: number): number {
  const begin = p.windowOffset[j];
  for (let w = p.windowOffset[j + 1] - 1; w >= begin; w--) {
    if (t >= p.windowStart[w]) return t < p.windowEnd[w] ? t : p.windowEnd[w];
  }
  return -Infinity;
}
