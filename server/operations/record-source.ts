import type { Actor } from './actor.ts';
import { invalid } from './errors.ts';

/** Who sent a check-in or payment: a collector's device over MQTT, or a user through the API. */
export interface RecordSource {
  actor: Actor;
  deviceId: number | null;
  /** The device's collector; null through the API, where the visit's collector is used. */
  collectorId: number | null;
}

/** SPEC §5 timestamps: ISO-8601 or epoch milliseconds. */
export function parseTs(ts: string | number): Date {
  const d = typeof ts === 'number' ? new Date(ts) : new Date(/^\d+$/.test(ts) ? Number(ts) : ts);
  if (Number.isNaN(d.getTime())) throw invalid(`ts ${JSON.stringify(ts)} is not an ISO-8601 time or epoch milliseconds`);
  return d;
}

/** Thrown inside a transaction when a concurrent resend committed the same id first: roll back, answer with the stored record. */
export class AlreadyStored extends Error {}
