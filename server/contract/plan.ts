import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './auth.ts';
import { CalendarDate } from './request-values.ts';
import type { RefusalTable } from './refusal.ts';
import { TimeWindow, VISIT_STATUSES } from './visit.ts';

const DateOnly = CalendarDate();
const Instant = Type.String({ format: 'date-time' });
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' });

/**
 * Why a visit is left out of a plan: the solver's reasons (issue 4: `skill`,
 * `window`, `capacity`, `max_tasks`, `shift_full`) plus two the data decides
 * before any solving: the account has no coordinates, or the team has no
 * active collector that day.
 */
export const UNASSIGNED_REASONS = ['skill', 'window', 'capacity', 'max_tasks', 'shift_full', 'no_location', 'no_collector'] as const;
export type UnassignedReasonCode = (typeof UNASSIGNED_REASONS)[number];

/**
 * Why a plan change met a day that had moved on (409 `reason`), for a board to word it:
 * `version`, someone changed the visit since it was read (the message names who and when);
 * `closed`, the visit is done, missed or cancelled; `not_on_route`, it is not on the route
 * the change names (moved elsewhere, or left unassigned); `changed`, a visit the re-plan (or
 * optimization) read changed while it was computed (a check-in, an edit): nothing was stored.
 */
export const REASSIGN_CONFLICTS = ['version', 'closed', 'not_on_route', 'changed'] as const;
export type ReassignConflictCode = (typeof REASSIGN_CONFLICTS)[number];

/**
 * Why the plan routes (optimize, read, reassign, planning settings) refuse (ErrorBody `reason`), with
 * its status, what its `values` name and when it happens. A reassign the re-plan cannot keep is refused
 * with the visit's UNASSIGNED_REASONS code (422); a day that moved on, with a REASSIGN_CONFLICTS one (409).
 */
export const PLAN_REFUSALS = {
  team_required: { status: 400, values: [], when: 'an admin or manager, who work across teams, names no `teamId`' },
  plan_not_found: { status: 404, values: ['teamId', 'date'], when: 'the team has no plan on this day' },
  no_open_visits: { status: 422, values: ['teamId', 'date'], when: 'optimizing a whole day on which the team has no open visit: nothing is stored' },
  no_plan_yet: { status: 409, values: ['teamId', 'date'], when: 'a reassign on a day the team has no plan for yet: optimize it first' },
  version: { status: 409, values: [], when: 'someone changed a visit moved or cancelled since the `version` sent (the message names who and when)' },
  closed: { status: 409, values: [], when: 'a visit moved, cancelled or locked is completed, missed or cancelled' },
  not_on_route: { status: 409, values: [], when: 'a visit to lock or reorder is not on the route the change names (moved elsewhere, or unassigned)' },
  changed: { status: 409, values: [], when: 'a visit or collector the plan read changed while it was computed (a check-in, an edit, a collector deactivated), each of the three times the server computed it on the day as it then was: nothing was stored, run it again' },
  visit_repeated: { status: 400, values: ['visitId'], when: 'a visit is moved or cancelled more than once in one request' },
  nothing_to_change: { status: 400, values: [], when: 'a reassign with no moves, reorder, lock or cancel' },
  moved_visit_not_reordered: { status: 400, values: ['visitId'], when: "the reorder's `movedVisitId` is not one of its `visitIds`" },
  visit_of_other_date: { status: 400, values: ['visitId', 'date'], when: 'a visit named is planned for another day (`values.date`)' },
  skill: { status: 422, values: [], when: 'a moved or locked visit needs skills its collector lacks' },
  window: { status: 422, values: [], when: 'a moved or locked visit cannot be reached within its window and the shift, or a reorder would reach one of its visits too late' },
  capacity: { status: 422, values: [], when: 'a moved or locked visit exceeds what its collector can carry' },
  max_tasks: { status: 422, values: [], when: 'a move gives a collector more visits than they take' },
  shift_full: { status: 422, values: [], when: "a moved or locked visit does not fit in the collector's shift beside the visits they keep" },
  no_location: { status: 422, values: [], when: 'a moved or locked visit has an account with no location' },
  no_collector: { status: 422, values: [], when: 'no collector can take a moved or locked visit' },
  shift_ends_before_start: { status: 400, values: [], when: 'a shift ends when or before it starts (a shift runs within one day)' },
  break_ends_before_start: { status: 400, values: [], when: "the team's break window ends before it starts" },
} as const satisfies RefusalTable;

