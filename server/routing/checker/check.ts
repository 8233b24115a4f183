/**
 * Independent feasibility checker for VROOM-format solutions (issue 4, Tests).
 * It shares no code with the solver: it reads the raw problem JSON and the
 * solution JSON and recomputes everything from the matrix. Returns one message
 * per violation; an empty list means the solution is feasible and its reported
 * figures are right.
 */

interface Job {
  id: number;
  location_index: number;
  service?: number;
  setup?: number;
  delivery?: number[];
  amount?: number[];
  pickup?: number[];
  skills?: number[];
  priority?: number;
  time_windows?: number[][];
}

interface Vehicle {
  id: number;
  profile?: string;
  start_index?: number;
  end_index?: number;
  capacity?: number[];
  skills?: number[];
  time_window?: number[];
  max_tasks?: number;
  speed_factor?: number;
  breaks?: { id: number; time_windows?: number[][]; service?: number }[];
}

interface Problem {
  jobs: Job[];
  vehicles: Vehicle[];
  matrices?: Record<string, { durations?: number[][]; costs?: number[][] }>;
  matrix?: number[][];
}

interface Step {
  type: string;
  id?: number;
  location_index?: number;
  arrival: number;
  service?: number;
  setup?: number;
  waiting_time?: number;
  duration?: number;
  load?: number[];
}

interface Route {
  vehicle: number;
  cost: number;
  duration?: number;
  service?: number;
  waiting_time?: number;
  priority?: number;
  steps: Step[];
}

interface Output {
  summary: { cost: number; unassigned: number; routes?: number; duration?: number; priority?: number };
  routes: Route[];
  unassigned: { id: number }[];
}

export interface CheckOptions {
  /** Per vehicle id, job ids that must open its route in this order (frozen visits). */
  frozen?: Record<number, number[]>;
  /** Absolute tolerance for times and costs (float matrices). */
  tolerance?: number;
}

