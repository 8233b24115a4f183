import { decodePolyline } from '../geometry/polyline.ts';
import { TravelMatrixError, type LonLat, type TravelMatrixProvider, type TravelRoute, type TravelTable } from './provider.ts';

export interface OsrmOptions {
  /** osrm-routed's base URL (OSRM_URL), e.g. http://osrm:5000. */
  url: string;
  /** The profile path segment; osrm-routed serves whichever profile it was prepared with. */
  profile?: string;
  /**
   * Largest sources × destinations block per table request. osrm-routed refuses more than
   * `--max-table-size` (default 100) locations per request, so bigger tables are fetched in blocks.
   */
  maxTableSize?: number;
  /** Table blocks in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
}

interface OsrmResponse {
  code?: string;
  message?: string;
}
interface OsrmTableResponse extends OsrmResponse {
  durations?: (number | null)[][];
  distances?: (number | null)[][];
}
interface OsrmRouteResponse extends OsrmResponse {
  routes?: { geometry: string; distance: number; duration: number; legs: { distance: number; duration: number }[] }[];
}

/**
 * OSRM v5's HTTP API (http://project-osrm.org/docs/v5.24.0/api/): GET
 * /{service}/v1/{profile}/{lon},{lat};… with a JSON reply whose `code` is "Ok" or an error code
 * (InvalidQuery, NoSegment, NoRoute, TooBig, …) with a `message`.
 *
 * Spoken with fetch rather than the osrm-client package: osrm-client 0.0.9 builds OSRM 4's URLs
 * (/viaroute?loc=lat,lon, /table?loc=…), which osrm-backend dropped in 5.0 (2016), so it cannot talk
 * to any current osrm-routed.
 */
export class OsrmProvider implements TravelMatrixProvider {
  readonly name = 'osrm';
  private readonly base: string;
  private readonly profile: string;
  private readonly maxTableSize: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;

  constructor(options: OsrmOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.profile = options.profile ?? 'driving';
    this.maxTableSize = Math.max(2, options.maxTableSize ?? 100);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * Unreachable pairs (OSRM's `null`) come back as Infinity, so the optimizer treats them as
   * infeasible instead of free.
   */
  async table(locations: LonLat[]): Promise<TravelTable> {
    const n = locations.length;
    const durations = new Float64Array(n * n);
    const distances = new Float64Array(n * n);
    if (n < 2) return { durations, distances };
    // A block request carries its sources and destinations: up to maxTableSize coordinates in all.
    const half = n <= this.maxTableSize ? n : Math.floor(this.maxTableSize / 2);
    const blocks: [number, number][] = [];
    for (let s = 0; s < n; s += half) for (let d = 0; d < n; d += half) blocks.push([s, d]);
    const fetchBlock = async ([s0, d0]: [number, number]) => {
      const sources = range(s0, Math.min(n, s0 + half));
      const destinations = range(d0, Math.min(n, d0 + half));
      const coords = s0 === d0 ? sources : [...sources, ...destinations];
      const query = new URLSearchParams({ annotations: 'duration,distance' });
      if (s0 !== d0) {
        query.set('sources', sources.map((_, i) => i).join(';'));
        query.set('destinations', destinations.map((_, i) => sources.length + i).join(';'));
      }
      const body = await this.get<OsrmTableResponse>('table', coords.map((i) => locations[i]), query);
      if (!body.durations || !body.distances) {
        throw new TravelMatrixError('OSRM table reply has no durations or distances (osrm-routed older than 5.18?)', 'InvalidResponse');
      }
      sources.forEach((i, r) =>
        destinations.forEach((j, c) => {
          durations[i * n + j] = body.durations![r][c] ?? Infinity;
          distances[i * n + j] = body.distances![r][c] ?? Infinity;
        }),
      );
    };
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < blocks.length && !failed) {
        try {
          await fetchBlock(blocks[next++]);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, blocks.length) }, worker));
    return { durations, distances };
  }

  async route(locations: LonLat[]): Promise<TravelRoute> {
    if (locations.length < 2) throw new TravelMatrixError('a route needs at least two locations', 'InvalidQuery');
    const query = new URLSearchParams({ overview: 'full', geometries: 'polyline6', steps: 'false' });
    const body = await this.get<OsrmRouteResponse>('route', locations, query);
    const route = body.routes?.[0];
    if (!route) throw new TravelMatrixError('OSRM route reply has no route', 'InvalidResponse');
    return {
      durationS: route.duration,
      distanceM: route.distance,
      geometry: decodePolyline(route.geometry, 6),
      legs: route.legs.map((l) => ({ durationS: l.duration, distanceM: l.distance })),
    };
  }

  private async get<T extends OsrmResponse>(service: string, locations: LonLat[], query: URLSearchParams): Promise<T> {
    const coords = locations.map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`).join(';');
    // URLSearchParams would escape the ';' separators OSRM expects in sources/destinations.
    const url = `${this.base}/${service}/v1/${this.profile}/${coords}?${query.toString().replace(/%3B/g, ';').replace(/%2C/g, ',')}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new TravelMatrixError(`OSRM at ${this.base} is unreachable (OSRM_URL): ${(err as Error).message}`, 'Unreachable');
    }
    let body: T;
    try {
      body = (await response.json()) as T;
    } catch {
      throw new TravelMatrixError(`OSRM ${service} answered HTTP ${response.status} without JSON`, 'InvalidResponse');
    }
    if (body.code !== 'Ok') {
      const code = body.code ?? `HTTP${response.status}`;
      throw new TravelMatrixError(`OSRM ${service} failed: ${code}${body.message ? `: ${body.message}` : ''}`, code);
    }
    return body;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
