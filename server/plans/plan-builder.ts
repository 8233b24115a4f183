import type { Logger } from 'pino';
import type { PlanRoute, PlanStop, UnassignedReasonCode, UnassignedVisit } from '../contract/plan.ts';
import { encodePolyline } from '../routing/geometry/polyline.ts';
import type { LonLat, TravelMatrixProvider } from '../routing/matrix/index.ts';
import type { BreakPlacement, SolveOptions } from '../routing/solver/index.ts';
import { minutesToHhmm } from './local-time.ts';
import { buildPlanningProblem, type PlanningCollector, type PlanningInput, type PlanningVisit } from './planning-problem.ts';
import { scheduleRoute } from './schedule.ts';
import type { SolverThread } from './solver-thread.ts';

export interface BuilderDeps {
  provider: TravelMatrixProvider;
  solver: SolverThread;
  log: Logger;
}

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
    const result = await deps.solver.solve(
      { size: n, durations: [durations], jobs: problem.jobs, vehicles: problem.vehicles },
      { ...options, ...(warm ? { initial: problem.initial, frozen: problem.frozen } : {}) },
    );
    jobRoutes = result.routes;
    breaks = result.breaks;
    iterations = result.iterations;
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
