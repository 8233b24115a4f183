import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './auth.ts';
import { CalendarDate } from './request-values.ts';
import { CHECKIN_OUTCOMES } from './checkin.ts';
import type { RefusalTable } from './refusal.ts';

export const VISIT_STATUSES = ['planned', 'assigned', 'en_route', 'arrived', 'completed', 'missed', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
const Status = Type.Union(VISIT_STATUSES.map((s) => Type.Literal(s)));

/**
 * The lifecycle of issue 5: planned → assigned → en_route → arrived →
 * completed | missed | cancelled. A step may be skipped forward (a phone may
 * check in without ever sending "arrived"); the three ends are final.
 */
export const VISIT_TRANSITIONS: Record<VisitStatus, readonly VisitStatus[]> = {
  planned: ['assigned', 'cancelled'],
  assigned: ['planned', 'en_route', 'arrived', 'completed', 'missed', 'cancelled'],
  en_route: ['arrived', 'completed', 'missed', 'cancelled'],
  arrived: ['completed', 'missed', 'cancelled'],
  completed: [],
  missed: [],
  cancelled: [],
};

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' });
export const TimeWindow = Type.Object({ start: HHMM, end: HHMM });
export type TimeWindow = Static<typeof TimeWindow>;
const DateOnly = CalendarDate();

export const VisitOut = Type.Object({
  id: Type.Integer(),
  accountId: Type.Integer(),
  accountName: Type.String(),
  address: Type.String(),
  lat: Nullable(Type.Number()),
  lon: Nullable(Type.Number()),
  teamId: Type.Integer(),
  collectorId: Nullable(Type.Integer()),
  date: Type.String(),
  priority: Type.Integer(),
  priorityOverride: Type.Boolean(),
  window: Nullable(TimeWindow),
  serviceMinutes: Type.Integer(),
  status: Status,
  outcome: Nullable(Type.Union(CHECKIN_OUTCOMES.map((o) => Type.Literal(o)))),
  note: Nullable(Type.String()),
  version: Type.Integer(),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type VisitOut = Static<typeof VisitOut>;

export const VisitListQuery = Type.Object({
  date: Type.Optional(DateOnly),
  teamId: Type.Optional(Type.Integer()),
  collectorId: Type.Optional(Type.Integer()),
  accountId: Type.Optional(Type.Integer()),
  status: Type.Optional(Status),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
});

export const CreateVisit = Type.Object({
  accountId: Type.Integer(),
  date: DateOnly,
  collectorId: Type.Optional(Nullable(Type.Integer())),
  /** Overrides the computed priority (0–100). */
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  window: Type.Optional(Nullable(TimeWindow)),
  serviceMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 480 })),
});
export type CreateVisit = Static<typeof CreateVisit>;

/** Every change to an existing visit carries the version the client last saw. */
export const VisitPatch = Type.Object(
  {
    version: Type.Integer(),
    /** A number overrides the computed priority; null returns to the computed one. */
    priority: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
    window: Type.Optional(Nullable(TimeWindow)),
    serviceMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 480 })),
    date: Type.Optional(DateOnly),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type VisitPatch = Static<typeof VisitPatch>;

export const ReassignVisit = Type.Object({ collectorId: Nullable(Type.Integer()), version: Type.Integer() });
export const CancelVisit = Type.Object({ version: Type.Integer(), note: Type.Optional(Type.String({ maxLength: 2000 })) });
export const TransitionVisit = Type.Object({
  status: Status,
  version: Type.Integer(),
  outcome: Type.Optional(Nullable(Type.Union(CHECKIN_OUTCOMES.map((o) => Type.Literal(o))))),
});

export const GenerateVisits = Type.Object({
  date: DateOnly,
  teamId: Type.Optional(Type.Integer()),
  /** At most this many visits per collector; the lowest priorities wait for another day. */
  maxPerCollector: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 30 })),
});
export type GenerateVisits = Static<typeof GenerateVisits>;

export const GenerateReport = Type.Object({
  date: Type.String(),
  created: Type.Integer(),
  /** Due accounts without coordinates: they cannot be routed, fix their address. */
  skippedNoLocation: Type.Integer(),
  /** Due accounts left for another day because every collector was full. */
  skippedCapacity: Type.Integer(),
  /** Due accounts that already had a visit that day (an earlier run, or one added by hand): nothing new for them. */
  alreadyPlanned: Type.Integer(),
  visits: Type.Array(VisitOut),
});
export type GenerateReport = Static<typeof GenerateReport>;

/**
 * Why the visit routes (POST /api/visits, PATCH /api/visits/{id}, its reassign, cancel and status)
 * refuse a change (ErrorBody `reason`), with its status, what its `values` name and when it happens.
 * `version` and `closed` are the codes a plan change gives for the same conflicts (plan.ts
 * REASSIGN_CONFLICTS), so that a board words both alike.
 */
export const VISIT_REFUSALS = {
  version: { status: 409, values: ['visitId', 'version'], when: 'someone changed the visit since the `version` sent (`values.version`: its version now; the message names who and when)' },
  closed: {
    status: 409,
    values: ['visitId'],
    when: 'the visit is completed, missed or cancelled: it can no longer be reassigned (`values.from` names its status) nor change its date (`values.status` does)',
  },
  transition_not_allowed: { status: 409, values: ['visitId', 'from', 'to'], when: 'the lifecycle does not go from the visit\'s status (`from`) to the one asked (`to`)' },
  visit_has_no_collector: { status: 409, values: ['visitId'], when: 'a visit with no collector is set to `assigned`: reassign it to a collector instead' },
  outcome_not_for_status: {
    status: 400,
    values: ['status', 'outcome'],
    when: 'an `outcome` with a status it does not end a visit in: `absent` goes with `missed`, every other outcome with `completed`, and none with the rest',
  },
  window_ends_before_start: { status: 400, values: [], when: 'the time window ends when or before it starts' },
  collector_of_other_team: { status: 400, values: ['collectorId', 'teamId'], when: 'the collector named is not in the visit\'s team (`values.teamId`)' },
} as const satisfies RefusalTable;
