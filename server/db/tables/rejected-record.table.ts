import type { Generated } from 'kysely';

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
  received_at: Generated<Date>;
}
