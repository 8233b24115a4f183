export { TravelMatrixError, type LonLat, type TravelMatrixProvider, type TravelRoute, type TravelTable } from './provider.ts';
export { createMatrixProvider, type MatrixProviderConfig } from './create-matrix-provider.ts';
export { CachedProvider, type CacheOptions } from './cached-provider.ts';
export { HaversineProvider, type HaversineOptions } from './haversine-provider.ts';
export { OsrmProvider, type OsrmOptions } from './osrm-provider.ts';
export { RoadGraph, type RoadGraphOptions, type StreetNetwork } from './road-graph.ts';
export { RoadGraphProvider } from './road-graph-provider.ts';
