import { Type, type Static } from '@sinclair/typebox';

/** GET /api/map/config: which basemap the dashboard uses. */
export const MapConfig = Type.Object({
  /** A MapLibre style URL (MAP_STYLE_URL) or null for the built-in offline style over /api/map/streets. */
  styleUrl: Type.Union([Type.String(), Type.Null()]),
  center: Type.Tuple([Type.Number(), Type.Number()]),
  zoom: Type.Number(),
  /** The user's team's zone and currency; TIME_ZONE / CURRENCY for users of no team (admins, managers). */
  timeZone: Type.String(),
  currency: Type.String(),
});
export type MapConfig = Static<typeof MapConfig>;
