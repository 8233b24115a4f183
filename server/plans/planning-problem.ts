import type { VisitStatus } from '../contract/visit.ts';
import type { LonLat } from '../routing/matrix/index.ts';
import type { JobSpec, VehicleSpec } from '../routing/solver/index.ts';

/** A visit as the optimizer sees it (issue 4), joined from visits, accounts and visit_plan. */
export interface PlanningVisit {
  id: number;
  version: number;
  accountId: number;
  accountName: string;
  address: string;
  lat: number | null;
  lon: number | null;
  /** Minutes after local midnight. */
  windowStartMin: number | null;
  windowEndMin: number | null;
  serviceMinutes: number;
  priority: number;
  status: VisitStatus;
  collectorId: number | null;
  pinned: boolean;
  locked: boolean;
  skills: string[];
  /** Place in the current plan, 1-based. */
  sequence: number | null;
}

export interface PlanningCollector {
  id: number;
  name: string;
  skills: string[];
  /** Null: no fixed start, the route begins at its first visit (the solver's open start, as VROOM's vehicle without `start`). */
  start: LonLat | null;
  startKind: 'office' | 'position' | 'first_visit';
  /** Seconds after local midnight: shift start, or now when the day is under way. */
  departS: number;
  shiftEndS: number;
  /** Null: no fixed end, the route ends at its last visit. */
  end: LonLat | null;
  maxVisits: number;
  /** Travel times are divided by it (VROOM's speed_factor). */
  speedFactor: number;
  /** Seconds after local midnight: when the break may start, and its length. */
  break: { windowS: readonly [number, number]; durationS: number } | null;
}

export interface PlanningInput {
  collectors: PlanningCollector[];
  visits: PlanningVisit[];
  /** Start from each collector's current order (reassign); otherwise only the frozen head is kept. */
  warm: boolean;
  /** A dispatcher's order for a collector: kept as given (frozen), the rest follows. */
  orders?: ReadonlyMap<number, readonly number[]>;
  /** Visits just moved to another collector: not part of anyone's current order, construction places them. */
  fresh?: ReadonlySet<number>;
  /**
   * A dispatcher's change (reassign): every visit stays with its collector, only the `fresh` ones
   * changed hands. Free to share them out again, the re-plan of a move handed the moved visit's
   * neighbours to the other collector too (one move moved 12).
   */
  keepCollectors?: boolean;
  /** Optimize shares the day out (TeamPlanSettings `evenShare`, even-share.ts); a re-plan never does. */
  evenShare?: boolean;
}

/** A ProblemSpec waiting for its matrix: locations are indices into `locations`. */
export interface PlanningProblem {
  locations: LonLat[];
  collectors: PlanningCollector[];
  jobs: JobSpec[];
  vehicles: VehicleSpec[];
  /** Job index → visit. */
  jobVisits: PlanningVisit[];
  initial: number[][];
  frozen: number[];
  noLocation: PlanningVisit[];
}

/**
 * Above the 0–100 scale: the solver places a visit just moved first and keeps it whatever else it
 * costs, so a route that cannot hold it beside its own visits shows as one of them left out, which
 * refuses the move (reassign-changes.ts `assertChangesKept`) rather than dropping that visit.
 */
const MOVED_PRIORITY = 101;
const IN_PROGRESS: ReadonlySet<VisitStatus> = new Set(['en_route', 'arrived']);
const keyOf = ([lon, lat]: LonLat) => `${lon.toFixed(6)},${lat.toFixed(6)}`;

/**
 * Turns a day's visits and collectors into the solver's terms: seconds since
 * local midnight, matrix indices, integer skills. Locations are deduplicated
 * and sorted, so the same set of places asks the (cached) matrix provider for
 * the same table whatever order the visits came in.
 */
