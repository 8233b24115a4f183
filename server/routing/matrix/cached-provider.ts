import type { LonLat, TravelMatrixProvider, TravelRoute, TravelTable } from './provider.ts';

export interface CacheOptions {
  /** Tables kept; the least recently used goes first. */
  maxTables?: number;
  /** Bound on the cells (n² per table) kept, so a few 2,000-location tables cannot exhaust memory. */
  maxCells?: number;
  maxRoutes?: number;
}

/** Coordinates rounded to 6 decimals (~0.1 m): a re-geocoded address that moved by noise is a hit. */
function keyOf(locations: readonly LonLat[]): string {
  let key = '';
  for (const [lon, lat] of locations) key += `${lon.toFixed(6)},${lat.toFixed(6)};`;
  return key;
}

/** A Map kept in recency order: re-inserting on read moves an entry to the back. */
class Lru<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private weight = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, weight: number): void {
    this.delete(key);
    if (weight > this.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.weight += weight;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.weight <= this.maxWeight) break;
      this.delete(oldest);
    }
  }

  /** With a value: only if the entry still holds it (a failed request must not evict its successor). */
  delete(key: string, value?: V): void {
    const entry = this.entries.get(key);
    if (!entry || (value !== undefined && entry.value !== value)) return;
    this.weight -= entry.weight;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Re-optimizing a day's plan after one reassignment asks for the same table again; so does every
 * dispatcher looking at it. Tables and routes are cached by their rounded location list, concurrent
 * identical requests share one computation, and callers get their own copies of the arrays.
 */
export class CachedProvider implements TravelMatrixProvider {
  readonly name: string;
  private readonly tables: Lru<Promise<TravelTable>>;
  private readonly routes: Lru<Promise<TravelRoute>>;
  private counts = { tableHits: 0, tableMisses: 0, routeHits: 0, routeMisses: 0 };

  constructor(
    readonly inner: TravelMatrixProvider,
    options: CacheOptions = {},
  ) {
    this.name = inner.name;
    this.tables = new Lru(options.maxTables ?? 16, options.maxCells ?? 8_000_000);
    this.routes = new Lru(options.maxRoutes ?? 2_000, Infinity);
  }

  async table(locations: LonLat[]): Promise<TravelTable> {
    const key = keyOf(locations);
    let pending = this.tables.get(key);
    if (pending) this.counts.tableHits++;
    else {
      this.counts.tableMisses++;
      pending = this.inner.table(locations);
      this.tables.set(key, pending, locations.length ** 2);
      const mine = pending;
      mine.catch(() => this.tables.delete(key, mine));
    }
    const table = await pending;
    return { ...table, durations: table.durations.slice(), distances: table.distances.slice() };
  }

  async route(locations: LonLat[]): Promise<TravelRoute> {
    const key = keyOf(locations);
    let pending = this.routes.get(key);
    if (pending) this.counts.routeHits++;
    else {
      this.counts.routeMisses++;
      pending = this.inner.route(locations);
      this.routes.set(key, pending, 1);
      const mine = pending;
      mine.catch(() => this.routes.delete(key, mine));
    }
    const route = await pending;
    return { ...route, geometry: route.geometry.map(([lon, lat]) => [lon, lat]), legs: route.legs.map((l) => ({ ...l })) };
  }

  stats(): { tableHits: number; tableMisses: number; routeHits: number; routeMisses: number; tables: number; routes: number } {
    return { ...this.counts, tables: this.tables.size, routes: this.routes.size };
  }
}
