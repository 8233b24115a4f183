import type { Problem } from './problem.ts';

/**
 * What a caller (the VROOM adapter, the benchmark readers, the Ronda adapter)
 * hands the solver. Units are the caller's: times and matrix entries share one
 * unit (seconds for VROOM), locations are indices into the matrix.
 */
export interface JobSpec {
  location: number;
  service?: number;
  /** [start, end] pairs; none means "any time within the shift". */
  windows?: readonly (readonly [number, number])[];
  /** 0–100, higher is served first when not everything fits. */
  priority?: number;
  delivery?: readonly number[];
  pickup?: readonly number[];
  skills?: readonly number[];
  /** Index of the only vehicle allowed to serve this job. */
  vehicle?: number;
}

/** A driver break (VROOM's `breaks[]`): taken where the vehicle is, within one of its windows. */
export interface BreakSpec {
  /** [start, end] pairs for the break's start; none means any time in the shift. */
  windows?: readonly (readonly [number, number])[];
  /** Duration. */
  service?: number;
}

export interface VehicleSpec {
  start?: number;
  end?: number;
  shift?: readonly [number, number];
  capacity?: readonly number[];
  maxTasks?: number;
  skills?: readonly number[];
  /** Travel times are divided by this (VROOM's speed_factor). */
  speedFactor?: number;
  /** Which of ProblemSpec.durations/costs this vehicle uses (VROOM profiles). */
  profile?: number;
  breaks?: readonly BreakSpec[];
}

export interface ProblemSpec {
  /** Side of the square matrices. */
  size: number;
  /** Row-major size×size travel times, one per profile. */
  durations: readonly ArrayLike<number>[];
  /** Row-major travel costs per profile; defaults to the durations. */
  costs?: readonly (ArrayLike<number> | undefined)[];
  jobs: readonly JobSpec[];
  vehicles: readonly VehicleSpec[];
}

function expand(size: number, m: ArrayLike<number>, factor: number, round: boolean): Float64Array {
  const side = size + 1;
  const out = new Float64Array(side * side);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const v = m[a * size + b] / factor;
      out[a * side + b] = round ? Math.round(v) : v;
    }
  }
  return out;
}

function isIntegral(m: ArrayLike<number>): boolean {
  for (let i = 0; i < m.length; i++) if (!Number.isInteger(m[i])) return false;
  return true;
}

