import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CheckinOutcome } from '../../contract/checkin.ts';
import type { VisitStatus } from '../../contract/visit.ts';

/** `visit_date` is a calendar day in the team's time zone, read back as 'YYYY-MM-DD'. */
export interface VisitTable {
  id: Generated<number>;
  account_id: number;
  team_id: number;
  collector_id: number | null;
  visit_date: ColumnType<string, string, string>;
  priority: number;
  priority_override: Generated<boolean>;
  /** Minutes after local midnight. */
  window_start_min: number | null;
  window_end_min: number | null;
  service_minutes: Generated<number>;
  status: ColumnType<VisitStatus, VisitStatus | undefined, VisitStatus>;
  outcome: CheckinOutcome | null;
  note: string | null;
  /** Optimistic concurrency: every change bumps it; a change sent with an older one is refused. */
  version: Generated<number>;
  updated_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type Visit = Selectable<VisitTable>;
