import { todayIn, zonedDay } from '../replay/track.ts';

export interface TeamZone {
  id: number;
  /** Null: the team's zone is not known here; the dashboard's applies. */
  timeZone: string | null;
}

/**
 * "Today" for every team on the wall, each in its own time zone (SPEC §1): an admin's
 * or a manager's wall spans teams whose days turn at different instants, and a team two
 * hours west is still working its evening when the dashboard's zone has passed midnight.
 */
export interface TeamDays {
  /** The dashboard's own today: teams not listed, and collectors without a team. */
  readonly fallback: string;
  readonly fallbackZone: string;
  readonly byTeam: ReadonlyMap<number, { date: string; timeZone: string }>;
  /** Every distinct date above, the dashboard's first: one visits or metrics query each. */
  readonly dates: readonly string[];
  /** The first instant at which any of these days ends (epoch ms): the wall starts over then. */
  readonly endsAt: number;
}

export function teamDays(teams: readonly TeamZone[], dashboardZone: string, nowMs: number): TeamDays {
  const fallback = todayIn(dashboardZone, nowMs);
  let endsAt = zonedDay(fallback, dashboardZone)[1];
  const byTeam = new Map<number, { date: string; timeZone: string }>();
  const dates = [fallback];
  for (const team of teams) {
    const timeZone = team.timeZone ?? dashboardZone;
    const date = todayIn(timeZone, nowMs);
    byTeam.set(team.id, { date, timeZone });
    if (!dates.includes(date)) dates.push(date);
    endsAt = Math.min(endsAt, zonedDay(date, timeZone)[1]);
  }
  return { fallback, fallbackZone: dashboardZone, byTeam, dates, endsAt };
}

/** The day the wall shows for a team (null: a collector without one). */
export function dayOf(days: TeamDays, teamId: number | null): string {
  return (teamId === null ? undefined : days.byTeam.get(teamId)?.date) ?? days.fallback;
}

/** Whether a payment taken at `tsMs` by a team's collector falls on the day the wall shows for that team. */
export function isTeamToday(days: TeamDays, teamId: number | null, tsMs: number): boolean {
  const team = teamId === null ? undefined : days.byTeam.get(teamId);
  return todayIn(team?.timeZone ?? days.fallbackZone, tsMs) === (team?.date ?? days.fallback);
}

/** Every team on the same day in both (a team one does not list is on its fallback day): nothing to reload. */
export function sameDays(a: TeamDays, b: TeamDays): boolean {
  if (a.fallback !== b.fallback) return false;
  for (const id of a.byTeam.keys()) if (dayOf(a, id) !== dayOf(b, id)) return false;
  for (const id of b.byTeam.keys()) if (dayOf(a, id) !== dayOf(b, id)) return false;
  return true;
}
