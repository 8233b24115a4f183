import type { MapConfig } from '$contract/map.ts';
import { api } from './api.ts';
import { i18n } from './i18n.svelte.ts';
import { live } from './live.svelte.ts';
import { session } from './session.svelte.ts';

let pending: Promise<MapConfig> | null = null;
/** Whose config `pending` is: the zone and currency are the user's team's, so another sign-in asks again. */
let pendingFor: string | null = null;

/**
 * GET /api/map/config, once per session. It also carries the time zone and currency of
 * the user's team (SPEC §1), which every page formats with, so loading it updates i18n.
 */
export function loadMapConfig(): Promise<MapConfig> {
  if (pendingFor !== session.token) pending = null;
  pendingFor = session.token;
  pending ??= api<MapConfig>('/map/config').then(
    (config) => {
      i18n.timeZone = config.timeZone;
      i18n.currency = config.currency;
      return config;
    },
    (err: unknown) => {
      pending = null; // let the next caller retry
      throw err;
    },
  );
  return pending;
}

// A new zone or currency of the user's own team (PATCH /api/teams/{id}) reaches every open page at
// once: without it the wall kept formatting in the old ones until a reload.
live.on('team', (team) => {
  if (team.id !== session.user?.teamId) return;
  i18n.timeZone = team.timeZone;
  i18n.currency = team.currency;
  // The next page that asks (metrics) reads the config again rather than the first answer.
  pending = null;
});
