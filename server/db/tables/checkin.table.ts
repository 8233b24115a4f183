import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CheckinFlag, CheckinOutcome } from '../../contract/checkin.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Primary key is the phone's UUID: a resend is the same row (SPEC §2). */
export interface CheckinTable {
  id: string;
  visit_id: number;
  account_id: number;
  team_id: number;
  collector_id: number | null;
  device_id: number | null;
  ts: Timestamp;
  lat: number;
  lon: number;
  outcome: CheckinOutcome;
  note: string | null;
  promise_date: ColumnType<string, string, string> | null;
  promise_amount: number | null;
  distance_m: number | null;
  flags: ColumnType<CheckinFlag[], CheckinFlag[], CheckinFlag[]>;
  /** Seconds at the address before checking in (migration 0005); null when the trail does not show it. */
  on_site_s: number | null;
  received_at: Generated<Date>;
}
export type Checkin = Selectable<CheckinTable>;