export const PlanStop = Type.Object({
  visitId: Type.Integer(),
  /** The visit's version as the plan is read (its current one): send it back with a move or cancel. */
  visitVersion: Type.Integer(),
  sequence: Type.Integer({ minimum: 1 }),
  accountId: Type.Integer(),
  accountName: Type.String(),
  address: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  /** The visit's current status (a visit done since the plan was made reads `completed`). */
  status: Type.Union(VISIT_STATUSES.map((s) => Type.Literal(s))),
  priority: Type.Integer(),
  window: Nullable(TimeWindow),
  serviceMinutes: Type.Integer(),
  locked: Type.Boolean(),
  pinned: Type.Boolean(),
  /** Reaching the address; `eta` = arrival + waiting = when the visit starts; departure = eta + service. */
  arrivalAt: Instant,
  waitS: Type.Number(),
  eta: Instant,
  departureAt: Instant,
  /** The leg from the previous stop (or the start). */
  travelS: Type.Number(),
  distanceM: Type.Number(),
  /** When a visit closed since the plan was made was done (`DoneVisit.doneAt`); absent while it is open. */
  doneAt: Type.Optional(Instant),
});
export type PlanStop = Static<typeof PlanStop>;

/**
 * A visit of the collector's day already done or missed when a version was planned. A re-plan
 * routes only the visits still open; these are the rest of the day, which the board shows
 * before them. `doneAt`: the collector's first check-in at it, else when it was closed.
 */
export const DoneVisit = Type.Object({
  visitId: Type.Integer(),
  visitVersion: Type.Integer(),
  accountId: Type.Integer(),
  accountName: Type.String(),
  address: Type.String(),
  lat: Nullable(Type.Number()),
  lon: Nullable(Type.Number()),
  status: Type.Union([Type.Literal('completed'), Type.Literal('missed')]),
  window: Nullable(TimeWindow),
  doneAt: Instant,
});
export type DoneVisit = Static<typeof DoneVisit>;

/** Where and when a route starts or ends; no place (null lat/lon) for a route with neither a fixed end nor a visit. */
const Place = Type.Object({ lat: Nullable(Type.Number()), lon: Nullable(Type.Number()), at: Instant });

export const PlanBreak = Type.Object({ afterSequence: Type.Integer({ minimum: 0 }), startAt: Instant, endAt: Instant });
export type PlanBreak = Static<typeof PlanBreak>;

export const PlanRoute = Type.Object({
  collectorId: Type.Integer(),
  collectorName: Type.String(),
  /**
   * `position`: the collector's latest position of the day; `office`: the team's office;
   * `first_visit`: neither is known (a team with no office), so the route starts at its first
   * visit, wherever the collector comes from.
   */
  startKind: Type.Union([Type.Literal('office'), Type.Literal('position'), Type.Literal('first_visit')]),
  start: Place,
  /** `office`: back at the team's office; `last_visit`: a team with no office ends the route at its last visit (absent in plans stored before it: office). */
  endKind: Type.Optional(Type.Union([Type.Literal('office'), Type.Literal('last_visit')])),
  end: Place,
  /**
   * The end of the collector's shift: the route is watched for deviations until then, so a
   * collector running late is not taken to have skipped the visits left (absent in plans stored
   * before it: the planned return is used).
   */
  shiftEndAt: Type.Optional(Instant),
  stops: Type.Array(PlanStop),
  /**
   * The collector's visits already done or missed when this version was planned, in the order they
   * were done; not among `stops` (nor in the distances, the polyline or the phone's plan). Absent in
   * plans stored before it.
   */
  done: Type.Optional(Type.Array(DoneVisit)),
  distanceM: Type.Number(),
  /** From leaving the start to reaching the end, seconds. */
  durationS: Type.Number(),
  travelS: Type.Number(),
  serviceS: Type.Number(),
  waitS: Type.Number(),
  /** The road path start → stops → end (from the first stop when the start is open, to the last when the end is; empty with fewer than two places), Google encoded polyline, 5 decimals, [lat, lon] order per that format. */
  polyline: Type.String(),
  /** The collector's break, taken where they are after stop `afterSequence` (0: before the first), before driving on. */
  breaks: Type.Optional(Type.Array(PlanBreak)),
});
export type PlanRoute = Static<typeof PlanRoute>;

