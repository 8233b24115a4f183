import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PromiseStatus } from '../../contract/checkin.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A promise to pay, made in a `promise` check-in; settled by `settlePromises`. */
export interface PromiseTable {
  id: Generated<number>;
  checkin_id: string;
  account_id: number;
  team_id: number;
  visit_id: number | null;
  collector_id: number | null;
  promised_at: Timestamp;
  due_date: ColumnType<string, string, string>;
  amount: number;
  status: ColumnType<PromiseStatus, PromiseStatus | undefined, PromiseStatus>;
  paid_amount: number | null;
  settled_at: Timestamp | null;
}
export type PromiseRow = Selectable<PromiseTable>;
