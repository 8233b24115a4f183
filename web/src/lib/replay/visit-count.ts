/**
 * "Visits made of planned" for a collector's day. The day's latest plan holds only the visits
 * still open when it was made (a re-plan at noon leaves the morning out), and a visit may have
 * several check-ins: counted as is, the replay read "8 of 7". Both sides count distinct visits,
 * and the planned side is every visit either recorded or still on the route.
 */
export function visitCount(routeVisitIds: readonly number[], checkinVisitIds: readonly number[]): { made: number; planned: number } {
  const made = new Set(checkinVisitIds);
  return { made: made.size, planned: new Set([...routeVisitIds, ...made]).size };
}
