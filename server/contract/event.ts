import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './auth.ts';

/** The deviations of issue 5, one rule each (server/deviations/engine/rules). */
export const EVENT_TYPES = [
  'off_route',
  'long_stop',
  'visit_out_of_order',
  'visit_skipped',
  'arrived_no_checkin',
  'checkin_without_presence',
  'offline',
  'low_battery',
  'speeding',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How loud each deviation is on the wall: safety and fraud signals first. */
export const SEVERITY_OF: Record<EventType, Severity> = {
  off_route: 'warning',
  long_stop: 'warning',
  visit_out_of_order: 'info',
  visit_skipped: 'warning',
  arrived_no_checkin: 'warning',
  checkin_without_presence: 'critical',
  offline: 'critical',
  low_battery: 'info',
  speeding: 'critical',
};

const Instant = Type.String({ format: 'date-time' });

/** A deviation as the API and the live stream (`event`, SPEC §7) carry it. Times are event time (device clock). */
export const EventOut = Type.Object({
  id: Type.Integer(),
  type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
  severity: Type.Union(SEVERITIES.map((s) => Type.Literal(s))),
  teamId: Type.Integer(),
  collectorId: Type.Integer(),
  visitId: Nullable(Type.Integer()),
  openedAt: Instant,
  /** null while the condition still holds. */
  closedAt: Nullable(Instant),
  /** Rule-specific figures (distances in metres, durations in seconds). */
  details: Type.Record(Type.String(), Type.Unknown()),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Instant),
});
export type EventOut = Static<typeof EventOut>;

export const EventListQuery = Type.Object({
  open: Type.Optional(Type.Boolean()),
  teamId: Type.Optional(Type.Integer()),
  collectorId: Type.Optional(Type.Integer()),
  type: Type.Optional(Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)))),
  /** Events open at any time in [from, to). */
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type EventListQuery = Static<typeof EventListQuery>;

const Toggle = { enabled: Type.Boolean({ default: true }) };
const M = (d: number) => Type.Number({ minimum: 0, default: d });

/** Per-team rule settings (issue 5). Every field has a default, so `{}` is a complete configuration. */
export const DeviationRulesSchema = Type.Object({
  offRoute: Type.Object({
    ...Toggle,
    corridorM: M(100),
    /** Back on route only inside corridorM − hysteresisM, so a track along the corridor edge does not flap. */
    hysteresisM: M(20),
    openAfterS: M(120),
    closeAfterS: M(60),
  }),
  longStop: Type.Object({ ...Toggle, radiusM: M(30), minutes: M(15), awayFromVisitM: M(150), closeAfterS: M(60) }),
  visitOrder: Type.Object({
    ...Toggle,
    /** Within this distance for arriveAfterS = arrived at the visit. */
    arriveRadiusM: M(50),
    arriveAfterS: M(60),
    /** Visits one may jump ahead by without an event: 1 = arriving at k+1 before k is fine, k+2 is not. */
    slack: Type.Integer({ minimum: 0, default: 1 }),
  }),
  arrivedNoCheckin: Type.Object({ ...Toggle, radiusM: M(50), leaveRadiusM: M(80), minutes: M(5) }),
  checkinPresence: Type.Object({ ...Toggle, radiusM: M(150), windowS: M(120) }),
  offline: Type.Object({ ...Toggle, minutes: M(10) }),
  lowBattery: Type.Object({ ...Toggle, openBelowPct: M(15), closeAbovePct: M(20) }),
  speeding: Type.Object({ ...Toggle, limitKph: M(80), openAfterS: M(30), closeAfterS: M(30) }),
});
export type DeviationRules = Static<typeof DeviationRulesSchema>;

const R = DeviationRulesSchema.properties;
/** `PATCH /api/teams/{id}/deviation-rules`: any subset of sections and fields; the rest keep their current values. */
export const DeviationRulesPatch = Type.Object(
  {
    offRoute: Type.Optional(Type.Partial(R.offRoute)),
    longStop: Type.Optional(Type.Partial(R.longStop)),
    visitOrder: Type.Optional(Type.Partial(R.visitOrder)),
    arrivedNoCheckin: Type.Optional(Type.Partial(R.arrivedNoCheckin)),
    checkinPresence: Type.Optional(Type.Partial(R.checkinPresence)),
    offline: Type.Optional(Type.Partial(R.offline)),
    lowBattery: Type.Optional(Type.Partial(R.lowBattery)),
    speeding: Type.Optional(Type.Partial(R.speeding)),
  },
  { additionalProperties: false },
);
export type DeviationRulesPatch = Static<typeof DeviationRulesPatch>;
