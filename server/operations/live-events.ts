import type { CheckinOut } from '../contract/checkin.ts';
import type { PaymentOut } from '../contract/payment.ts';
import type { LiveVisit } from '../contract/live.ts';

/** The operations records the live stream carries (SPEC §7), by event name. */
export interface RecordEvents {
  visit: LiveVisit;
  checkin: CheckinOut;
  payment: PaymentOut;
}

/** Called after commit only: a listener never sees a record that could still roll back. */
export type NotifyRecord = <E extends keyof RecordEvents>(event: E, teamId: number, payload: RecordEvents[E]) => void;

export const notifyNobody: NotifyRecord = () => undefined;