export function checkSolution(problem: Problem, output: Output, options: CheckOptions = {}): string[] {
  const tol = options.tolerance ?? 1e-6;
  const errors: string[] = [];
  const near = (a: number, b: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
  const jobs = new Map(problem.jobs.map((j) => [j.id, j]));
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]));
  const matrixOf = (profile: string | undefined, kind: 'durations' | 'costs'): number[][] => {
    if (problem.matrices) {
      const m = problem.matrices[profile ?? 'car'] ?? Object.values(problem.matrices)[0];
      return (kind === 'costs' ? m.costs ?? m.durations : m.durations ?? m.costs)!;
    }
    return problem.matrix!;
  };
  const seen = new Map<number, string>();
  const usedVehicles = new Set<number>();
  let totalCost = 0;

  for (const route of output.routes) {
    const v = vehicles.get(route.vehicle);
    const where = `vehicle ${route.vehicle}`;
    if (!v) {
      errors.push(`${where}: no such vehicle`);
      continue;
    }
    if (usedVehicles.has(v.id)) errors.push(`${where}: has two routes`);
    usedVehicles.add(v.id);
    const durations = matrixOf(v.profile, 'durations');
    const costs = matrixOf(v.profile, 'costs');
    const speed = v.speed_factor ?? 1;
    const integral = durations.every((row) => row.every(Number.isInteger));
    const travel = (a: number, b: number) => (speed === 1 ? durations[a][b] : integral ? Math.round(durations[a][b] / speed) : durations[a][b] / speed);
    // Without a cost matrix a leg costs its travel time, speed factor included (VROOM's rule).
    const hasCosts = costs !== durations;
    const legCost = (a: number, b: number) => (hasCosts ? costs[a][b] : travel(a, b));
    const [shiftStart, shiftEnd] = v.time_window ?? [0, Infinity];
    const steps = route.steps;
    const jobSteps = steps.filter((s) => s.type === 'job');
    if (v.start_index !== undefined && (steps[0]?.type !== 'start' || steps[0].location_index !== v.start_index)) {
      errors.push(`${where}: does not start with a start step at ${v.start_index}`);
    }
    if (v.end_index !== undefined && (steps.at(-1)?.type !== 'end' || steps.at(-1)!.location_index !== v.end_index)) {
      errors.push(`${where}: does not end with an end step at ${v.end_index}`);
    }
    if (v.max_tasks !== undefined && jobSteps.length > v.max_tasks) {
      errors.push(`${where}: ${jobSteps.length} visits, max_tasks ${v.max_tasks}`);
    }
    const frozen = options.frozen?.[v.id];
    if (frozen && !frozen.every((id, i) => jobSteps[i]?.id === id)) {
      errors.push(`${where}: frozen visits ${frozen.join(',')} not kept in place`);
    }

    const capacity = v.capacity ?? [];
    const dims = Math.max(capacity.length, ...jobSteps.map((s) => jobs.get(s.id!)?.delivery?.length ?? jobs.get(s.id!)?.amount?.length ?? 0));
    const load = new Array<number>(dims).fill(0);
    for (const s of jobSteps) {
      const job = jobs.get(s.id!);
      (job?.delivery ?? job?.amount ?? []).forEach((q, d) => (load[d] += q));
    }
    const overCapacity = () => load.some((q, d) => capacity[d] !== undefined && q > capacity[d] + tol);
    if (overCapacity()) errors.push(`${where}: leaves with ${load.join('/')} over capacity ${capacity.join('/')}`);

    // Every break of a used vehicle, once each; a break is taken where the vehicle is, without travel.
    const breaks = new Map((v.breaks ?? []).map((b) => [b.id, b]));
    const breakSteps = steps.filter((s) => s.type === 'break');
    for (const b of breaks.values()) {
      const n = breakSteps.filter((s) => s.id === b.id).length;
      if (jobSteps.length > 0 && n !== 1) errors.push(`${where}: break ${b.id} taken ${n} times`);
    }
    for (const s of breakSteps) if (!breaks.has(s.id!)) errors.push(`${where}: unknown break ${s.id}`);

    let time = -Infinity;
    let at: number | undefined;
    let cost = 0;
    let duration = 0;
    for (const s of steps) {
      if (s.type === 'start') {
        if (s.arrival < shiftStart - tol) errors.push(`${where}: starts at ${s.arrival} before its shift ${shiftStart}`);
        time = s.arrival;
        at = s.location_index;
        continue;
      }
      if (s.type === 'break') {
        const b = breaks.get(s.id!);
        if (!b) continue;
        if (time === -Infinity) time = shiftStart;
        if (s.location_index !== undefined && at !== undefined && s.location_index !== at) {
          errors.push(`${where}: break ${b.id} at ${s.location_index}, vehicle is at ${at}`);
        }
        if (!near(s.arrival, time)) errors.push(`${where}: break ${b.id} arrival ${s.arrival}, expected ${time}`);
        const begin = Math.max(time, s.arrival) + (s.waiting_time ?? 0);
        if ((s.waiting_time ?? 0) < -tol) errors.push(`${where}: break ${b.id} negative waiting`);
        const windows = b.time_windows ?? [];
        if (windows.length > 0 && !windows.some(([a, e]) => begin >= a - tol && begin <= e + tol)) {
          errors.push(`${where}: break ${b.id} starts at ${begin}, outside ${JSON.stringify(windows)}`);
        }
        if (s.service !== undefined && s.service !== (b.service ?? 0)) errors.push(`${where}: break ${b.id} service ${s.service}, expected ${b.service ?? 0}`);
        time = begin + (b.service ?? 0);
        continue;
      }
      let loc = s.location_index;
      if (s.type === 'job') {
        const job = jobs.get(s.id!);
        if (!job) {
          errors.push(`${where}: unknown job ${s.id}`);
          continue;
        }
        if (seen.has(job.id)) errors.push(`job ${job.id}: served twice (${seen.get(job.id)} and ${where})`);
        seen.set(job.id, where);
        if (loc !== job.location_index) errors.push(`job ${job.id}: step at ${loc}, job at ${job.location_index}`);
        loc = job.location_index;
        const skills = new Set(v.skills ?? []);
        if (!(job.skills ?? []).every((k) => skills.has(k))) errors.push(`job ${job.id}: ${where} lacks skills ${job.skills}`);
      }
      if (at !== undefined && loc !== undefined) {
        if (time === -Infinity) time = shiftStart;
        time += travel(at, loc);
        cost += legCost(at, loc);
        duration += travel(at, loc);
      } else if (time === -Infinity) time = shiftStart;
      if (!near(s.arrival, time)) errors.push(`${where}: ${s.type} ${s.id ?? ''} arrival ${s.arrival}, expected ${time}`);
      time = Math.max(time, s.arrival);
      if (s.type === 'job') {
        const job = jobs.get(s.id!)!;
        const begin = time + (s.waiting_time ?? 0);
        if ((s.waiting_time ?? 0) < -tol) errors.push(`job ${job.id}: negative waiting`);
        const windows = job.time_windows ?? [];
        if (windows.length > 0 && !windows.some(([a, b]) => begin >= a - tol && begin <= b + tol)) {
          errors.push(`job ${job.id}: service starts at ${begin}, outside ${JSON.stringify(windows)}`);
        }
        if (s.service !== undefined && s.service !== (job.service ?? 0)) errors.push(`job ${job.id}: service ${s.service}, expected ${job.service ?? 0}`);
        time = begin + (job.setup ?? 0) + (job.service ?? 0);
        (job.delivery ?? job.amount ?? []).forEach((q, d) => (load[d] -= q));
        (job.pickup ?? []).forEach((q, d) => (load[d] += q));
        if (overCapacity()) errors.push(`${where}: load ${load.join('/')} over capacity after job ${job.id}`);
      }
      if (s.type === 'end' && time > shiftEnd + tol) errors.push(`${where}: ends at ${time} after its shift ${shiftEnd}`);
      at = loc;
    }
    if (v.end_index === undefined && time > shiftEnd + tol) errors.push(`${where}: last visit ends at ${time} after its shift ${shiftEnd}`);
    if (!near(route.cost, cost)) errors.push(`${where}: cost ${route.cost}, recomputed ${cost}`);
    if (route.duration !== undefined && !near(route.duration, duration)) errors.push(`${where}: duration ${route.duration}, recomputed ${duration}`);
    totalCost += cost;
  }

  for (const u of output.unassigned) {
    if (!jobs.has(u.id)) errors.push(`unassigned job ${u.id}: unknown`);
    if (seen.has(u.id)) errors.push(`job ${u.id}: both served and unassigned`);
    seen.set(u.id, 'unassigned');
  }
  for (const id of jobs.keys()) if (!seen.has(id)) errors.push(`job ${id}: neither served nor unassigned`);
  for (const [vid, ids] of Object.entries(options.frozen ?? {})) {
    if (ids.length > 0 && !usedVehicles.has(Number(vid))) errors.push(`vehicle ${vid}: frozen visits dropped with its route`);
  }
  if (!near(output.summary.cost, totalCost)) errors.push(`summary cost ${output.summary.cost}, recomputed ${totalCost}`);
  if (output.summary.unassigned !== output.unassigned.length) {
    errors.push(`summary unassigned ${output.summary.unassigned}, list has ${output.unassigned.length}`);
  }
  return errors;
}
