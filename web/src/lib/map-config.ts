import type { MapConfig } from '$contract/map.ts';
import { api } from './api.ts';
import { i18n } from './i18n.svelte.ts';

let pending: Promise<MapConfig> | null = null;

/**
 * GET /api/map/config, once per session. It also carries the account's time zone and
 * currency (SPEC §1), which every page formats with, so loading it updates i18n.
 */
export function loadMapConfig(): Promise<MapConfig> {
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