export function buildPlanningProblem(input: PlanningInput): PlanningProblem {
  const collectors = [...input.collectors].sort((a, b) => a.id - b.id);
  const routable = input.visits.filter((v) => v.lat !== null && v.lon !== null);
  const noLocation = input.visits.filter((v) => v.lat === null || v.lon === null);

  const byKey = new Map<string, LonLat>();
  for (const c of collectors) for (const p of [c.start, c.end]) if (p) byKey.set(keyOf(p), p);
  for (const v of routable) byKey.set(keyOf([v.lon!, v.lat!]), [v.lon!, v.lat!]);
  const keys = [...byKey.keys()].sort();
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  const locations = keys.map((k) => byKey.get(k)!);

  const skillIds = new Map<string, number>();
  const skillId = (s: string) => skillIds.get(s) ?? (skillIds.set(s, skillIds.size), skillIds.size - 1);
  const vehicleOf = new Map(collectors.map((c, i) => [c.id, i]));

  const vehicles: VehicleSpec[] = collectors.map((c) => ({
    start: c.start ? indexOf.get(keyOf(c.start)) : undefined,
    end: c.end ? indexOf.get(keyOf(c.end)) : undefined,
    shift: [Math.min(c.departS, c.shiftEndS), c.shiftEndS] as const,
    maxTasks: c.maxVisits,
    skills: c.skills.map(skillId),
    speedFactor: c.speedFactor,
    breaks: c.break ? [{ windows: [c.break.windowS], service: c.break.durationS }] : undefined,
  }));

  const jobOf = new Map(routable.map((v, j) => [v.id, j]));
  const jobs: JobSpec[] = routable.map((v) => {
    const own = v.collectorId === null ? undefined : vehicleOf.get(v.collectorId);
    // A visit under way cannot change hands; pinned and locked ones stay where the dispatcher put them,
    // and in a dispatcher's change every visit does: moving one visit moves no other.
    const keep = own !== undefined && (input.keepCollectors || v.pinned || v.locked || IN_PROGRESS.has(v.status));
    return {
      location: indexOf.get(keyOf([v.lon!, v.lat!]))!,
      service: v.serviceMinutes * 60,
      // A visit under way is happening whatever its window said: a collector at the door past its close still finishes it.
      windows: v.windowStartMin !== null && v.windowEndMin !== null && !IN_PROGRESS.has(v.status) ? [[v.windowStartMin * 60, v.windowEndMin * 60] as const] : undefined,
      priority: input.fresh?.has(v.id) ? Math.max(v.priority, MOVED_PRIORITY) : v.priority,
      skills: v.skills.map(skillId),
      vehicle: keep ? own : undefined,
    };
  });

  const initial: number[][] = [];
  const frozen: number[] = [];
  for (const c of collectors) {
    const { order, fixed } = currentOrder(
      routable.filter((v) => v.collectorId === c.id && !input.fresh?.has(v.id)),
      input.orders?.get(c.id),
    );
    const jobsInOrder = order.map((v) => jobOf.get(v.id)!);
    initial.push(input.warm ? jobsInOrder : jobsInOrder.slice(0, fixed));
    frozen.push(fixed);
  }
  return { locations, collectors, jobs, vehicles, jobVisits: routable, initial, frozen, noLocation };
}

/**
 * A collector's current order and how much of its head is fixed. Visits under
 * way come first (they are happening now), then the plan's order. The head up
 * to the last visit under way or locked is frozen: a locked visit keeps its
 * place, so what comes before it stays too. A dispatcher's order is frozen whole.
 */
export function currentOrder(visits: PlanningVisit[], given?: readonly number[]): { order: PlanningVisit[]; fixed: number } {
  const rank = (v: PlanningVisit) => (IN_PROGRESS.has(v.status) ? 0 : 1);
  const sorted = [...visits].sort((a, b) => rank(a) - rank(b) || (a.sequence ?? Infinity) - (b.sequence ?? Infinity) || a.id - b.id);
  if (given) {
    const listed = given.map((id) => sorted.find((v) => v.id === id)).filter((v): v is PlanningVisit => v !== undefined);
    const rest = sorted.filter((v) => !given.includes(v.id));
    return { order: [...listed, ...rest], fixed: listed.length };
  }
  let fixed = 0;
  sorted.forEach((v, i) => {
    if (v.locked || IN_PROGRESS.has(v.status)) fixed = i + 1;
  });
  return { order: sorted, fixed };
}
