import { instantOfIsoMatch } from '../shared/time.ts';

/** Date and time ('T' or a space; seconds and a fraction optional), then a zone: 'Z', ±HH:MM or ±HHMM. */
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/i;
/** Zones in use run from −12:00 to +14:00. */
const MAX_OFFSET_HOURS = 14;

/**
 * An ISO-8601 time with a zone, or null: no zone (a phone's local time would be
 * read in the server's zone), a date no calendar has (30 February, 24:00, which
 * `Date.parse` rolls into the next month or day) and free text ("November 29,
 * 2026", which `Date.parse` guesses at) are all null.
 */
export function isoInstant(text: string): Date | null {
  const m = ISO_WITH_ZONE.exec(text.trim());
  return m ? instantOfIsoMatch(m, MAX_OFFSET_HOURS) : null;
}

const DIGITS = /^\d+$/;

/**
 * SPEC §5 `ts` of every Ronda JSON message (position, check-in, payment): ISO-8601
 * with a zone, or epoch milliseconds (a number, or a string of digits). Null for
 * anything else. Whether the time is plausible (after 2000, not far ahead) is for
 * the server to judge, against its clock.
 */
export function rondaTime(ts: unknown): Date | null {
  const date =
    typeof ts === 'number' ? new Date(ts)
    : typeof ts === 'string' && DIGITS.test(ts) ? new Date(Number(ts))
    : typeof ts === 'string' ? isoInstant(ts)
    : null;
  return date && Number.isFinite(date.getTime()) ? date : null;
}
