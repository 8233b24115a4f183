import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './auth.ts';
import { CHECKIN_OUTCOMES } from './checkin.ts';

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
const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

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
  visits: Type.Array(VisitOut),
});
export type GenerateReport = Static<typeof GenerateReport>;
