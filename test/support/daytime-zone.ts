/**
 * A time zone where it is now `hour`:00–`hour`:59 (10 by default). The demo's working day
 * (server/demo/seed-portfolio.ts) starts when it is seeded and ends by midnight, so a suite seeding
 * it at 23:30 in Mexico City had half an hour of work to plan (routes of one stop, the board e2e
 * failed), and a team's default shift is over in the evening. In this zone there are hours of day
 * left whenever the suite runs. Etc/GMT names count the other way: Etc/GMT-5 is UTC+5.
 */
export function daytimeZone(hour = 10, now = Date.now()): string {
  let offset = hour - new Date(now).getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
