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

/**
 * The instant an ISO-8601 date-time match names, its groups in this order: year, month,
 * day, hour, minute, second?, fraction?, offset sign?, offset hours?, offset minutes?
 * (no sign: UTC). Null when no calendar has the date or the offset is past `maxOffsetHours`;
 * fraction digits past the millisecond are dropped. Each protocol keeps its own pattern
 * (which forms it accepts), this reading is shared.
 */
export function instantOfIsoMatch(m: RegExpExecArray, maxOffsetHours: number): Date | null {
  const [, year, month, day, hour, minute, second = '0', fraction = '', sign, offsetHours = '0', offsetMinutes = '0'] = m;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = utcDate(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), ms);
  if (!local || Number(offsetHours) > maxOffsetHours || Number(offsetMinutes) > 59) return null;
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 : 0;
  return new Date(local.getTime() - offsetMs);
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
