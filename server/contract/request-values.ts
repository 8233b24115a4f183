import { FormatRegistry, Type, type StringOptions } from '@sinclair/typebox';

/**
 * PostgreSQL's `integer` (and `serial`), the type of every id and version column: the most any
 * integer of a request may be (server/api/bounded-integers.ts).
 */
export const PG_INT_MAX = 2_147_483_647;

/** The first and last day a request may name: a wider span is a typo (0001-01-01, 9999-12-31), never a working day. */
export const FIRST_DATE = '2000-01-01';
export const LAST_DATE = '2099-12-31';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD`, a day that exists (not 2026-02-30), from FIRST_DATE to LAST_DATE. */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m || s < FIRST_DATE || s > LAST_DATE) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Day 0 of the next month is the last of this one (UTC: no zone's transition moves it).
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The format `date` of a request's day: the API's validator (server/api/validation.ts) and TypeBox's
 * Value.Check, which reads a phone's check-in over MQTT against the same schema, both take it from here.
 */
FormatRegistry.Set('date', isCalendarDate);

/** A calendar day in a request: an impossible one was refused by the database without a field's name. */
export const CalendarDate = (opts: StringOptions = {}) =>
  Type.String({ format: 'date', description: `a day, YYYY-MM-DD, from ${FIRST_DATE} to ${LAST_DATE}`, ...opts });