export const UnassignedVisit = Type.Object({
  visitId: Type.Integer(),
  accountName: Type.String(),
  priority: Type.Integer(),
  reason: Type.Union(UNASSIGNED_REASONS.map((r) => Type.Literal(r))),
  /**
   * The collector whose route this version took the visit off: its re-plan (of a change to the
   * route, the day running late) could no longer hold it. Absent when it was on no route before.
   */
  fromCollectorId: Type.Optional(Type.Integer()),
});
export type UnassignedVisit = Static<typeof UnassignedVisit>;

export const PlanOut = Type.Object({
  id: Type.Integer(),
  teamId: Type.Integer(),
  date: Type.String(),
  version: Type.Integer(),
  kind: Type.Union([Type.Literal('optimize'), Type.Literal('reassign')]),
  provider: Type.String(),
  timeZone: Type.String(),
  createdBy: Type.String(),
  createdAt: Instant,
  /** Ordered by collector id. */
  routes: Type.Array(PlanRoute),
  unassigned: Type.Array(UnassignedVisit),
  /** Collectors whose route this version re-planned; the others are the previous version's, unchanged. */
  changedCollectorIds: Type.Array(Type.Integer()),
});
export type PlanOut = Static<typeof PlanOut>;

/**
 * Solver budget: a wall-clock limit (default 2,000 ms to optimize, 150 ms to
 * reassign), or a number of ruin-and-recreate iterations, which with a seed
 * gives the same plan on any machine (no default time limit then).
 */
const Iterations = Type.Integer({ minimum: 0, maximum: 100_000 });

export const OptimizeRequest = Type.Object(
  {
    date: DateOnly,
    /** Required for admins; others plan their own team. */
    teamId: Type.Optional(Type.Integer()),
    /** Plan only these collectors (with the day's unassigned visits); the others keep their routes. */
    collectorIds: Type.Optional(Type.Array(Type.Integer(), { minItems: 1 })),
    options: Type.Optional(
      Type.Object({
        timeLimitMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000 })),
        seed: Type.Optional(Type.Integer()),
        iterations: Type.Optional(Iterations),
      }),
    ),
  },
  { additionalProperties: false },
);
export type OptimizeRequest = Static<typeof OptimizeRequest>;

const Versioned = Type.Object({ visitId: Type.Integer(), version: Type.Integer() });
/**
 * More than a team's day holds: a reorder naming a visit twice made the stored plan hold it twice
 * (500 after the move had been committed), and 20,000 repeated locks held the team's plan for 20 s.
 */
const MAX_VISITS_PER_CHANGE = 1000;

