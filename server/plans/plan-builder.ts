import type { Logger } from 'pino';
import type { PlanRoute, PlanStop, UnassignedReasonCode, UnassignedVisit } from '../contract/plan.ts';
import { encodePolyline } from '../routing/geometry/polyline.ts';
import type { LonLat, TravelMatrixProvider } from '../routing/matrix/index.ts';
import type { BreakPlacement, JobSpec, SolveOptions, UnassignedReason } from '../routing/solver/index.ts';
import { evenShareVehicles } from './even-share.ts';
import { minutesToHhmm } from './local-time.ts';
import { buildPlanningProblem, type PlanningCollector, type PlanningInput, type PlanningVisit } from './planning-problem.ts';
import { scheduleRoute } from './schedule.ts';
import type { SolverThread } from './solver-thread.ts';

export interface BuilderDeps {
  provider: TravelMatrixProvider;
  solver: SolverThread;
  log: Logger;
}

/** The re-solves that place what the even share left out start from its routes: short, as a reassignment's. */
const RESHARE_LIMIT_MS = 300;
const RESHARE_PATIENCE = 500;

export interface ComputedPlan {
  /** One route per planned collector, visit versions as loaded. */
  routes: Map<number, PlanRoute>;
  unassigned: { visit: PlanningVisit; reason: UnassignedReasonCode }[];
  iterations: number;
  /** The engine the travel times came from (`road-graph+haversine` when some places were off the road graph). */
  provider: string;
}

/**
 * Plans the given collectors over the given visits: matrix from the provider
 * (cached by location set), solve in the solver thread, then ETAs, distances
 * and the road geometry of every route. `midnightMs` anchors the solver's
 * seconds-since-local-midnight to instants.
 */
export async function computePlan(deps: BuilderDeps, input: PlanningInput, midnightMs: number, options: SolveOptions): Promise<ComputedPlan> {
  const problem = buildPlanningProblem(input);
  const unassigned: ComputedPlan['unassigned'] = problem.noLocation.map((visit) => ({ visit, reason: 'no_location' }));
  const routes = new Map<number, PlanRoute>();
  if (problem.collectors.length === 0) {
    for (const visit of problem.jobVisits) unassigned.push({ visit, reason: 'no_collector' });
    return { routes, unassigned, iterations: 0, provider: deps.provider.name };
  }

  const n = problem.locations.length;
  const table = await deps.provider.table(problem.locations);
  // Whole seconds and metres: the solver, the ETAs and the phone then agree to the second.
  const durations = table.durations.map(Math.round);
  const distances = table.distances.map(Math.round);
  let jobRoutes: number[][] = problem.collectors.map(() => []);
  let breaks: BreakPlacement[] = [];
  let iterations = 0;
  if (problem.jobs.length > 0) {
    const warm = problem.initial.some((r) => r.length > 0);
    const spec = { size: n, durations: [durations], jobs: problem.jobs };
    const shared = input.evenShare ? evenShareVehicles(problem.vehicles, problem.jobs.length) : null;
    let result = await deps.solver.solve(
      { ...spec, vehicles: shared ?? problem.vehicles },
      { ...options, ...(warm ? { initial: problem.initial, frozen: problem.frozen } : {}) },
    );
    iterations = result.iterations;
    // The share must never serve less than the collectors' own limits would: what it left out that they could hold is
    // placed with the limits lifted, first around the shared-out routes (each visit kept with its collector: free, the
    // solver piled the day back onto a few of them), then, if some still fits nowhere, with every visit free to move.
    for (const keep of [true, false]) {
      if (!shared || !result.unassigned.some((u) => LIMITED.has(u.reason))) break;
      const jobs = keep ? keptWith(problem.jobs, result.routes) : problem.jobs;
      result = await deps.solver.solve({ ...spec, jobs, vehicles: problem.vehicles }, { ...reshareBudget(options), initial: result.routes, frozen: problem.frozen });
      iterations += result.iterations;
    }
    jobRoutes = result.routes;
    breaks = result.breaks;
    for (const u of result.unassigned) unassigned.push({ visit: problem.jobVisits[u.job], reason: u.reason });
  }

  const iso = (s: number) => new Date(midnightMs + Math.round(s) * 1000).toISOString();
  await Promise.all(
    problem.collectors.map(async (c, v) => {
      const vehicle = problem.vehicles[v];
      const visits = jobRoutes[v].map((j) => problem.jobVisits[j]);
      const sched = scheduleRoute(
        { size: n, durations, distances },
        vehicle.start,
        vehicle.end,
        vehicle.shift![0],
        jobRoutes[v].map((j) => ({ location: problem.jobs[j].location, serviceS: problem.jobs[j].service ?? 0, window: problem.jobs[j].windows?.[0] ?? null })),
        {
          speedFactor: c.speedFactor,
          breaks: breaks
            .filter((b) => b.vehicle === v)
            .map((b) => ({ after: b.after, window: c.break!.windowS, durationS: c.break!.durationS })),
        },
      );
      const stops: PlanStop[] = visits.map((visit, i) => {
        const s = sched.stops[i];
        return {
          visitId: visit.id,
          visitVersion: visit.version,
          sequence: i + 1,
          accountId: visit.accountId,
          accountName: visit.accountName,
          address: visit.address,
          lat: visit.lat!,
          lon: visit.lon!,
          status: visit.status,
          priority: visit.priority,
          window: visit.windowStartMin !== null && visit.windowEndMin !== null ? { start: minutesToHhmm(visit.windowStartMin), end: minutesToHhmm(visit.windowEndMin) } : null,
          serviceMinutes: visit.serviceMinutes,
          locked: visit.locked,
          pinned: visit.pinned,
          arrivalAt: iso(s.arrivalS),
          waitS: s.waitS,
          eta: iso(s.startS),
          departureAt: iso(s.departureS),
          travelS: s.travelS,
          distanceM: s.distanceM,
        };
      });
      const departS = vehicle.shift![0];
      // An open start or end is the first or last visit's place (none on a route without visits).
      const first = visits[0], last = visits[visits.length - 1];
      const place = (p: LonLat | null, v: PlanningVisit | undefined, s: number) => ({ lon: p?.[0] ?? v?.lon ?? null, lat: p?.[1] ?? v?.lat ?? null, at: iso(s) });
      routes.set(c.id, {
        collectorId: c.id,
        collectorName: c.name,
        startKind: c.startKind,
        start: place(c.start, first, departS),
        endKind: c.end ? 'office' : 'last_visit',
        end: place(c.end, last, sched.endS),
        shiftEndAt: iso(Math.max(c.shiftEndS, sched.endS)),
        stops,
        distanceM: sched.distanceM,
        durationS: sched.endS - departS,
        travelS: sched.travelS,
        serviceS: sched.serviceS,
        waitS: sched.waitS,
        polyline: visits.length ? await geometry(deps, c, visits) : '',
        ...(sched.breaks.length ? { breaks: sched.breaks.map((b) => ({ afterSequence: b.after, startAt: iso(b.startS), endAt: iso(b.endS) })) } : {}),
      });
    }),
  );
  return { routes, unassigned, iterations, provider: table.engine ?? deps.provider.name };
}

