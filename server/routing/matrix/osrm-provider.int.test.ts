import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineM } from '../geometry/haversine.ts';
import { encodePolyline } from '../geometry/polyline.ts';
import { OsrmProvider } from './osrm-provider.ts';
import type { LonLat } from './provider.ts';

/**
 * A stand-in osrm-routed answering as OSRM v5's HTTP API documents: values rounded to 0.1, `null`
 * for unreachable pairs, HTTP 400 with {code, message} on errors, TooBig past --max-table-size.
 * Trips run at 10 m/s over straight lines; the island at lon 0 is unreachable.
 */
const MAX_TABLE_SIZE = 4;
const ISLAND: LonLat = [0, 0];
const round1 = (v: number) => Math.round(v * 10) / 10;
const isIsland = (c: LonLat) => c[0] === 0;

function osrmReply(url: URL): { status: number; body: object } {
  const match = /^\/(table|route)\/v1\/driving\/([^/]+)$/.exec(url.pathname);
  if (!match) return { status: 400, body: { code: 'InvalidUrl', message: `URL string malformed close to position 1: "${url.pathname}"` } };
  const coords = match[2].split(';').map((pair) => pair.split(',').map(Number) as LonLat);
  if (coords.some((c) => c.length !== 2 || c.some((v) => !Number.isFinite(v)))) {
    return { status: 400, body: { code: 'InvalidQuery', message: 'Query string malformed close to position 19' } };
  }
  const leg = (a: LonLat, b: LonLat) => (isIsland(a) !== isIsland(b) ? null : round1(haversineM(a, b)));
  if (match[1] === 'table') {
    if (coords.length > MAX_TABLE_SIZE) return { status: 400, body: { code: 'TooBig', message: 'Too many table coordinates' } };
    const index = (name: string) => url.searchParams.get(name)?.split(';').map(Number) ?? coords.map((_, i) => i);
    const sources = index('sources'), destinations = index('destinations');
    const distances = sources.map((s) => destinations.map((d) => leg(coords[s], coords[d])));
    const waypoint = (i: number) => ({ hint: '', distance: 0, name: 'Morelos', location: coords[i] });
    return {
      status: 200,
      body: {
        code: 'Ok',
        durations: distances.map((row) => row.map((m) => (m === null ? null : round1(m / 10)))),
        distances,
        sources: sources.map(waypoint),
        destinations: destinations.map(waypoint),
      },
    };
  }
  const legs = coords.slice(1).map((c, i) => leg(coords[i], c));
  if (legs.includes(null)) return { status: 400, body: { code: 'NoRoute', message: 'Impossible route between points' } };
  const distance = round1(legs.reduce((a, b) => a! + b!, 0)!);
  return {
    status: 200,
    body: {
      code: 'Ok',
      routes: [{
        geometry: encodePolyline(coords, 6),
        legs: legs.map((m) => ({ distance: m, duration: round1(m! / 10), steps: [], summary: '', weight: round1(m! / 10) })),
        distance,
        duration: round1(distance / 10),
        weight_name: 'routability',
        weight: round1(distance / 10),
      }],
      waypoints: coords.map((c) => ({ hint: '', distance: 0, name: '', location: c })),
    },
  };
}

describe('OsrmProvider against an OSRM v5 HTTP server', () => {
  let server: Server;
  let url = '';
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url!);
      const { status, body } = osrmReply(new URL(req.url!, 'http://osrm'));
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const catedral: LonLat = [-103.3475, 20.6767];
  const mercado: LonLat = [-103.3386, 20.6768];
  const expiatorio: LonLat = [-103.3588, 20.6727];

  it('asks for durations and distances in one table request', async () => {
    requests.length = 0;
    const { durations, distances } = await new OsrmProvider({ url }).table([catedral, mercado, expiatorio]);
    expect(requests).toEqual([
      '/table/v1/driving/-103.347500,20.676700;-103.338600,20.676800;-103.358800,20.672700?annotations=duration,distance',
    ]);
    const m = round1(haversineM(catedral, mercado));
    expect(distances[0 * 3 + 1]).toBe(m);
    expect(durations[0 * 3 + 1]).toBe(round1(m / 10));
    expect(distances[2 * 3 + 0]).toBe(round1(haversineM(expiatorio, catedral)));
    expect([durations[0], durations[4], durations[8]]).toEqual([0, 0, 0]);
  });

  it('fetches a table larger than --max-table-size in blocks and reassembles it', async () => {
    const locations: LonLat[] = Array.from({ length: 7 }, (_, i) => [-103.35 + i * 0.001, 20.67 + (i % 3) * 0.001]);
    const whole = await new OsrmProvider({ url, maxTableSize: 100 }).table(locations.slice(0, 4));
    requests.length = 0;
    const blocked = await new OsrmProvider({ url, maxTableSize: MAX_TABLE_SIZE }).table(locations);
    // 7 locations in blocks of 2 → 4 × 4 block requests, each with at most 4 coordinates.
    expect(requests.length).toBe(16);
    expect(requests).toContain(
      '/table/v1/driving/-103.350000,20.670000;-103.349000,20.671000;-103.348000,20.672000;-103.347000,20.670000?annotations=duration,distance&sources=0;1&destinations=2;3',
    );
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(blocked.distances[i * 7 + j]).toBe(whole.distances[i * 4 + j]);
    expect(blocked.distances[6 * 7 + 5]).toBe(round1(haversineM(locations[6], locations[5])));
  });

  it('reports unreachable pairs as Infinity', async () => {
    const { durations, distances } = await new OsrmProvider({ url }).table([catedral, ISLAND]);
    expect(Array.from(durations)).toEqual([0, Infinity, Infinity, 0]);
    expect(distances[1]).toBe(Infinity);
  });

  it('returns the route with its decoded geometry and legs', async () => {
    requests.length = 0;
    const route = await new OsrmProvider({ url }).route([catedral, mercado, expiatorio]);
    expect(requests[0]).toBe(
      '/route/v1/driving/-103.347500,20.676700;-103.338600,20.676800;-103.358800,20.672700?overview=full&geometries=polyline6&steps=false',
    );
    expect(route.geometry).toEqual([catedral, mercado, expiatorio]);
    const legs = [round1(haversineM(catedral, mercado)), round1(haversineM(mercado, expiatorio))];
    expect(route.legs).toEqual(legs.map((m) => ({ distanceM: m, durationS: round1(m / 10) })));
    expect(route.distanceM).toBe(round1(legs[0] + legs[1]));
  });

  it('turns OSRM error codes into clear errors', async () => {
    const osrm = new OsrmProvider({ url });
    await expect(osrm.route([catedral, ISLAND])).rejects.toMatchObject({
      code: 'NoRoute',
      message: 'OSRM route failed: NoRoute: Impossible route between points',
    });
    await expect(osrm.route([catedral, [Number.NaN, 20]])).rejects.toMatchObject({
      code: 'InvalidQuery',
      message: 'OSRM route failed: InvalidQuery: Query string malformed close to position 19',
    });
    await expect(new OsrmProvider({ url, maxTableSize: 1000 }).table([catedral, mercado, expiatorio, catedral, mercado])).rejects.toMatchObject({
      code: 'TooBig',
    });
  });

  it('names OSRM_URL when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(new OsrmProvider({ url: `http://127.0.0.1:${port}` }).table([catedral, mercado])).rejects.toMatchObject({
      code: 'Unreachable',
      message: expect.stringContaining('OSRM_URL'),
    });
  });
});
