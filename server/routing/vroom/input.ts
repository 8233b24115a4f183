import type { JobSpec, ProblemSpec, VehicleSpec } from '../solver/problem/spec.ts';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { VroomInput } from './types.ts';

export class VroomInputError extends Error {}

/** Compiled: a 1,000-location matrix is a million numbers to check. */
const inputSchema = TypeCompiler.Compile(VroomInput);

/** A matrix given as rows, flattened row-major; checks it is square. */
function flatten(rows: number[][], what: string): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n * n);
  rows.forEach((row, a) => {
    if (!Array.isArray(row) || row.length !== n) throw new VroomInputError(`${what}: row ${a} has ${row?.length} entries, expected ${n}`);
    for (let b = 0; b < n; b++) out[a * n + b] = row[b];
  });
  return out;
}

/**
 * VROOM input → the solver's ProblemSpec. Accepts `matrices.<profile>.durations`
 * (and `costs`), or the older top-level `matrix`. Job and vehicle order is kept,
 * so solver indices map back to the input arrays.
 */
export function parseVroom(input: VroomInput): ProblemSpec {
  if (!input || !Array.isArray(input.jobs) || !Array.isArray(input.vehicles)) {
    throw new VroomInputError('input needs "jobs" and "vehicles" arrays');
  }
  // Types and ranges first: `"service": "100"` was added as text ("00100"), a negative duration
  // gave negative costs, `speed_factor: 0` infinite travel times.
  if (!inputSchema.Check(input)) {
    const e = inputSchema.Errors(input).First()!;
    throw new VroomInputError(`${e.path || 'input'}: ${e.message.toLowerCase()}${e.value === undefined ? '' : ` (got ${JSON.stringify(e.value)?.slice(0, 40)})`}`);
  }
  if (input.vehicles.length === 0) throw new VroomInputError('input has no vehicles');
  // Refused rather than ignored: a solution that silently drops shipments or limits would look valid and be wrong.
  const raw = input as unknown as { shipments?: unknown[]; vehicles: Record<string, unknown>[] };
  if (raw.shipments?.length) throw new VroomInputError('shipments (pickup-and-delivery pairs) are not supported');
  for (const v of raw.vehicles) {
    for (const key of ['costs', 'max_travel_time', 'max_distance', 'steps']) {
      if (v[key] !== undefined) throw new VroomInputError(`vehicle ${v.id}: "${key}" is not supported`);
    }
  }
  const profiles = new Map<string, number>();
  const durations: Float64Array[] = [];
  const costs: (Float64Array | undefined)[] = [];
  let size = -1;
  const addProfile = (name: string, d: number[][] | undefined, c: number[][] | undefined) => {
    const base = d ?? c;
    if (!base) throw new VroomInputError(`profile "${name}" has neither durations nor costs`);
    const dm = flatten(base, `${name}.durations`);
    const n = base.length;
    if (d && c && c.length !== n) throw new VroomInputError(`profile "${name}": costs is ${c.length}×${c.length}, durations ${n}×${n}`);
    if (size >= 0 && n !== size) throw new VroomInputError(`profile "${name}" matrix is ${n}×${n}, others ${size}×${size}`);
    size = n;
    profiles.set(name, durations.length);
    durations.push(dm);
    costs.push(c ? flatten(c, `${name}.costs`) : undefined);
  };
  if (input.matrices) {
    for (const [name, m] of Object.entries(input.matrices)) addProfile(name, m.durations, m.costs);
  } else if (input.matrix) {
    addProfile('car', input.matrix, undefined);
  }
  if (size < 0) throw new VroomInputError('input has no "matrices" (or "matrix"); Ronda needs a matrix, it does not call a routing engine here');
  // Every amount has as many dimensions as every capacity: VROOM refuses the rest too.
  const amounts: [number[], string][] = [
    ...input.vehicles.flatMap((v) => (v.capacity ? [[v.capacity, `vehicle ${v.id} capacity`] as [number[], string]] : [])),
    ...input.jobs.flatMap((j) => (['delivery', 'pickup', 'amount'] as const).flatMap((k) => (j[k] ? [[j[k], `job ${j.id} ${k}`] as [number[], string]] : []))),
  ];
  const odd = amounts.find(([a]) => a.length !== amounts[0][0].length);
  if (odd) throw new VroomInputError(`${odd[1]} has ${odd[0].length} dimensions, ${amounts[0][1]} ${amounts[0][0].length}`);
  const seenVehicles = new Set<number>();
  for (const v of input.vehicles) {
    if (seenVehicles.has(v.id)) throw new VroomInputError(`duplicate vehicle id ${v.id}`);
    seenVehicles.add(v.id);
    if (v.time_window && !(v.time_window[0] <= v.time_window[1])) throw new VroomInputError(`vehicle ${v.id}: time_window must be [start, end] with start ≤ end`);
  }

  const checkIndex = (i: number | undefined, what: string) => {
    if (i !== undefined && (!Number.isInteger(i) || i < 0 || i >= size)) {
      throw new VroomInputError(`${what}: index ${i} outside the ${size}×${size} matrix`);
    }
  };
  const checkWindows = (windows: [number, number][] | undefined, what: string) => {
    if (windows === undefined) return;
    if (!Array.isArray(windows) || windows.length === 0 || windows.some((w) => !Array.isArray(w) || w.length !== 2 || !(w[0] <= w[1]))) {
      throw new VroomInputError(`${what}: time_windows must be a non-empty list of [start, end] pairs with start ≤ end`);
    }
  };
  const seenJobs = new Set<number>();
  const jobs: JobSpec[] = input.jobs.map((job) => {
    if (seenJobs.has(job.id)) throw new VroomInputError(`duplicate job id ${job.id}`);
    seenJobs.add(job.id);
    if (job.location_index === undefined) throw new VroomInputError(`job ${job.id} has no location_index`);
    checkIndex(job.location_index, `job ${job.id}`);
    checkWindows(job.time_windows, `job ${job.id}`);
    return {
      location: job.location_index,
      // Setup and service both happen at the location; the solver knows one on-site time.
      service: (job.service ?? 0) + (job.setup ?? 0),
      windows: job.time_windows,
      priority: job.priority ?? 0,
      delivery: job.delivery ?? job.amount,
      pickup: job.pickup,
      skills: job.skills,
    };
  });
  const vehicles: VehicleSpec[] = input.vehicles.map((v) => {
    checkIndex(v.start_index, `vehicle ${v.id} start`);
    checkIndex(v.end_index, `vehicle ${v.id} end`);
    const profile = profiles.get(v.profile ?? 'car') ?? (profiles.size === 1 ? 0 : undefined);
    if (profile === undefined) throw new VroomInputError(`vehicle ${v.id}: no matrix for profile "${v.profile ?? 'car'}"`);
    const breakIds = new Set<number>();
    const breaks = (v.breaks ?? []).map((b) => {
      if (breakIds.has(b.id)) throw new VroomInputError(`vehicle ${v.id}: duplicate break id ${b.id}`);
      breakIds.add(b.id);
      if (b.max_load !== undefined) throw new VroomInputError(`vehicle ${v.id} break ${b.id}: max_load is not supported`);
      checkWindows(b.time_windows, `vehicle ${v.id} break ${b.id}`);
      return { windows: b.time_windows, service: b.service ?? 0 };
    });
    return {
      start: v.start_index,
      end: v.end_index,
      shift: v.time_window,
      capacity: v.capacity,
      maxTasks: v.max_tasks,
      skills: v.skills,
      speedFactor: v.speed_factor,
      profile,
      breaks,
    };
  });
  return { size, durations, costs, jobs, vehicles };
}
