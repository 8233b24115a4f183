import { haversineM } from '../geometry/haversine.ts';
import { TravelMatrixError, type LonLat, type TravelMatrixProvider, type TravelRoute, type TravelTable } from './provider.ts';

export interface HaversineOptions {
  /** Street distance over straight-line distance; 1.3 is the usual figure for urban grids. */
  detourFactor?: number;
  speedKph?: number;
}

/**
 * The last fallback when neither OSRM nor a street network is available: straight-line distance
 * times a detour factor, driven at a constant speed. Symmetric and always defined.
 */
export class HaversineProvider implements TravelMatrixProvider {
  readonly name = 'haversine';
  private readonly detourFactor: number;
  private readonly metresPerSecond: number;

  constructor(options: HaversineOptions = {}) {
    this.detourFactor = options.detourFactor ?? 1.3;
    const speedKph = options.speedKph ?? 25;
    if (!(speedKph > 0) || !(this.detourFactor >= 1)) {
      throw new TravelMatrixError(`invalid haversine settings: speedKph=${speedKph}, detourFactor=${this.detourFactor}`, 'InvalidOptions');
    }
    this.metresPerSecond = speedKph / 3.6;
  }

  async table(locations: LonLat[]): Promise<TravelTable> {
    const n = locations.length;
    const durations = new Float64Array(n * n);
    const distances = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = haversineM(locations[i], locations[j]) * this.detourFactor;
        distances[i * n + j] = distances[j * n + i] = d;
        durations[i * n + j] = durations[j * n + i] = d / this.metresPerSecond;
      }
    }
    return { durations, distances };
  }

  async route(locations: LonLat[]): Promise<TravelRoute> {
    if (locations.length < 2) throw new TravelMatrixError('a route needs at least two locations', 'InvalidQuery');
    const legs = locations.slice(1).map((to, i) => {
      const distanceM = haversineM(locations[i], to) * this.detourFactor;
      return { distanceM, durationS: distanceM / this.metresPerSecond };
    });
    return {
      distanceM: legs.reduce((sum, l) => sum + l.distanceM, 0),
      durationS: legs.reduce((sum, l) => sum + l.durationS, 0),
      geometry: locations.map(([lon, lat]) => [lon, lat]),
      legs,
    };
  }
}
