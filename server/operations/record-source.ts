import { isoInstant } from '../../device-protocols/ronda-json/ronda-time.ts';
import { assertCanWrite, readsTeam, type Actor } from './actor.ts';
import { RECORD_REFUSALS } from '../contract/checkin.ts';
import { refusal } from './errors.ts';

/** Who sent a check-in or payment: a collector's device over MQTT, or a user through the API. */
export interface RecordSource {
  actor: Actor;
  deviceId: number | null;
  /** The device's collector; null through the API, where the visit's collector is used. */
  collectorId: number | null;
}

/** Earlier than any collection record Ronda can hold; an epoch in seconds (1.7e9) lands in 1970 and is caught here. */
const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** A phone's clock or zone may be off by hours, not more: a time beyond this would sit at the top of every list. */
const AHEAD_MS = 24 * 3_600_000;

/**
 * SPEC §5 timestamps: ISO-8601 with a zone, or epoch milliseconds. Calendar-checked (no
 * 30 February, no 24:00, which Date would roll into the next month or day) and within
 * 2000 … now + 24 h.
 */
export function parseTs(ts: string | number, nowMs = Date.now()): Date {
  const epoch = typeof ts === 'number' || /^\d+$/.test(ts);
  const d = epoch ? new Date(Number(ts)) : (isoInstant(ts) ?? new Date(NaN));
  const t = d.getTime();
  if (Number.isNaN(t)) throw refusal(RECORD_REFUSALS, 'invalid_ts', `ts ${JSON.stringify(ts)} is not an ISO-8601 time with a zone (2026-11-30T10:15:00-06:00) or epoch milliseconds`, {});
  if (t < EARLIEST_MS) throw refusal(RECORD_REFUSALS, 'invalid_ts', `ts ${JSON.stringify(ts)} is before 2000${epoch ? ' (epoch milliseconds are expected, not seconds)' : ''}`, {});
  if (t > nowMs + AHEAD_MS) throw refusal(RECORD_REFUSALS, 'invalid_ts', `ts ${JSON.stringify(ts)} is more than a day ahead of the server's clock`, {});
  return d;
}

/**
 * SPEC §2: a client id names one record. Its resend is answered with the stored record only
 * to one who may write it (the device that sent it, or a writer of its team) and only when it
 * says the same: another record under a used id is refused, not lost. A user who cannot see
 * the stored record's team is told only that the id is taken (it cannot be theirs), as
 * reads show another team's records: not at all, not even which team holds it.
 * `differing`: the fields in which the resend is not the stored record.
 */
export function assertResend(source: RecordSource, stored: { team_id: number; device_id: number | null }, kind: 'payment' | 'check-in', id: string, differing: string[]): void {
  const sender = source.actor.kind === 'device' && stored.device_id !== null && stored.device_id === source.deviceId;
  if (source.actor.kind === 'user' && !readsTeam(source.actor.user, stored.team_id)) throw refusal(RECORD_REFUSALS, 'id_taken', `${kind} ${id} is already used: a new ${kind} needs an id of its own`, { id });
  if (!sender) assertCanWrite(source.actor, stored.team_id);
  if (differing.length > 0) throw refusal(RECORD_REFUSALS, 'id_taken', `${kind} ${id} is already stored with another ${differing.join(', ')}: a new ${kind} needs an id of its own`, {
      id,
      fields: differing.join(', '),
    });
}

/** Thrown inside a transaction when a concurrent resend committed the same id first: roll back, answer with the stored record. */
export class AlreadyStored extends Error {}
