import type { Position } from '../../device-protocols/messages.ts';
import type { AlarmReport, RejectedPosition } from './ingest-port.ts';

/** An alarm as a frame or publish carried it: its name, and the index of its fix among the positions submitted with it. */
export interface FramedAlarm {
  alarm: string;
  fixIndex: number | null;
  /** Without a fix: the time the device gave it, if any. */
  sentAt?: Date;
}

/** What ingest made of each alarm's fix: one it refused, or one without GPS lock, says nothing about where the alarm happened. */
export function alarmReports(alarms: readonly FramedAlarm[], positions: readonly Position[], rejected: readonly RejectedPosition[]): AlarmReport[] {
  const refused = new Set(rejected.map((r) => r.index));
  return alarms.map(({ alarm, fixIndex, sentAt }) => {
    if (fixIndex === null) return sentAt ? { alarm, sentAt, fixUsable: false } : { alarm, fixUsable: false };
    const fix = positions[fixIndex];
    return { alarm, fix, fixUsable: fix.valid && !refused.has(fixIndex) };
  });
}