export const ReassignRequest = Type.Object(
  {
    teamId: Type.Optional(Type.Integer()),
    moves: Type.Optional(Type.Array(Type.Object({ visitId: Type.Integer(), toCollectorId: Type.Integer(), version: Type.Integer() }), { maxItems: MAX_VISITS_PER_CHANGE })),
    /**
     * The collector's visits in this order (those not listed follow, re-planned); the listed order is kept, and
     * the visit it moved is locked in its new place so that later re-plans keep the order up to it. A visit
     * listed that is done, missed or cancelled by now is passed over.
     */
    reorder: Type.Optional(
      Type.Object({
        collectorId: Type.Integer(),
        visitIds: Type.Array(Type.Integer(), { minItems: 1, maxItems: MAX_VISITS_PER_CHANGE, uniqueItems: true }),
        /** The visit the dispatcher moved, one of `visitIds`; by default the one the order moved (of two swapped neighbours, the later). */
        movedVisitId: Type.Optional(Type.Integer()),
      }),
    ),
    /** Keep these visits with their collector and at their place in the order. */
    lock: Type.Optional(Type.Array(Type.Integer(), { maxItems: MAX_VISITS_PER_CHANGE, uniqueItems: true })),
    cancel: Type.Optional(Type.Array(Versioned, { maxItems: MAX_VISITS_PER_CHANGE })),
    options: Type.Optional(
      Type.Object({ timeLimitMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 10_000 })), seed: Type.Optional(Type.Integer()), iterations: Type.Optional(Iterations) }),
    ),
  },
  { additionalProperties: false },
);
export type ReassignRequest = Static<typeof ReassignRequest>;

export const PlanQuery = Type.Object({ teamId: Type.Optional(Type.Integer()) });
export const PlanDateParams = Type.Object({ date: DateOnly });
/** GET /api/plans: the day's current plan of every team in the reader's scope (or of `teamId`); none is an empty list, not a 404. */
export const DayPlansQuery = Type.Object({ date: DateOnly, teamId: Type.Optional(Type.Integer()) });
export const DayPlans = Type.Object({ plans: Type.Array(PlanOut) });
export type DayPlans = Static<typeof DayPlans>;

const Shift = Type.Object({ start: HHMM, end: HHMM });
const Office = Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) });
const Break = Type.Object({ start: HHMM, end: HHMM, minutes: Type.Integer({ minimum: 1, maximum: 240 }) });
const MaxVisits = Type.Integer({ minimum: 0, maximum: 500 });

export const TeamPlanSettings = Type.Object(
  {
    office: Type.Optional(Nullable(Office)),
    shift: Type.Optional(Shift),
    maxVisitsPerCollector: Type.Optional(MaxVisits),
    /** Every collector's break (e.g. lunch): `minutes` long, starting between `start` and `end`; null removes it. */
    break: Type.Optional(Nullable(Break)),
    /**
     * Optimize shares the day out: each collector who can work takes at most
     * ceil(visits / collectors) (or their own max, if lower); visits that leaves out go to whoever can still take them.
     */
    evenShare: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TeamPlanSettings = Static<typeof TeamPlanSettings>;

/** The settings a team's day is planned with, defaults filled in (GET /api/plans/settings/teams/{id}). */
export const TeamPlanSettingsOut = Type.Object({
  office: Nullable(Office),
  shift: Shift,
  maxVisitsPerCollector: MaxVisits,
  break: Nullable(Break),
  evenShare: Type.Boolean(),
});
export type TeamPlanSettingsOut = Static<typeof TeamPlanSettingsOut>;

export const CollectorPlanSettings = Type.Object(
  {
    skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }))),
    shift: Type.Optional(Nullable(Shift)),
    maxVisits: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 500 }))),
    /** Travel times are divided by it (1.5 on a motorbike, 0.8 on foot); null = 1. */
    speedFactor: Type.Optional(Nullable(Type.Number({ minimum: 0.1, maximum: 5 }))),
  },
  { additionalProperties: false },
);
export type CollectorPlanSettings = Static<typeof CollectorPlanSettings>;

export const VisitPlanSettings = Type.Object(
  {
    skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }))),
    pinned: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type VisitPlanSettings = Static<typeof VisitPlanSettings>;

/** The retained message on `ronda/{uniqueId}/plan` (SPEC §5): what the phone shows, in order. */
export interface PhonePlan {
  date: string;
  version: number;
  collectorId: number;
  timeZone: string;
  visits: {
    visitId: number;
    sequence: number;
    accountName: string;
    address: string;
    lat: number;
    lon: number;
    eta: string;
    window: TimeWindow | null;
    serviceMinutes: number;
    status: (typeof VISIT_STATUSES)[number];
  }[];
  breaks: PlanBreak[];
}
