/** Date helpers: trackers send broken-down UTC fields with two-digit years (GT06 §5.2.1.4, H02 DDMMYY). */

/** Two-digit years are 2000-based: these protocols date from the 2000s and devices send 00–99. */
export function utcFromFields(year2: number, month: number, day: number, hour: number, minute: number, second: number): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  return new Date(Date.UTC(2000 + year2, month - 1, day, hour, minute, second));
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
