import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
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
/** Upper bounds a real setting stays far below: a typo (or "1e400") is refused, not stored. */
const metres = (d: number) => Type.Number({ minimum: 0, maximum: 100_000, default: d });
const seconds = (d: number) => Type.Number({ minimum: 0, maximum: 86_400, default: d });
const minutes = (d: number) => Type.Number({ minimum: 0, maximum: 1_440, default: d });
const percent = (d: number) => Type.Number({ minimum: 0, maximum: 100, default: d });

/** Per-team rule settings (issue 5). Every field has a default, so `{}` is a complete configuration. */
export const DeviationRulesSchema = Type.Object({
  offRoute: Type.Object({
    ...Toggle,
    corridorM: metres(100),
    /** Back on route only inside corridorM − hysteresisM, so a track along the corridor edge does not flap. */
    hysteresisM: metres(20),
    openAfterS: seconds(120),
    closeAfterS: seconds(60),
  }),
  longStop: Type.Object({ ...Toggle, radiusM: metres(30), minutes: minutes(15), awayFromVisitM: metres(150), closeAfterS: seconds(60) }),
  visitOrder: Type.Object({
    ...Toggle,
    /** Within this distance for arriveAfterS = arrived at the visit. */
    arriveRadiusM: metres(50),
    arriveAfterS: seconds(60),
    /** Visits one may jump ahead by without an event: 1 = arriving at k+1 before k is fine, k+2 is not. */
    slack: Type.Integer({ minimum: 0, maximum: 100, default: 1 }),
  }),
  arrivedNoCheckin: Type.Object({ ...Toggle, radiusM: metres(50), leaveRadiusM: metres(80), minutes: minutes(5) }),
  checkinPresence: Type.Object({ ...Toggle, radiusM: metres(150), windowS: seconds(120) }),
  offline: Type.Object({ ...Toggle, minutes: minutes(10) }),
  lowBattery: Type.Object({ ...Toggle, openBelowPct: percent(15), closeAbovePct: percent(20) }),
  speeding: Type.Object({ ...Toggle, limitKph: Type.Number({ minimum: 0, maximum: 500, default: 80 }), openAfterS: seconds(30), closeAfterS: seconds(30) }),
});
export type DeviationRules = Static<typeof DeviationRulesSchema>;

const R = DeviationRulesSchema.properties;
/**
 * A section's fields, any subset, nothing else: an unknown key would be merged into the stored rules.
 * Without their defaults, which the validator would fill in and the merge would then take for changes.
 */
const section = <T extends TObject>(t: T) => {
  const fields = Object.fromEntries(
    Object.entries(t.properties).map(([name, field]) => {
      const { default: _default, ...rest } = field as TSchema & { default?: unknown };
      return [name, rest as TSchema];
    }),
  ) as T['properties'];
  return Type.Partial(Type.Object(fields), { additionalProperties: false });
};
/** `PATCH /api/teams/{id}/deviation-rules`: any subset of sections and fields; the rest keep their current values. */
export const DeviationRulesPatch = Type.Object(
  {
    offRoute: Type.Optional(section(R.offRoute)),
    longStop: Type.Optional(section(R.longStop)),
    visitOrder: Type.Optional(section(R.visitOrder)),
    arrivedNoCheckin: Type.Optional(section(R.arrivedNoCheckin)),
    checkinPresence: Type.Optional(section(R.checkinPresence)),
    offline: Type.Optional(section(R.offline)),
    lowBattery: Type.Optional(section(R.lowBattery)),
    speeding: Type.Optional(section(R.speeding)),
  },
  { additionalProperties: false },
);
export type DeviationRulesPatch = Static<typeof DeviationRulesPatch>;
