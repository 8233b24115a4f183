import { insertGreedy } from './construction/insertion.ts';
import { insertRegret } from './construction/regret.ts';
import { SearchContext } from './local-search/context.ts';
import { LocalSearch } from './local-search/local-search.ts';
import { exchangeUnassigned } from './local-search/unassigned-exchange.ts';
import { ruin } from './perturbation/ruin.ts';
import { nearestNeighbours } from './problem/neighbors.ts';
import type { Problem } from './problem/problem.ts';
import { Random } from './random.ts';
import { explainUnassigned, type UnassignedReason } from './solution/reasons.ts';
import { better, Solution, type Objective } from './solution/solution.ts';
import { keepUnchangedRoutes, startFrom } from './solution/warm-start.ts';

export interface SolveOptions {
  /** Wall-clock budget; the run stops at the first iteration boundary past it. */
  timeLimitMs?: number;
  /** Ruin-and-recreate iterations; with no time limit this makes a run exactly reproducible. */
  iterations?: number;
  seed?: number;
  /**
   * Measure the time limit in this process's CPU time instead of wall-clock time,
   * so a benchmark on a busy machine gets the budget it asks for (VROOM's
   * reference figures are CPU seconds).
   */
  cpuClock?: boolean;
  /** Warm start: the current job order per vehicle (indices into problem jobs). */
  initial?: readonly (readonly number[])[];
  /** Per vehicle, how many leading jobs of `initial` are frozen (done, in progress, locked). */
  frozen?: readonly number[];
  /** Stop once this many iterations in a row found no better solution (before the budget runs out). */
  patience?: number;
}

/** Where a vehicle takes one of its breaks: `after` visits of its route (0 = before the first). */
export interface BreakPlacement {
  vehicle: number;
  /** Index into that vehicle's `breaks`. */
  index: number;
  after: number;
}

export interface SolveResult {
  /** Job indices per vehicle, in visiting order (breaks are in `breaks`). */
  routes: number[][];
  /** Breaks of every used vehicle, in route order; an unused vehicle takes none. */
  breaks: BreakPlacement[];
  unassigned: { job: number; reason: UnassignedReason }[];
  objective: Objective;
  iterations: number;
  elapsedMs: number;
}

const LS_NEIGHBOURS = 20;
const RUIN_NEIGHBOURS = 60;
/**
 * Start temperature as a multiple of the first solution's average cost per visit.
 * A hot start (SISR's 100 → 1 on Solomon-sized costs is in this range) lets each
 * cycle leave the previous best's grouping of visits: at 0.3, field_160's 5 s
 * solves ended 1–4 % apart by seed, at 4 within 0.3–0.7 %.
 */
const TEMPERATURE = 4;
/**
 * A re-plan (a warm start whose routes hold movable visits) begins from a good plan
 * with a small budget: cool, so its few iterations improve that plan instead of
 * wandering away from it. Frozen prefixes alone do not make a re-plan.
 */
const WARM_TEMPERATURE = 0.3;
const FIRST_CYCLE = 250;
/**
 * Max-tasks relaxation during annealing (cold solves only): routes may hold one job over
 * their limit at 1× the first solution's average cost per visit, and an overfull result
 * is repaired at 10× that. field_160 (160 visits, 12 × 14 slots), 5 s, seeds 1–32: mean
 * 53,880 instead of 53,989, with route swaps 53,846; 2 slack 53,869, 0.5× 53,916 and
 * 2× penalty 53,969 (seeds 1–16), no repair 54,025 (seeds 1–8, baseline 53,985).
 */
const TASK_SLACK = 1;
const TASK_PENALTY = 1;
const REPAIR_FACTOR = 10;

/**
 * Solves a problem: construction (regret and greedy insertion, several seeds),
 * granular local search, then ruin-and-recreate with simulated-annealing
 * acceptance until the time or iteration budget runs out (Schrimpf et al. 2000;
 * Christiaens & Vanden Berghe 2020). Sync and pure: same problem, options and
 * seed give the same result, except where the clock ends a time-limited run.
 */
