import { startAfter, type Problem } from '../solver/problem/problem.ts';
import type { SolveResult } from '../solver/solve.ts';
import type { VroomInput, VroomOutput, VroomRoute, VroomStep } from './types.ts';

const sum = (a: number[], b: readonly number[] | undefined) => a.map((x, d) => x + (b?.[d] ?? 0));

/** Earliest start at or after t inside one of the windows (none given: any time). */
function startWithin(windows: readonly [number, number][] | undefined, t: number): number {
  if (!windows || windows.length === 0) return t;
  const open = [...windows].sort((a, b) => a[0] - b[0]).find(([, end]) => t <= end);
  return open ? Math.max(t, open[0]) : Infinity;
}

/**
 * Solver result → VROOM's solution JSON. Each vehicle leaves as late as it can
 * without delaying its first visit (no idle wait at the first door); every later
 * time is the earliest service start.
 */
export function toVroomOutput(problem: Problem, input: VroomInput, result: SolveResult, loadingMs = 0): VroomOutput {
  const dims = problem.dimensions;
  const zero = () => new Array<number>(dims).fill(0);
  const side = problem.side;
  const routes: VroomRoute[] = [];
  result.routes.forEach((jobs, v) => {
    if (jobs.length === 0) return;
    const vehicle = input.vehicles[v];
    const D = problem.durations[v];
    const C = problem.costs[v];
    const startLoc = problem.vehicleStart[v];
    const firstLoc = problem.jobLocation[jobs[0]];
    const firstStart = startAfter(problem, jobs[0], problem.shiftStart[v] + D[startLoc * side + firstLoc]);
    const breaks = result.breaks.filter((b) => b.vehicle === v);
    // A break before the first visit is timed from the shift start, as the solver timed it.
    let t = breaks.some((b) => b.after === 0) ? problem.shiftStart[v] : Math.max(problem.shiftStart[v], firstStart - D[startLoc * side + firstLoc]);
    let at = startLoc;
    let travel = 0;
    let cost = 0;
    let service = 0;
    let setup = 0;
    let waiting = 0;
    let priority = 0;
    let delivery = zero();
    let pickup = zero();
    for (const j of jobs) {
      delivery = sum(delivery, input.jobs[j].delivery ?? input.jobs[j].amount);
      pickup = sum(pickup, input.jobs[j].pickup);
    }
    let load = delivery.slice();
    const steps: VroomStep[] = [];
    const step = (type: VroomStep['type'], location: number, arrival: number, extra: Partial<VroomStep>): VroomStep => ({
      type, location_index: location, setup: 0, service: 0, waiting_time: 0, load: load.slice(), arrival, duration: travel,
      violations: [], ...extra,
    });
    if (vehicle.start_index !== undefined) steps.push(step('start', vehicle.start_index, t, {}));
    // A break is taken where the vehicle is, before it drives on (see Problem.jobCount).
    const takeBreaks = (after: number) => {
      for (const b of breaks) {
        if (b.after !== after) continue;
        const brk = vehicle.breaks![b.index];
        const begin = startWithin(brk.time_windows, t);
        const taken = step('break', at, t, { id: brk.id, service: brk.service ?? 0, waiting_time: begin - t });
        if (at === problem.virtual) delete taken.location_index;
        steps.push(taken);
        waiting += begin - t;
        service += brk.service ?? 0;
        t = begin + (brk.service ?? 0);
      }
    };
    takeBreaks(0);
    for (const [i, j] of jobs.entries()) {
      const l = problem.jobLocation[j];
      travel += D[at * side + l];
      cost += C[at * side + l];
      const arrival = t + D[at * side + l];
      const begin = startAfter(problem, j, arrival);
      const job = input.jobs[j];
      const dropped = job.delivery ?? job.amount ?? [];
      load = load.map((x, d) => x - (dropped[d] ?? 0) + (job.pickup?.[d] ?? 0));
      steps.push(step('job', l, arrival, { id: job.id, job: job.id, setup: job.setup ?? 0, service: job.service ?? 0, waiting_time: begin - arrival }));
      waiting += begin - arrival;
      service += job.service ?? 0;
      setup += job.setup ?? 0;
      priority += job.priority ?? 0;
      t = begin + problem.jobService[j];
      at = l;
      takeBreaks(i + 1);
    }
    const endLoc = problem.vehicleEnd[v];
    travel += D[at * side + endLoc];
    cost += C[at * side + endLoc];
    if (vehicle.end_index !== undefined) steps.push(step('end', vehicle.end_index, t + D[at * side + endLoc], {}));
    routes.push({
      vehicle: vehicle.id, cost, delivery, amount: delivery, pickup, setup, service, duration: travel,
      waiting_time: waiting, priority, steps, violations: [],
    });
  });
  const total = (f: (r: VroomRoute) => number) => routes.reduce((a, r) => a + f(r), 0);
  const totalLoad = (f: (r: VroomRoute) => number[]) => routes.reduce((a, r) => sum(a, f(r)), zero());
  return {
    code: 0,
    summary: {
      cost: total((r) => r.cost),
      routes: routes.length,
      unassigned: result.unassigned.length,
      delivery: totalLoad((r) => r.delivery),
      amount: totalLoad((r) => r.delivery),
      pickup: totalLoad((r) => r.pickup),
      setup: total((r) => r.setup),
      service: total((r) => r.service),
      duration: total((r) => r.duration),
      waiting_time: total((r) => r.waiting_time),
      priority: total((r) => r.priority),
      violations: [],
      computing_times: { loading: Math.round(loadingMs), solving: Math.round(result.elapsedMs), routing: 0 },
    },
    unassigned: result.unassigned.map(({ job, reason }) => ({
      id: input.jobs[job].id, location_index: input.jobs[job].location_index, type: 'job', reason,
    })),
    routes,
  };
}
