import { CachedProvider } from './cached-provider.ts';
import { HaversineProvider } from './haversine-provider.ts';
import { OsrmProvider } from './osrm-provider.ts';
import type { TravelMatrixProvider } from './provider.ts';
import type { StreetNetwork } from './road-graph.ts';
import { RoadGraphProvider } from './road-graph-provider.ts';

export interface MatrixProviderConfig {
  /** OSRM_URL: use an osrm-routed server (docker compose). */
  osrmUrl?: string;
  /** A street network for the built-in road graph (the demo city, under `npm run demo` only); places off it get haversine legs. */
  streets?: StreetNetwork;
  /** Speed for the haversine fallback, km/h. */
  speedKph?: number;
}

/** SPEC §2's order of preference: OSRM when configured, else the road graph, else haversine; always cached. */
export function createMatrixProvider(config: MatrixProviderConfig): CachedProvider {
  let inner: TravelMatrixProvider;
  if (config.osrmUrl) inner = new OsrmProvider({ url: config.osrmUrl });
  else if (config.streets) inner = new RoadGraphProvider(config.streets);
  else inner = new HaversineProvider({ speedKph: config.speedKph });
  return new CachedProvider(inner);
}