export function solve(problem: Problem, options: SolveOptions = {}): SolveResult {
  const now = options.cpuClock ? cpuMs : () => performance.now();
  const started = now();
  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  const maxIterations = options.iterations ?? (options.timeLimitMs === undefined ? 1000 : Infinity);
  const rng = new Random(options.seed ?? 1);
  const related = nearestNeighbours(problem, RUIN_NEIGHBOURS);
  const neighbours = related.map((n) => n.subarray(0, LS_NEIGHBOURS));

  const s = new Solution(problem);
  const ctx = new SearchContext(problem, s, neighbours);
  const ls = new LocalSearch(ctx);
  if (options.initial) startFrom(s, options.initial, options.frozen ?? []);
  construct(s, rng, () => now() >= deadline);
  ls.run(rng);

  let best = s.routes.map((r) => r.jobs);
  let bestObjective = s.objective();
  let current = bestObjective;
  const replan = options.initial?.some((jobs, v) => jobs.length > (options.frozen?.[v] ?? 0)) ?? false;
  const t0 = ((replan ? WARM_TEMPERATURE : TEMPERATURE) * current.cost) / Math.max(1, current.served);
  const average = Math.min(10, Math.max(2, Math.round(problem.userJobCount / 10)));
  // A re-plan stays strict: relaxed, its few iterations wandered (worst +1.96 % instead of +0.85 %).
  if (!replan && s.unassigned().length === 0) relaxMaxTasks(s, (TASK_PENALTY * current.cost) / Math.max(1, current.served));
  // Annealing cycles of doubling length, each cooling from t0 to t0/100 and
  // restarting from the best solution: iteration-based (so reproducible), and
  // short runs still get complete cycles.
  let cycleLength = FIRST_CYCLE;
  let cycleStart = 0;
  let iterations = 0;
  let lastBetter = 0;
  const patience = options.patience ?? Infinity;
  while (iterations < maxIterations && now() < deadline && problem.jobCount > 0 && iterations - lastBetter < patience) {
    if (iterations - cycleStart >= cycleLength) {
      cycleStart = iterations;
      cycleLength *= 2;
      restoreChanged(s, best);
      s.dirty.fill(0);
      current = bestObjective;
    }
    const temperature = t0 * Math.pow(0.01, (iterations - cycleStart) / cycleLength);
    const saved = s.routes.map((r) => r.jobs);
    ruin(s, related, rng, average, 10);
    recreate(s, rng);
    ls.run(rng);
    iterations++;
    let excess = s.taskPenalty > 0 ? s.excess() : 0;
    if (excess > 0) {
      repair(s, ls, rng);
      excess = s.excess();
    }
    const next = s.objective();
    // An overfull solution competes at its penalised cost but never becomes the best.
    next.cost += s.taskPenalty * excess;
    const accept =
      better(next, current) ||
      (next.priority === current.priority &&
        next.served === current.served &&
        next.cost < current.cost - temperature * Math.log(rng.next()));
    if (accept) {
      current = next;
      if (excess === 0 && better(next, bestObjective)) {
        lastBetter = iterations;
        bestObjective = next;
        best = s.routes.map((r) => r.jobs);
      }
    } else {
      // Back to the previous solution, which local search had already left with nothing to improve.
      restoreChanged(s, saved);
      s.dirty.fill(0);
    }
  }
  restoreChanged(s, best);
  strictMaxTasks(s);
  // What still fits goes in: a run the clock stopped may have left one out by a recreate's blink.
  const left = s.unassigned().length;
  insertGreedy(s, byPriority(problem, s.unassigned()), undefined, 0);
  if (exchangeUnassigned(s) || s.unassigned().length < left) ls.run(rng);
  if (options.initial) keepUnchangedRoutes(s, options.initial);
  return { ...result(s), iterations, elapsedMs: now() - started };
}

