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
/**
 * Each threshold between bounds a real setting stays within, its description saying why: a typo
 * (or "1e400") is refused, not stored, and so is a setting that turns the rule into noise. A
 * corridor of 1e-300 m put every collector off route (a phone's fix scatters 20–30 m), a long stop
 * of 0 minutes within 0 m made every report one.
 */
const metres = (d: number, minimum: number, maximum: number, why: string) => Type.Number({ minimum, maximum, default: d, description: `metres, ${minimum}–${maximum}: ${why}` });
const seconds = (d: number, minimum: number, maximum: number, why: string) => Type.Number({ minimum, maximum, default: d, description: `seconds, ${minimum}–${maximum}: ${why}` });
const minutes = (d: number, minimum: number, maximum: number, why: string) => Type.Number({ minimum, maximum, default: d, description: `minutes, ${minimum}–${maximum}: ${why}` });
const percent = (d: number) => Type.Number({ minimum: 0, maximum: 100, default: d, description: 'percent, 0–100' });
/** A phone's or tracker's fix scatters this much standing still: a radius or corridor narrower is crossed by noise alone. */
const GPS_SCATTER_M = 20;
const SCATTER = `under ${GPS_SCATTER_M} m a fix's scatter alone crosses it`;
/**
 * The timers that confirm a change may be 0, a decision on one fix: a stray one then decides, but a
 * team whose trackers report once a minute may want it, and bench:deviations measures the pipeline so.
 */
const CONFIRM_S = 0;
const ONE_FIX = '0 decides on one fix, a stray one too';

/** Per-team rule settings (issue 5). Every field has a default, so `{}` is a complete configuration. */
export const DeviationRulesSchema = Type.Object({
  offRoute: Type.Object({
    ...Toggle,
    corridorM: metres(100, 30, 5_000, 'how far from the planned route is off it; under 30 m a fix\'s scatter (20–30 m) alone puts a collector off route'),
    /** Back on route only inside corridorM − hysteresisM, so a track along the corridor edge does not flap. */
    hysteresisM: metres(20, 0, 1_000, 'back on route only inside corridorM − hysteresisM; less than corridorM, or an incident never closes'),
    openAfterS: seconds(120, CONFIRM_S, 3_600, `off the corridor this long opens an incident; ${ONE_FIX}`),
    closeAfterS: seconds(60, CONFIRM_S, 3_600, `back inside this long closes it; ${ONE_FIX}`),
  }),
  longStop: Type.Object({
    ...Toggle,
    radiusM: metres(30, GPS_SCATTER_M, 1_000, `staying within it is stopped; ${SCATTER}, and no stop is ever seen`),
    minutes: minutes(15, 1, 480, 'a stop this long away from any visit opens an event; at 0 every report would be one'),
    awayFromVisitM: metres(150, GPS_SCATTER_M, 10_000, `a stop nearer a visit than this is the visit; ${SCATTER}`),
    closeAfterS: seconds(60, CONFIRM_S, 3_600, `moving this long closes it; ${ONE_FIX}`),
  }),
  visitOrder: Type.Object({
    ...Toggle,
    /** Within this distance for arriveAfterS = arrived at the visit. */
    arriveRadiusM: metres(50, GPS_SCATTER_M, 1_000, `within it is at the visit; ${SCATTER}`),
    arriveAfterS: seconds(60, CONFIRM_S, 3_600, `that long within it is arrived; ${ONE_FIX}, a drive past counts`),
    /** Visits one may jump ahead by without an event: 1 = arriving at k+1 before k is fine, k+2 is not. */
    slack: Type.Integer({ minimum: 0, maximum: 100, default: 1 }),
  }),
  arrivedNoCheckin: Type.Object({
    ...Toggle,
    radiusM: metres(50, GPS_SCATTER_M, 1_000, `within it is at the visit; ${SCATTER}`),
    leaveRadiusM: metres(80, GPS_SCATTER_M, 2_000, 'beyond it has left; at least radiusM (the ring between them absorbs jitter)'),
    minutes: minutes(5, 1, 240, 'this long at the visit without a check-in opens an event'),
  }),
  checkinPresence: Type.Object({
    ...Toggle,
    radiusM: metres(150, GPS_SCATTER_M, 5_000, `a report this near the address around the check-in is presence; ${SCATTER}`),
    windowS: seconds(120, 30, 3_600, 'around the check-in this long; under 30 s a phone reporting every half minute has no report in it'),
  }),
  // 3 s at the least, not more: the deviation tests (and scale-out's) watch one open and close within seconds.
  offline: Type.Object({ ...Toggle, minutes: minutes(10, 0.05, 1_440, 'this long without a report is offline; not 0, which would put every collector offline between two reports') }),
  lowBattery: Type.Object({ ...Toggle, openBelowPct: percent(15), closeAbovePct: Type.Number({ minimum: 0, maximum: 100, default: 20, description: 'percent, 0–100; at least openBelowPct' }) }),
  speeding: Type.Object({
    ...Toggle,
    limitKph: Type.Number({ minimum: 10, maximum: 300, default: 80, description: 'km/h, 10–300: a limit under walking-and-cycling speeds fires on any drive' }),
    openAfterS: seconds(30, CONFIRM_S, 3_600, ONE_FIX),
    closeAfterS: seconds(30, CONFIRM_S, 3_600, ONE_FIX),
  }),
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