export function buildProblem(spec: ProblemSpec): Problem {
  const side = spec.size + 1;
  const virtual = spec.size;
  const V = spec.vehicles.length;
  const breakJobs = spec.vehicles.flatMap((v, i) =>
    (v.breaks ?? []).map((b, k) => ({ vehicle: i, index: k, windows: b.windows, service: b.service })),
  );
  const U = spec.jobs.length;
  const J = U + breakJobs.length;
  // A break outranks every caller job together: a used vehicle keeps its breaks.
  const breakPriority = 100 * (U + 1) + 1;
  const dims = Math.max(
    1,
    ...spec.jobs.map((j) => Math.max(j.delivery?.length ?? 0, j.pickup?.length ?? 0)),
    ...spec.vehicles.map((v) => v.capacity?.length ?? 0),
  );

  const durationCache = new Map<string, Float64Array>();
  const costCache = new Map<number, Float64Array>();
  const durations: Float64Array[] = [];
  const costs: Float64Array[] = [];
  for (const v of spec.vehicles) {
    const profile = v.profile ?? 0;
    const factor = v.speedFactor ?? 1;
    const key = `${profile}:${factor}`;
    let d = durationCache.get(key);
    if (!d) {
      const m = spec.durations[profile];
      if (!m || m.length !== spec.size * spec.size) {
        throw new Error(`profile ${profile}: the duration matrix has ${m?.length ?? 0} entries, expected ${spec.size}×${spec.size}`);
      }
      // VROOM rounds scaled durations of an integer matrix; keep float matrices exact.
      d = expand(spec.size, m, factor, factor !== 1 && isIntegral(m));
      durationCache.set(key, d);
    }
    durations.push(d);
    // Without a cost matrix the cost is the vehicle's travel time, speed factor included (as VROOM's).
    const given = spec.costs?.[profile];
    let c = given ? costCache.get(profile) : d;
    if (!c) {
      c = expand(spec.size, given!, 1, false);
      costCache.set(profile, c);
    }
    costs.push(c);
  }

  const isBreak = new Uint8Array(J);
  const breakIndex = new Int32Array(J).fill(-1);
  const jobLocation = new Int32Array(J);
  const jobService = new Float64Array(J);
  const jobPriority = new Int32Array(J);
  const windowOffset = new Int32Array(J + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  const jobDelivery = new Float64Array(J * dims);
  const jobPickup = new Float64Array(J * dims);
  let anyDelivery = false;
  let anyPickup = false;
  const addWindows = (j: number, given: JobSpec['windows']) => {
    windowOffset[j] = starts.length;
    const windows = [...(given ?? [[-Infinity, Infinity] as const])].sort((a, b) => a[0] - b[0]);
    // Overlapping or nested windows are merged: the O(1) checks read them as disjoint and ordered
    // ([[0, 1000], [10, 20]] read as "start by 20" and left a job out).
    for (const [s, e] of windows) {
      if (starts.length > windowOffset[j] && s <= ends[ends.length - 1]) ends[ends.length - 1] = Math.max(ends[ends.length - 1], e);
      else {
        starts.push(s);
        ends.push(e);
      }
    }
  };
  spec.jobs.forEach((job, j) => {
    jobLocation[j] = job.location;
    jobService[j] = job.service ?? 0;
    jobPriority[j] = job.priority ?? 0;
    addWindows(j, job.windows);
    job.delivery?.forEach((q, d) => {
      jobDelivery[j * dims + d] = q;
      if (q) anyDelivery = true;
    });
    job.pickup?.forEach((q, d) => {
      jobPickup[j * dims + d] = q;
      if (q) anyPickup = true;
    });
  });
  breakJobs.forEach((b, k) => {
    const j = U + k;
    isBreak[j] = 1;
    breakIndex[j] = b.index;
    jobLocation[j] = virtual;
    jobService[j] = b.service ?? 0;
    jobPriority[j] = breakPriority;
    addWindows(j, b.windows);
  });
  windowOffset[J] = starts.length;

  const vehicleStart = new Int32Array(V);
  const vehicleEnd = new Int32Array(V);
  const shiftStart = new Float64Array(V);
  const shiftEnd = new Float64Array(V);
  const capacity = new Float64Array(V * dims).fill(Infinity);
  const maxTasks = new Int32Array(V);
  const vehicleClass = new Int32Array(V);
  const classes = new Map<string, number>();
  spec.vehicles.forEach((v, i) => {
    vehicleStart[i] = v.start ?? virtual;
    vehicleEnd[i] = v.end ?? virtual;
    shiftStart[i] = v.shift?.[0] ?? 0;
    // Open-ended, but finite: an unreachable window makes a service start of Infinity, and
    // "Infinity ≤ Infinity" let such a job into a route with a null arrival.
    shiftEnd[i] = v.shift?.[1] ?? Number.MAX_SAFE_INTEGER;
    v.capacity?.forEach((q, d) => (capacity[i * dims + d] = q));
    // A used vehicle takes all its breaks (VROOM's rule); one no window of which fits the shift leaves the
    // vehicle unused. Unchecked, the vehicle drove without it and a visit took the break's slot in max tasks.
    const breakOutside = (v.breaks ?? []).some((b) => !(b.windows ?? [[-Infinity, Infinity]]).some(([ws, we]) => ws <= shiftEnd[i] - (b.service ?? 0) && we >= shiftStart[i]));
    maxTasks[i] = breakOutside ? 0 : Math.min((v.maxTasks ?? U) + (v.breaks?.length ?? 0), 0x7fffffff);
    const key = JSON.stringify([
      vehicleStart[i], vehicleEnd[i], shiftStart[i], shiftEnd[i], v.capacity ?? [], maxTasks[i],
      [...(v.skills ?? [])].sort(), v.speedFactor ?? 1, v.profile ?? 0, v.breaks ?? [],
    ]);
    if (!classes.has(key)) classes.set(key, classes.size);
    vehicleClass[i] = classes.get(key)!;
  });

  const compatible = new Uint8Array(J * V);
  let allCompatible = true;
  spec.jobs.forEach((job, j) => {
    spec.vehicles.forEach((v, i) => {
      const skills = new Set(v.skills ?? []);
      const ok = (job.skills ?? []).every((s) => skills.has(s)) && (job.vehicle === undefined || job.vehicle === i);
      compatible[j * V + i] = ok ? 1 : 0;
      if (!ok) allCompatible = false;
    });
  });
  breakJobs.forEach((b, k) => {
    compatible[(U + k) * V + b.vehicle] = 1;
    if (V > 1) allCompatible = false;
  });

  const sameHead = new Uint8Array(V * V);
  const sameTail = new Uint8Array(V * V);
  for (let a = 0; a < V; a++) {
    for (let b = 0; b < V; b++) {
      const sameClock = durations[a] === durations[b];
      sameHead[a * V + b] = sameClock && vehicleStart[a] === vehicleStart[b] && shiftStart[a] === shiftStart[b] ? 1 : 0;
      sameTail[a * V + b] = sameClock && vehicleEnd[a] === vehicleEnd[b] && shiftEnd[a] === shiftEnd[b] ? 1 : 0;
    }
  }

  return {
    side, virtual, durations, costs, uniformCosts: new Set(costs).size <= 1,
    jobCount: J, userJobCount: U, isBreak, hasBreaks: breakJobs.length > 0, breakIndex, jobLocation, jobService, jobPriority, windowOffset,
    windowStart: Float64Array.from(starts), windowEnd: Float64Array.from(ends),
    dimensions: dims, jobDelivery, jobPickup, mixedLoads: anyDelivery && anyPickup,
    vehicleCount: V, vehicleStart, vehicleEnd, shiftStart, shiftEnd, capacity, maxTasks, vehicleClass,
    compatible, allCompatible, sameHead, sameTail,
  };
}