/** Why a visit is left out that a route with room might still take; the other reasons hold for any plan. */
const LIMITED: ReadonlySet<UnassignedReason> = new Set(['max_tasks', 'shift_full']);

/** Each job on a route pinned to that route's vehicle. */
function keptWith(jobs: readonly JobSpec[], routes: readonly (readonly number[])[]): JobSpec[] {
  const out = [...jobs];
  routes.forEach((route, v) => {
    for (const j of route) out[j] = { ...jobs[j], vehicle: v };
  });
  return out;
}

/** A reproducible run stays reproducible (iterations, same seed); a timed one gets a short time. */
function reshareBudget(o: SolveOptions): SolveOptions {
  const counted = o.iterations !== undefined && o.timeLimitMs === undefined;
  return counted
    ? { seed: o.seed, iterations: Math.min(o.iterations!, RESHARE_PATIENCE), patience: RESHARE_PATIENCE }
    : { seed: o.seed, timeLimitMs: Math.min(o.timeLimitMs ?? RESHARE_LIMIT_MS, RESHARE_LIMIT_MS), patience: RESHARE_PATIENCE };
}

/** The road path through the stops; if the engine cannot route it, the straight lines between them (logged). */
async function geometry(deps: BuilderDeps, c: PlanningCollector, visits: PlanningVisit[]): Promise<string> {
  const points: LonLat[] = [...(c.start ? [c.start] : []), ...visits.map((v) => [v.lon!, v.lat!] as LonLat), ...(c.end ? [c.end] : [])];
  // One visit on an open route: a place, no path.
  if (points.length < 2) return '';
  try {
    return encodePolyline((await deps.provider.route(points)).geometry);
  } catch (err) {
    deps.log.warn({ collectorId: c.id, err: (err as Error).message }, 'route geometry unavailable; straight lines between stops');
    return encodePolyline(points);
  }
}

export function toUnassigned(u: ComputedPlan['unassigned']): UnassignedVisit[] {
  return u.map(({ visit, reason }) => ({ visitId: visit.id, accountName: visit.accountName, priority: visit.priority, reason }));
}
