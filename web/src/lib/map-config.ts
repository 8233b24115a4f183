import type { MapConfig } from '$contract/map.ts';
import { api } from './api.ts';
import { i18n } from './i18n.svelte.ts';
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
