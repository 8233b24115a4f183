import type { Generated, Selectable } from 'kysely';

export interface DeviceTable {
  id: Generated<number>;
  unique_id: string;
  name: string;
  /** sha256 of the device token: checked on every MQTT connect, so not a slow hash. */
  token_hash: string;
  collector_id: number | null;
  protocol: string | null;
  /** false: refused like an unknown id, but not listed as unknown (migration 0013). */
  active: Generated<boolean>;
  created_at: Generated<Date>;
}
export type Device = Selectable<DeviceTable>;

export interface UnknownDeviceTable {
  unique_id: string;
  protocol: string;
  remote_address: string;
  first_seen: Date;
  last_seen: Date;
  count: number;
}
