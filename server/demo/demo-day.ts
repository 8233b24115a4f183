/** The demo's working day starts a quarter of an hour before the demo does and lasts a 10-hour shift. */
export const DEMO_LEAD_MIN = 15;
export const DEMO_SHIFT_MIN = 600;

/** Minutes after local midnight in `timeZone` at `at`. */
export function localMinutes(timeZone: string, at = new Date()): number {
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at).split(':').map(Number);
  return h * 60 + m;
}

/**
 * A time zone where it is now `hour`:00–`hour`:59 (10 by default). Etc/GMT names count the
 * other way: Etc/GMT-5 is UTC+5.
 */
export function daytimeZone(hour = 10, now = Date.now()): string {
  let offset = hour - new Date(now).getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Collectors knock on debtors' doors by day: the demo's day starts no earlier than this, local time. */
const EARLIEST_START_MIN = 6 * 60;

/**
 * The zone the demo's teams work in. A shift ends by midnight, so a demo started at 23:53 in
 * Mexico City planned nothing (every visit unassigned for its window) and one started at 20:00
 * a third of the day; one started at 00:15 sent collectors to debtors' doors at midnight. Unless
 * TIME_ZONE was set (`chosen`), a start outside 06:00 to the last start that fits the whole
 * shift puts the teams in a zone where it is 09:00–09:59.
 */
export function demoTimeZone(zone: string, chosen: boolean, now = new Date()): string {
  const start = localMinutes(zone, now) - DEMO_LEAD_MIN;
  if (chosen || (start >= EARLIEST_START_MIN - DEMO_LEAD_MIN && start + DEMO_SHIFT_MIN <= 24 * 60)) return zone;
  return daytimeZone(9, now.getTime());
}
