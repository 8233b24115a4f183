/**
 * The optimizer counts seconds since local midnight of the plan's day in the
 * team's time zone (SPEC §1: times in the team's time zone); ETAs are stored
 * and served as instants. The zone's offset is taken at local noon, so a day
 * with a daylight-saving switch is off by the switch before it (Mexico has
 * none since 2022; collection days do not start at 02:00).
 */
export function localMidnightMs(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const noonUtc = Date.UTC(y, m - 1, d, 12);
  return Date.UTC(y, m - 1, d) - offsetMs(noonUtc, timeZone);
}

/** Local wall time minus UTC at an instant, ms. */
export function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** An instant as ISO-8601 with the zone's offset at that moment (2026-11-30T11:44:16-06:00): local, and still exact. */
export function localIso(ms: number, timeZone: string): string {
  const offset = offsetMs(ms, timeZone);
  const minutes = Math.abs(offset) / 60_000;
  const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return new Date(Math.floor(ms / 1000) * 1000 + offset).toISOString().slice(0, 19) + zone;
}

/** The day an instant falls on in a time zone, 'YYYY-MM-DD' (en-CA formats dates that way). */
export const localDate = (ms: number, timeZone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(ms));

export const minutesToHhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
export const hhmmToMinutes = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
