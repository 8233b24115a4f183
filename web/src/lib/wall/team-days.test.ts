import { describe, expect, it } from 'vitest';
import { dayOf, isTeamToday, sameDays, teamDays } from './team-days.ts';

// 00:30 in Mexico City on 30 November is 22:30 of the 29th in Tijuana (two hours west).
const NOW = Date.parse('2026-11-30T06:30:00Z');
const TEAMS = [
  { id: 1, timeZone: 'America/Mexico_City' },
  { id: 2, timeZone: 'America/Tijuana' },
];

describe('each team’s today on a wall that spans time zones', () => {
  it('gives a team west of the dashboard its own evening, not the dashboard’s new day', () => {
    const days = teamDays(TEAMS, 'America/Mexico_City', NOW);
    expect(dayOf(days, 1)).toBe('2026-11-30');
    expect(dayOf(days, 2)).toBe('2026-11-29');
    expect(days.dates).toEqual(['2026-11-30', '2026-11-29']);
    // Tijuana's day ends first, at its midnight (08:00 UTC).
    expect(new Date(days.endsAt).toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('falls back to the dashboard’s day for collectors without a team and teams it does not know', () => {
    const days = teamDays([{ id: 2, timeZone: null }], 'America/Mexico_City', NOW);
    expect(dayOf(days, 2)).toBe('2026-11-30');
    expect(dayOf(days, null)).toBe('2026-11-30');
    expect(dayOf(days, 99)).toBe('2026-11-30');
    expect(days.dates).toEqual(['2026-11-30']);
  });

  it('counts a payment on the day of the collector’s team', () => {
    const days = teamDays(TEAMS, 'America/Mexico_City', NOW);
    const evening = Date.parse('2026-11-30T05:30:00Z'); // 21:30 on the 29th in Tijuana, 23:30 in Mexico City
    expect(isTeamToday(days, 2, evening)).toBe(true);
    expect(isTeamToday(days, 1, evening)).toBe(false);
    expect(isTeamToday(days, 1, NOW)).toBe(true);
  });

  it('tells when the teams’ days changed', () => {
    const days = teamDays(TEAMS, 'America/Mexico_City', NOW);
    expect(sameDays(days, teamDays(TEAMS, 'America/Mexico_City', NOW + 60_000))).toBe(true);
    // The collector list arriving with teams in the dashboard's zone changes no day; one in Tijuana does.
    const before = teamDays([], 'America/Mexico_City', NOW);
    expect(sameDays(before, teamDays(TEAMS.slice(0, 1), 'America/Mexico_City', NOW))).toBe(true);
    expect(sameDays(before, days)).toBe(false);
    expect(sameDays(days, teamDays(TEAMS, 'America/Mexico_City', NOW + 2 * 3_600_000))).toBe(false);
  });
});
