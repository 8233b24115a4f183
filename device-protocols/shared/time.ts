/** Date helpers: trackers send broken-down UTC fields with two-digit years (GT06 §5.2.1.4, H02 DDMMYY). */

/**
 * The instant the UTC fields name, or null when no calendar has it (31 Feb,
 * 29 Feb 2026, 24:00, second 60). Date.UTC rolls such fields over into
 * another real date (31 Feb → 3 Mar), so the result must read back as given.
 * Second 60 is refused too: a Date cannot hold a leap second, and the last one
 * (2016-12-31) predates every device we serve.
 */
export function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  const same =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second &&
    date.getUTCMilliseconds() === ms;
  return same ? date : null;
}

/** Two-digit years are 2000-based: these protocols date from the 2000s and devices send 00–99. */
export function utcFromFields(year2: number, month: number, day: number, hour: number, minute: number, second: number): Date | null {
  if (!(year2 >= 0 && year2 <= 99)) return null;
  return utcDate(2000 + year2, month, day, hour, minute, second);
}

export interface UtcFields {
  year2: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function utcFields(date: Date): UtcFields {
  return {
    year2: date.getUTCFullYear() % 100,
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

export const KNOT_IN_KPH = 1.852;
