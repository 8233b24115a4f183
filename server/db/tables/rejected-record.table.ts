import type { ColumnType, Generated } from 'kysely';

/** jsonb: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/**
 * A check-in or payment a device sent that can never be stored (bad JSON,
 * unknown visit). It is acknowledged so the phone stops resending it, and kept
 * here so nothing a device said is silently lost.
 */
export interface RejectedRecordTable {
  id: Generated<number>;
  device_id: number | null;
  kind: 'checkin' | 'payment';
  payload: string;
  reason: string;
  /** Why, as a code (an API refusal's `reason`, or DEVICE_RECORD_REJECTIONS'); null for records kept before 0018. */
  code: string | null;
  code_values: Json<Record<string, string | number> | null>;
  received_at: Generated<Date>;
}
