import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PaymentMethod } from '../../contract/payment.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Primary key is the phone's UUID: a resend is the same payment (SPEC §2). */
export interface PaymentTable {
  id: string;
  visit_id: number | null;
  account_id: number;
  team_id: number;
  collector_id: number | null;
  device_id: number | null;
  ts: Timestamp;
  amount: number;
  currency: string;
  method: PaymentMethod;
  /** Sequential per team, taken from `receipt_counters` in the payment's transaction. */
  receipt_number: number;
  client_receipt: string | null;
  received_at: Generated<Date>;
}
export type Payment = Selectable<PaymentTable>;

export interface ReceiptCounterTable {
  team_id: number;
  last_number: number;
}
