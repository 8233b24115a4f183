import { Type, type Static } from '@sinclair/typebox';
import { PROTOCOLS } from '../../device-protocols/messages.ts';
import { Nullable } from './auth.ts';
import type { RefusalTable } from './refusal.ts';

export const CreateDevice = Type.Object({
  uniqueId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' }),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  collectorId: Type.Optional(Nullable(Type.Integer())),
  /** What the device speaks, for the people who read the list (devices are recognised by uniqueId on every listener). */
  protocol: Type.Optional(Nullable(Type.Union(PROTOCOLS.map((p) => Type.Literal(p))))),
});
export type CreateDevice = Static<typeof CreateDevice>;

export const DeviceOut = Type.Object({
  id: Type.Integer(),
  uniqueId: Type.String(),
  name: Type.String(),
  collectorId: Type.Union([Type.Integer(), Type.Null()]),
  protocol: Type.Union([Type.String(), Type.Null()]),
  /** false: disabled, refused like an unknown id. */
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  /** In the list only (GET /api/devices): the device's newest report by device time, null before its first. */
  lastReport: Type.Optional(Nullable(Type.Object({ ts: Type.String({ format: 'date-time' }), batteryPct: Nullable(Type.Number()) }))),
});
export type DeviceOut = Static<typeof DeviceOut>;

/** GET /api/devices. */
export const DeviceList = Type.Object({
  devices: Type.Array(DeviceOut),
  /**
   * DEVICE_HOST: the host name or IP address devices connect to, for a new device's settings;
   * null: unset, the dashboard's own host name is also the devices'.
   */
  deviceHost: Nullable(Type.String()),
});
export type DeviceList = Static<typeof DeviceList>;

/** Any of these; a device handed to someone else, disabled or renamed keeps its token (rotate it with POST …/token). */
export const DevicePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    /** The collector who carries it now; null = back in the pool, to hand out. */
    collectorId: Type.Optional(Nullable(Type.Integer())),
    /** false: refused like an unknown id (not listed as unknown) until enabled again. */
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type DevicePatch = Static<typeof DevicePatch>;

/**
 * Why the device routes (POST /api/devices, PATCH /api/devices/{uniqueId}, its token and positions)
 * refuse (ErrorBody `reason`), with its status, what its `values` name and when it happens: a client
 * words each in its own language (web/src/lib/devices/device-refusals.ts).
 */
export const DEVICE_REFUSALS = {
  unique_id_taken: { status: 409, values: ['uniqueId'], when: 'a device with this uniqueId is already registered (enabled or not)' },
  collector_not_found: { status: 404, values: ['collectorId'], when: "no collector has this collectorId, or it is of a team other than the supervisor's" },
  collector_inactive: { status: 409, values: ['collectorId'], when: 'registering the device to, or handing it to, a collector who was deactivated' },
  device_not_found: { status: 404, values: ['uniqueId'], when: "no device has this uniqueId, or it is another team's (or, to a collector, a teammate's)" },
} as const satisfies RefusalTable;
export type DeviceRefusal = keyof typeof DEVICE_REFUSALS;
export const DEVICE_REFUSAL_CODES = Object.keys(DEVICE_REFUSALS) as DeviceRefusal[];

/** Only returned once, at creation or rotation: the server keeps a hash. */
export const DeviceWithToken = Type.Intersect([DeviceOut, Type.Object({ token: Type.String() })]);
export type DeviceWithToken = Static<typeof DeviceWithToken>;

export const UnknownDevice = Type.Object({
  uniqueId: Type.String(),
  protocol: Type.String(),
  remoteAddress: Type.String(),
  firstSeen: Type.String({ format: 'date-time' }),
  lastSeen: Type.String({ format: 'date-time' }),
  count: Type.Integer(),
});
export type UnknownDevice = Static<typeof UnknownDevice>;

export const PositionOut = Type.Object({
  ts: Type.String({ format: 'date-time' }),
  serverTime: Type.String({ format: 'date-time' }),
  lat: Type.Number(),
  lon: Type.Number(),
  speedKph: Type.Union([Type.Number(), Type.Null()]),
  courseDeg: Type.Union([Type.Number(), Type.Null()]),
  altitudeM: Type.Union([Type.Number(), Type.Null()]),
  accuracyM: Type.Union([Type.Number(), Type.Null()]),
  batteryPct: Type.Union([Type.Number(), Type.Null()]),
  satellites: Type.Union([Type.Number(), Type.Null()]),
  valid: Type.Boolean(),
  protocol: Type.String(),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  /** Driven distance this fix added to its day (GPS scatter excluded, see server/ingest/odometer.ts); null for the first fix of a chain. */
  segmentM: Type.Union([Type.Number(), Type.Null()]),
});

/** The most positions one answer holds, and the default `limit`: a day of a 1 Hz tracker is 86,400. */
export const MAX_POSITIONS_PER_PAGE = 100_000;

export const PositionPage = Type.Object({
  /** Oldest first, at most `limit`. */
  positions: Type.Array(PositionOut),
  /**
   * null: every position of the range is in `positions`. Otherwise the answer stopped at `limit`, and this is
   * the time of the first position left out: ask again with `from` set to it (and the same `to`) for the rest.
   */
  next: Nullable(Type.String({ format: 'date-time' })),
});
export type PositionPage = Static<typeof PositionPage>;

/** A device that sent positions for a collector in a range: the replay's picker of that day's devices. */
export const DeviceUsed = Type.Object({
  uniqueId: Type.String(),
  protocol: Nullable(Type.String()),
  /** The device's first and last position for the collector in the range. */
  firstTs: Type.String({ format: 'date-time' }),
  lastTs: Type.String({ format: 'date-time' }),
});
export type DeviceUsed = Static<typeof DeviceUsed>;

/** GET /api/collectors/{id}/devices-used: the last to report first. */
export const DevicesUsed = Type.Object({ devices: Type.Array(DeviceUsed) });
export type DevicesUsed = Static<typeof DevicesUsed>;