/** The solution in the caller's terms: visits and breaks apart, the objective over visits only. */
function result(s: Solution): Pick<SolveResult, 'routes' | 'breaks' | 'unassigned' | 'objective'> {
  const p = s.problem;
  const breaks: BreakPlacement[] = [];
  const routes = s.routes.map((route, v) => {
    // A vehicle that only takes breaks is not used at all.
    if (p.hasBreaks && route.jobs.every((j) => p.isBreak[j] === 1)) s.setJobs(v, []);
    const visits: number[] = [];
    for (const j of route.jobs) {
      if (p.isBreak[j] === 1) breaks.push({ vehicle: v, index: p.breakIndex[j], after: visits.length });
      else visits.push(j);
    }
    return visits;
  });
  let priority = 0;
  let cost = 0;
  for (const route of s.routes) cost += route.cost;
  for (const visits of routes) for (const j of visits) priority += p.jobPriority[j];
  const unassigned = s.unassigned().filter((j) => p.isBreak[j] === 0);
  return {
    routes,
    breaks,
    unassigned: unassigned.map((job) => ({ job, reason: explainUnassigned(p, s, job) })),
    objective: { priority, served: routes.reduce((n, r) => n + r.length, 0), cost },
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Puts back every route whose job list differs from `routes` (job lists are never mutated in place). */
function restoreChanged(s: Solution, routes: readonly number[][]): void {
  for (let r = 0; r < routes.length; r++) if (s.routes[r].jobs !== routes[r]) s.setJobs(r, routes[r]);
}

/** Jobs sorted by priority, highest first, ties in the given order (Array.sort is stable). */
function byPriority(p: Problem, jobs: number[]): number[] {
  return jobs.sort((a, b) => p.jobPriority[b] - p.jobPriority[a]);
}

/**
 * Inserts every unassigned job: best of several seeded constructions from the current
 * routes, as many as the budget allows past the first (1,000 jobs: ~0.35 s each).
 */
function construct(s: Solution, rng: Random, outOfTime: () => boolean): void {
  const p = s.problem;
  const start = s.routes.map((r) => r.jobs);
  const pending = s.unassigned();
  if (pending.length === 0) return;
  let best: number[][] | undefined;
  let bestObjective: Objective | undefined;
  const regretAffordable = pending.length * s.routes.length <= 100_000 && s.routes.length > 1;
  const seeds = regretAffordable ? 3 : 2;
  for (let k = 0; k < seeds && (k === 0 || !outOfTime()); k++) {
    restoreChanged(s, start);
    if (regretAffordable && k < 2) insertRegret(s, byPriority(p, pending.slice()), rng, k * 0.5);
    else insertGreedy(s, byPriority(p, rng.shuffle(pending.slice())), undefined, 0);
    const objective = s.objective();
    if (!bestObjective || better(objective, bestObjective)) {
      bestObjective = objective;
      best = s.routes.map((r) => r.jobs);
    }
  }
  restoreChanged(s, best!);
}

/** Recreate step: unassigned jobs back in, highest priority first, in one of SISR's orders, with blinks. */
function recreate(s: Solution, rng: Random): void {
  const p = s.problem;
  const jobs = s.unassigned();
  const order = rng.int(4);
  if (order === 0) rng.shuffle(jobs);
  else if (order === 1) {
    const load = (j: number) => p.jobDelivery[j * p.dimensions] + p.jobPickup[j * p.dimensions];
    rng.shuffle(jobs).sort((a, b) => load(b) - load(a));
  } else {
    const C = p.costs[0];
    const depot = p.vehicleStart[0];
    const far = (j: number) => C[depot * p.side + p.jobLocation[j]];
    rng.shuffle(jobs).sort((a, b) => (order === 2 ? far(b) - far(a) : far(a) - far(b)));
  }
  insertGreedy(s, byPriority(p, jobs), rng, 0.01);
}

/**
 * Lets annealing overfill a route by TASK_SLACK jobs at `penalty` each (Vidal et al. 2012's
 * penalised infeasibility, for max tasks): with max tasks binding, routes at their limit
 * can otherwise only trade jobs one for one. Only when every job is served, so that an
 * overfull solution never outranks a feasible one on jobs served.
 */
function relaxMaxTasks(s: Solution, penalty: number): void {
  const p = s.problem;
  for (let v = 0; v < p.vehicleCount; v++) s.taskLimit[v] = p.maxTasks[v] + TASK_SLACK;
  s.taskPenalty = penalty;
}

/** Back to max tasks as given, for the passes after annealing. */
function strictMaxTasks(s: Solution): void {
  s.taskLimit.set(s.problem.maxTasks);
  s.taskPenalty = 0;
}

/** HGS's repair: local search again at REPAIR_FACTOR × the penalty, from the jobs of overfull routes. */
function repair(s: Solution, ls: LocalSearch, rng: Random): void {
  const p = s.problem;
  const penalty = s.taskPenalty;
  s.taskPenalty = penalty * REPAIR_FACTOR;
  for (const route of s.routes) if (route.size > p.maxTasks[route.vehicle]) for (const j of route.jobs) s.dirty[j] = 1;
  ls.run(rng);
  s.taskPenalty = penalty;
}
