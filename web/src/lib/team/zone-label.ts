/**
 * A team's time zone as a person reads it: its name and its offset now ("America/Mexico City
 * (UTC-6)"), or the offset alone for a zone that is only one: "Etc/GMT-2" is UTC+2, its sign
 * backwards by POSIX convention, which read as two hours behind.
 */
export function zoneLabel(zone: string, languageTag: string, at = new Date()): string {
  let offset: string | undefined;
  try {
    offset = new Intl.DateTimeFormat(languageTag, { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    return zone; // a name this browser does not know: as the server has it
  }
  const utc = (offset ?? '').replace(/^GMT/, 'UTC').replace(/^UTC[+-]0(:00)?$/, 'UTC') || 'UTC';
  return /^(Etc\/)?(GMT|UTC|UCT|Zulu|Universal|Greenwich)/.test(zone) ? utc : `${zone.replaceAll('_', ' ')} (${utc})`;
}
