import { describe, expect, it } from 'vitest';
import { haversineM } from '../geometry/haversine.ts';
import { CachedProvider } from './cached-provider.ts';
import { createMatrixProvider } from './create-matrix-provider.ts';
import { HaversineProvider } from './haversine-provider.ts';
import { OsrmProvider } from './osrm-provider.ts';
import { TravelMatrixError, type LonLat, type TravelMatrixProvider, type TravelRoute, type TravelTable } from './provider.ts';
import { RoadGraphProvider } from './road-graph-provider.ts';

const catedral: LonLat = [-103.3475, 20.6767];
const zocalo: LonLat = [-99.1332, 19.4326];
const mercado: LonLat = [-103.3386, 20.6768];

describe('HaversineProvider', () => {
  it('drives the straight line × 1.3 at 25 km/h by default', async () => {
    const { durations, distances } = await new HaversineProvider().table([catedral, zocalo]);
    const m = haversineM(catedral, zocalo) * 1.3;
    expect(Array.from(distances)).toEqual([0, m, m, 0]);
    expect(Array.from(durations)).toEqual([0, m / (25 / 3.6), m / (25 / 3.6), 0]);
    // 461.4 km × 1.3 = 599.8 km; at 25 km/h that is 24 h of driving.
    expect(Math.round(m / 100) / 10).toBe(599.8);
    expect(Math.round(durations[1] / 360) / 10).toBe(24);
  });

  it('uses the configured detour factor and speed, and routes leg by leg', async () => {
    const provider = new HaversineProvider({ detourFactor: 1, speedKph: 36 });
    const route = await provider.route([catedral, mercado, catedral]);
    const leg = haversineM(catedral, mercado);
    expect(route.legs).toEqual([{ distanceM: leg, durationS: leg / 10 }, { distanceM: leg, durationS: leg / 10 }]);
    expect(route.distanceM).toBe(2 * leg);
    expect(route.geometry).toEqual([catedral, mercado, catedral]);
    expect(() => new HaversineProvider({ speedKph: 0 })).toThrow(TravelMatrixError);
  });
});

/** A provider that counts its calls and can be made to fail or wait. */
class CountingProvider implements TravelMatrixProvider {
  readonly name = 'counting';
  tableCalls = 0;
  routeCalls = 0;
  fail = false;
  private readonly haversine = new HaversineProvider();
  async table(locations: LonLat[]): Promise<TravelTable> {
    this.tableCalls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.fail) throw new TravelMatrixError('down', 'Unreachable');
    return this.haversine.table(locations);
  }
  async route(locations: LonLat[]): Promise<TravelRoute> {
    this.routeCalls++;
    return this.haversine.route(locations);
  }
}

describe('CachedProvider', () => {
  it('answers a repeated location list from the cache, including coordinates within 1e-6°', async () => {
    const inner = new CountingProvider();
    const cached = new CachedProvider(inner);
    const first = await cached.table([catedral, mercado]);
    const again = await cached.table([[catedral[0] + 1e-8, catedral[1]], mercado]);
    expect(inner.tableCalls).toBe(1);
    expect(Array.from(again.durations)).toEqual(Array.from(first.durations));
    await cached.table([mercado, catedral]);
    expect(inner.tableCalls).toBe(2);
    await cached.route([catedral, mercado]);
    await cached.route([catedral, mercado]);
    expect(inner.routeCalls).toBe(1);
    expect(cached.stats()).toEqual({ tableHits: 1, tableMisses: 2, routeHits: 1, routeMisses: 1, tables: 2, routes: 1 });
  });

  it('shares one computation between concurrent identical requests and hands out copies', async () => {
    const inner = new CountingProvider();
    const cached = new CachedProvider(inner);
    const [a, b] = await Promise.all([cached.table([catedral, zocalo]), cached.table([catedral, zocalo])]);
    expect(inner.tableCalls).toBe(1);
    a.durations[1] = -1;
    expect(b.durations[1]).toBeGreaterThan(0);
    expect((await cached.table([catedral, zocalo])).durations[1]).toBeGreaterThan(0);
  });

  it('evicts the least recently used table past its bounds', async () => {
    const inner = new CountingProvider();
    const cached = new CachedProvider(inner, { maxTables: 2 });
    await cached.table([catedral]);
    await cached.table([mercado]);
    await cached.table([catedral]);
    await cached.table([zocalo]);
    expect(inner.tableCalls).toBe(3);
    await cached.table([catedral]);
    expect(inner.tableCalls).toBe(3);
    await cached.table([mercado]);
    expect(inner.tableCalls).toBe(4);

    const byCells = new CachedProvider(inner, { maxCells: 5 });
    await byCells.table([catedral, mercado]);
    await byCells.table([catedral, zocalo]);
    expect(byCells.stats().tables).toBe(1);
  });

  it('does not cache a failure', async () => {
    const inner = new CountingProvider();
    const cached = new CachedProvider(inner);
    inner.fail = true;
    await expect(cached.table([catedral, mercado])).rejects.toThrow('down');
    inner.fail = false;
    await expect(cached.table([catedral, mercado])).resolves.toBeDefined();
    expect(inner.tableCalls).toBe(2);
  });
});

describe('createMatrixProvider', () => {
  const streets = {
    features: [{ geometry: { type: 'LineString', coordinates: [catedral, mercado] }, properties: { speedKph: 30 } }],
  };
  it('prefers OSRM, then the road graph, then haversine, always cached', () => {
    expect(createMatrixProvider({ osrmUrl: 'http://osrm:5000', streets }).inner).toBeInstanceOf(OsrmProvider);
    expect(createMatrixProvider({ streets }).inner).toBeInstanceOf(RoadGraphProvider);
    const fallback = createMatrixProvider({ speedKph: 30 });
    expect(fallback.inner).toBeInstanceOf(HaversineProvider);
    expect(fallback.name).toBe('haversine');
  });
});
