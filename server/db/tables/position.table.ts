import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One report from a device. Primary key (device_id, device_time): resends are idempotent. */
export interface PositionTable {
  device_id: number;
  collector_id: number | null;
  device_time: Timestamp;
  server_time: Timestamp;
  lat: number;
  lon: number;
  speed_kph: number | null;
  course_deg: number | null;
  altitude_m: number | null;
  accuracy_m: number | null;
  battery_pct: number | null;
  satellites: number | null;
  valid: boolean;
  protocol: string;
  attributes: ColumnType<Record<string, unknown>, string, string>;
  /** Driven distance this fix added (the ingest odometer), seconds since the previous fix, and whether it was moving: migration 0005. */
  segment_m: number | null;
  segment_s: number | null;
  moving: boolean | null;
}
export type PositionRow = Selectable<PositionTable>;
export type NewPositionRow = Insertable<PositionTable>;

/** The newest position per device, kept in the same transaction as the insert. */
export interface DeviceLastTable {
  device_id: number;
  collector_id: number | null;
  device_time: Timestamp;
  lat: number;
  lon: number;
  speed_kph: number | null;
  course_deg: number | null;
  accuracy_m: number | null;
  battery_pct: number | null;
  protocol: string;
}
