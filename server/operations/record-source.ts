import type { Actor } from './actor.ts';
import { invalid } from './errors.ts';

/** Who sent a check-in or payment: a collector's device over MQTT, or a user through the API. */
export interface RecordSource {
  actor: Actor;
  deviceId: number | null;
  /** The device's collector; null through the API, where the visit's collector is used. */
  collectorId: number | null;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/i;
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
  const d = epoch ? new Date(Number(ts)) : isoTime(ts);
  const t = d.getTime();
  if (Number.isNaN(t)) throw invalid(`ts ${JSON.stringify(ts)} is not an ISO-8601 time with a zone (2026-11-30T10:15:00-06:00) or epoch milliseconds`);
  if (t < EARLIEST_MS) throw invalid(`ts ${JSON.stringify(ts)} is before 2000${epoch ? ' (epoch milliseconds are expected, not seconds)' : ''}`);
  if (t > nowMs + AHEAD_MS) throw invalid(`ts ${JSON.stringify(ts)} is more than a day ahead of the server's clock`);
  return d;
}

function isoTime(text: string): Date {
  const m = ISO.exec(text.trim());
  if (!m) return new Date(NaN);
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  const second = Number(m[6] ?? 0);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[7].toUpperCase() === 'Z' || (Number(m[8]) <= 14 && Number(m[9]) <= 59);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || !offsetOk) return new Date(NaN);
  return new Date(text.trim().replace(' ', 'T'));
}

/** Thrown inside a transaction when a concurrent resend committed the same id first: roll back, answer with the stored record. */
export class AlreadyStored extends Error {}
