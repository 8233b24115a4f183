import { Type, type Static } from '@sinclair/typebox';
import { MAX_AMOUNT } from './account.ts';
import { Nullable } from './auth.ts';
import { CalendarDate } from './request-values.ts';
import type { RefusalTable } from './refusal.ts';

export const CHECKIN_OUTCOMES = ['paid', 'partial', 'promise', 'absent', 'refused', 'rescheduled'] as const;
export type CheckinOutcome = (typeof CHECKIN_OUTCOMES)[number];
/** Where a visit ends with this outcome: nobody home means it was missed; any contact completes it. */
export const visitStatusAfter = (outcome: CheckinOutcome): 'missed' | 'completed' => (outcome === 'absent' ? 'missed' : 'completed');

/**
 * Why a check-in deserves a second look: farther than the radius from the
 * address, no position of the collector's devices near the address around
 * that time, or made on a visit assigned to someone else.
 */
export const CHECKIN_FLAGS = ['far_from_address', 'no_presence', 'not_assigned'] as const;
export type CheckinFlag = (typeof CHECKIN_FLAGS)[number];

export const PROMISE_STATUSES = ['pending', 'kept', 'broken'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

const DateOnly = CalendarDate();
/** A pattern, not `format: 'uuid'`: devices' payloads are checked without ajv, where formats need registering. */
export const ClientId = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
/** ISO-8601 or epoch milliseconds, as for positions (SPEC §5). */
export const Timestamp = Type.Union([Type.String({ minLength: 10, maxLength: 40 }), Type.Number()]);

/** `ronda/{uniqueId}/checkin` payload (SPEC §5) and the body of `POST /api/checkins`. */
export const CheckinIn = Type.Object({
  id: ClientId,
  visitId: Type.Integer({ minimum: 1 }),
  ts: Timestamp,
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  outcome: Type.Union(CHECKIN_OUTCOMES.map((o) => Type.Literal(o))),
  note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  promiseDate: Type.Optional(Nullable(DateOnly)),
  promiseAmount: Type.Optional(Nullable(Type.Number({ minimum: 0.01, maximum: MAX_AMOUNT }))),
});
export type CheckinIn = Static<typeof CheckinIn>;

export const CheckinOut = Type.Object({
  id: Type.String(),
  visitId: Type.Integer(),
  accountId: Type.Integer(),
  teamId: Type.Integer(),
  collectorId: Nullable(Type.Integer()),
  ts: Type.String({ format: 'date-time' }),
  lat: Type.Number(),
  lon: Type.Number(),
  outcome: Type.Union(CHECKIN_OUTCOMES.map((o) => Type.Literal(o))),
  note: Nullable(Type.String()),
  promiseDate: Nullable(Type.String()),
  promiseAmount: Nullable(Type.Number()),
  /** Metres from the account's address; null when the account has no coordinates. */
  distanceM: Nullable(Type.Number()),
  flags: Type.Array(Type.Union(CHECKIN_FLAGS.map((f) => Type.Literal(f)))),
});
export type CheckinOut = Static<typeof CheckinOut>;

export const CheckinResult = Type.Object({
  /** True when this id was already stored: nothing changed. */
  duplicate: Type.Boolean(),
  checkin: CheckinOut,
});
export type CheckinResult = Static<typeof CheckinResult>;

export const CheckinListQuery = Type.Object({
  teamId: Type.Optional(Type.Integer()),
  visitId: Type.Optional(Type.Integer()),
  accountId: Type.Optional(Type.Integer()),
  flagged: Type.Optional(Type.Boolean()),
  collectorId: Type.Optional(Type.Integer()),
  /** [from, to) on the check-in's time: a collector's day for the track replay. */
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

export const PromiseOut = Type.Object({
  id: Type.Integer(),
  checkinId: Type.String(),
  accountId: Type.Integer(),
  teamId: Type.Integer(),
  visitId: Nullable(Type.Integer()),
  collectorId: Nullable(Type.Integer()),
  promisedAt: Type.String({ format: 'date-time' }),
  dueDate: Type.String(),
  amount: Type.Number(),
  status: Type.Union(PROMISE_STATUSES.map((s) => Type.Literal(s))),
  paidAmount: Nullable(Type.Number()),
  settledAt: Nullable(Type.String({ format: 'date-time' })),
});
export type PromiseOut = Static<typeof PromiseOut>;

export const PromiseListQuery = Type.Object({
  status: Type.Optional(Type.Union(PROMISE_STATUSES.map((s) => Type.Literal(s)))),
  accountId: Type.Optional(Type.Integer()),
  teamId: Type.Optional(Type.Integer()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

/** A device's check-in or payment that could not be stored, kept for an admin (`GET /api/records/rejected`). */
export const RejectedRecord = Type.Object({
  id: Type.Integer(),
  uniqueId: Nullable(Type.String()),
  /** The device's collector now, null for a device no longer registered to one. */
  collectorId: Nullable(Type.Integer()),
  kind: Type.Union([Type.Literal('checkin'), Type.Literal('payment')]),
  payload: Type.String(),
  /** The server's message. */
  reason: Type.String(),
  /**
   * Why, as a code a client can word itself: the API's refusal code for the same record (CHECKIN_REFUSALS,
   * PAYMENT_REFUSALS, `visit_not_found`…) or one of DEVICE_RECORD_REJECTIONS; null for a record kept before codes were.
   */
  code: Nullable(Type.String()),
  /** What the code's words name (as an ErrorBody's `values`). */
  values: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  receivedAt: Type.String({ format: 'date-time' }),
});

/** Why a device's record is kept as rejected when the API would not have taken it apart either (MQTT only). */
export const DEVICE_RECORD_REJECTIONS = {
  invalid_json: { values: [], when: 'the payload is not JSON' },
  invalid_record: { values: ['path'], when: 'a field is missing, of the wrong type or out of range (`values.path` names it); other fields are ignored, so an app that sends more of its own loses nothing' },
  unstorable_text: { values: [], when: 'its texts hold what the database cannot store (a NUL character, nesting deeper than 64 levels)' },
  refused_by_database: { values: [], when: 'the database refused its values' },
} as const;
export type DeviceRecordRejection = keyof typeof DEVICE_RECORD_REJECTIONS;
export type RejectedRecord = Static<typeof RejectedRecord>;

/** A page of rejected records, newest first: `before` an id of the last page seen. */
export const RejectedRecordQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type RejectedRecordQuery = Static<typeof RejectedRecordQuery>;

export const RejectedRecordPage = Type.Object({
  records: Type.Array(RejectedRecord),
  /** How many the reader may see in all, every page. */
  total: Type.Integer(),
});
export type RejectedRecordPage = Static<typeof RejectedRecordPage>;

/**
 * Why a check-in or payment is refused whatever its kind (operations/record-source.ts), with its status,
 * what its `values` name and when it happens. Over MQTT the record is kept, rejected, with the message.
 */
export const RECORD_REFUSALS = {
  invalid_ts: { status: 400, values: [], when: '`ts` is not an ISO-8601 time with a zone or epoch milliseconds, or is before 2000, or more than a day ahead of the server\'s clock' },
  id_taken: {
    status: 409,
    values: ['id'],
    when: 'another record is stored under this client `id` (a resend must say the same): `values.fields` names the fields that differ, absent when the record is of a team the caller does not see',
  },
} as const satisfies RefusalTable;

/** Why POST /api/checkins refuses a check-in (ErrorBody `reason`): RECORD_REFUSALS and its own. */
export const CHECKIN_REFUSALS = {
  ...RECORD_REFUSALS,
  promise_incomplete: { status: 400, values: [], when: 'a check-in with outcome `promise` lacks promiseDate or promiseAmount' },
  promise_not_a_promise: { status: 400, values: ['outcome'], when: 'a check-in whose outcome is not `promise` carries promiseDate or promiseAmount (no promise would be recorded)' },
  promise_date_out_of_range: {
    status: 400,
    values: ['promiseDate', 'from', 'to'],
    when: "promiseDate is before the check-in's day in the team's time zone (`values.from`), or more than a year after it (`values.to`): it would fall due before it was made",
  },
} as const satisfies RefusalTable;
