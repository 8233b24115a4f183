import type { MapConfig } from '$contract/map.ts';
import type { TeamOut } from '$contract/team.ts';
import { api } from './api.ts';
import { i18n } from './i18n.svelte.ts';
import { live } from './live.svelte.ts';
import { session } from './session.svelte.ts';

let pending: Promise<MapConfig> | null = null;
/** Whose config `pending` is: the zone and currency are the user's team's, so another sign-in asks again. */
let pendingFor: string | null = null;
/** How often the live stream has told the user's team: an answer asked for before it is older. */
let teamHeard = 0;

/**
 * GET /api/map/config, once per session. It also carries the time zone and currency of
 * the user's team (SPEC §1), which every page formats with, so loading it updates i18n.
 */
export function loadMapConfig(): Promise<MapConfig> {
  if (pendingFor !== session.token) pending = null;
  pendingFor = session.token;
  const asked = teamHeard;
  pending ??= api<MapConfig>('/map/config').then(
    (config) => {
      // The snapshot and the `team` events that follow it are in order; this answer may have been read before them.
      if (teamHeard === asked) {
        i18n.timeZone = config.timeZone;
        i18n.currency = config.currency;
      }
      return config;
    },
    (err: unknown) => {
      pending = null; // let the next caller retry
      throw err;
    },
  );
  return pending;
}

/** The user's own team as the live stream has it now: its zone and currency are the ones every page formats with. */
function followTeam(team: TeamOut | undefined): void {
  if (team === undefined || team.id !== session.user?.teamId) return;
  teamHeard++;
  if (team.timeZone === i18n.timeZone && team.currency === i18n.currency) return;
  i18n.timeZone = team.timeZone;
  i18n.currency = team.currency;
  // The next page that asks (metrics) reads the config again rather than the first answer.
  pending = null;
}

// A new zone or currency (PATCH /api/teams/{id}) reaches every open page at once: without it the wall
// kept formatting in the old ones until a reload. One sent while the link was down never arrives; the
// snapshot of the reconnection carries the team as it is then (SPEC §7: the current state, then deltas).
live.on('team', followTeam);
live.onSnapshot(({ team }) => followTeam(team));
