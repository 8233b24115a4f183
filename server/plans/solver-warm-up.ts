import { buildProblem, solve, type ProblemSpec } from '../routing/solver/index.ts';
import { Random } from '../routing/solver/random.ts';

/**
 * A made-up collection day shaped like the ones the service solves: collectors
 * starting and ending at their own homes, max visits binding, windows on some
 * visits, mixed priorities, a skill, and optionally a lunch break each.
 */
export function practiceDay(breaks: boolean): ProblemSpec {
  const rng = new Random(breaks ? 2 : 1);
  const collectors = 10;
  const visits = 125;
  const size = collectors + visits;
  const xy = Array.from({ length: size }, () => [rng.next() * 12_000, rng.next() * 12_000]);
  const durations = new Float64Array(size * size);
  // 8 m/s with a 1.3 detour factor, in whole seconds like the road matrices.
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) durations[a * size + b] = Math.round((1.3 * Math.hypot(xy[a][0] - xy[b][0], xy[a][1] - xy[b][1])) / 8);
  }
  const morning = 9 * 3600;
  return {
    size,
    durations: [durations],
    vehicles: Array.from({ length: collectors }, (_, v) => ({
      start: v,
      end: v,
      shift: [8 * 3600, 17 * 3600] as const,
      maxTasks: 14,
      skills: v % 3 === 0 ? [1] : [],
      breaks: breaks ? [{ windows: [[12 * 3600, 14 * 3600] as const], service: 1800 }] : undefined,
    })),
    jobs: Array.from({ length: visits }, (_, j) => {
      const from = morning + rng.int(6) * 3600;
      return {
        location: collectors + j,
        service: 600 + rng.int(3) * 300,
        windows: j % 5 < 2 ? [[from, from + 7200] as const] : undefined,
        priority: [0, 10, 50, 90][rng.int(4)],
        skills: j % 10 === 0 ? [1] : undefined,
      };
    }),
  };
}

/**
 * Runs the solver the way the service does (a full solve, then re-plans from its
 * result after visits were cancelled or moved) on practice days, by iteration
 * counts. Inputs are cloned as postMessage clones them: V8 optimizes for the shapes
 * it has seen, and the service's specs and plans always arrive cloned. Without it a
 * fresh thread's first two 150 ms re-plans of field_160 ran 13–257 iterations
 * instead of ~500 (with it 454–565: bench:routing, "First re-plans of a fresh solver
 * thread"), the code being unoptimized or deoptimized on shapes it had not met.
 */
export function warmUpSolver(): void {
  for (const breaks of [false, true]) {
    const spec = structuredClone(practiceDay(breaks));
    const day = solve(buildProblem(spec), structuredClone({ iterations: 300, seed: 1 }));
    for (let round = 0; round < 3; round++) {
      const rng = new Random(10 + round);
      const changed = new Set(Array.from({ length: 5 }, () => rng.int(spec.jobs.length)));
      const cancel = round === 0;
      // Cancelled visits leave the problem (later jobs shift down); moved ones go to another visit's address.
      const index = spec.jobs.map((_, j) => (cancel && changed.has(j) ? -1 : j - (cancel ? [...changed].filter((c) => c < j).length : 0)));
      const jobs = cancel
        ? spec.jobs.filter((_, j) => !changed.has(j))
        : spec.jobs.map((job, j) => (changed.has(j) ? { ...job, location: spec.jobs[rng.int(spec.jobs.length)].location } : job));
      const initial = day.routes.map((route) => route.filter((j) => !changed.has(j)).map((j) => index[j]));
      const frozen = initial.map((r) => Math.min(r.length, round));
      solve(buildProblem(structuredClone({ ...spec, jobs })), structuredClone({ iterations: 150, seed: round, initial, frozen }));
    }
  }
}
