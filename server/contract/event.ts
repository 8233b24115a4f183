import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Nullable } from './auth.ts';

/**
 * The deviations of issue 5, one rule each (server/deviations/engine/rules), and `alarm`: an alarm a
 * tracker or phone raised itself (SOS button, power cut…), its kind in details (AlarmDetails).
 */
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
  'alarm',
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
  // The loudest an alarm gets; each alarm's own severity comes from its kind (ALARM_SEVERITY).
  alarm: 'critical',
};

/** What a device's alarm means, whatever its protocol calls it (server/ingest/alarm-kind.ts maps the names). */
export const ALARM_KINDS = [
  'sos',
  'power_cut',
  'tampering',
  'low_power',
  'overspeed',
  'low_battery',
  'vibration',
  'movement',
  'geofence_enter',
  'geofence_exit',
  'other',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/**
 * A collector pressing the panic button is the one event a supervisor must not miss. A power cut or a
 * tampered tracker is a stolen motorbike or tracking being switched off, and the device goes silent
 * next (as loud as `offline`). Low external power and the device's own speed limit want a look;
 * the team's own `speeding` rule, tuned by the team, is the critical one. Vibration and movement fire
 * on any bump of a parked bike, device-side fences are drawn outside Ronda and a weak battery has its
 * own mark on the wall: on record, quietly. An alarm this server cannot name still wants a look.
 */
export const ALARM_SEVERITY: Record<AlarmKind, Severity> = {
  sos: 'critical',
  power_cut: 'critical',
  tampering: 'critical',
  low_power: 'warning',
  overspeed: 'warning',
  low_battery: 'info',
  vibration: 'info',
  movement: 'info',
  geofence_enter: 'info',
  geofence_exit: 'info',
  other: 'warning',
};

const Instant = Type.String({ format: 'date-time' });

/** A deviation or a device's alarm as the API and the live stream (`event`, SPEC §7) carry it. Times are event time (device clock). */
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
  /** Rule-specific figures (distances in metres, durations in seconds); an alarm's are AlarmDetails. */
  details: Type.Record(Type.String(), Type.Unknown(), {
    description: `Rule-specific figures (metres, seconds). For type \`alarm\`: kind (${ALARM_KINDS.join(', ')}), deviceAlarm, deviceId, uniqueId, protocol, deviceTime, timeSource (device|server), position (fix|last_known|none), lat, lon, positionAt; a critical or warning alarm stays open until acknowledged, which closes it; an info one arrives closed.`,
  }),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Instant),
});
export type EventOut = Static<typeof EventOut>;

/**
 * An `alarm` event's details. Opened at the alarm's device time (`timeSource: device`), or at the
 * server's when the device's clock is impossible (`server`). Where: the alarm's own fix when it was
 * usable (`position: fix`), else the collector's newest valid fix at or before the alarm
 * (`last_known`, its time in `positionAt`), else none (`none`, no lat/lon). A critical or warning
 * alarm stays open until a supervisor acknowledges it, which closes it; an info one arrives closed.
 */
export const AlarmDetails = Type.Object({
  kind: Type.Union(ALARM_KINDS.map((k) => Type.Literal(k))),
  /** The device's own name for it (`sos`, `powerCut`, `panic`, an OsmAnd `alarm=` value…). */
  deviceAlarm: Type.String(),
  deviceId: Type.Integer(),
  uniqueId: Type.String(),
  protocol: Type.String(),
  /** The time the device gave the alarm (null when it gave none, or an impossible one); with deviceId and kind, what makes a resend the same alarm. */
  deviceTime: Nullable(Instant),
  timeSource: Type.Union([Type.Literal('device'), Type.Literal('server')]),
  position: Type.Union([Type.Literal('fix'), Type.Literal('last_known'), Type.Literal('none')]),
  lat: Type.Optional(Type.Number()),
  lon: Type.Optional(Type.Number()),
  positionAt: Type.Optional(Instant),
});
export type AlarmDetails = Static<typeof AlarmDetails>;

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
