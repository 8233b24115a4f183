import polyline from '@mapbox/polyline';
import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, haversineM } from './haversine.ts';
import { decodePolyline, encodePolyline } from './polyline.ts';
import { buildRouteGeometry, nearestOnRoute, splitRoute } from './route-geometry.ts';
import { seededRandom } from '../../../simulators/demo-city/random.ts';

const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

describe('haversineM', () => {
  it('matches known distances', () => {
    // Catedral de Guadalajara → Zócalo, Mexico City: 461.4 km great-circle (independently computed; "about 460 km").
    expect(Math.round(haversineM([-103.3475, 20.6767], [-99.1332, 19.4326]) / 100) / 10).toBe(461.4);
    // One degree of longitude on the equator.
    expect(haversineM([0, 0], [1, 0])).toBeCloseTo(M_PER_DEG, 6);
    expect(haversineM([-103.3475, 20.6767], [-103.3475, 20.6767])).toBe(0);
    // Antipodes: half the circumference.
    expect(haversineM([0, 0], [180, 0])).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
  });
});

describe('encoded polyline', () => {
  it('encodes Google’s documented example', () => {
    const points: [number, number][] = [[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]];
    expect(encodePolyline(points)).toBe('_p~iF~ps|U_ulLnnqC_mqNvxq`@');
    expect(decodePolyline('_p~iF~ps|U_ulLnnqC_mqNvxq`@')).toEqual(points);
  });

  it('round-trips at precision 5 and 6 and agrees with @mapbox/polyline', () => {
    const rand = seededRandom(42);
    const points: [number, number][] = Array.from({ length: 300 }, () => [
      Math.round((rand() * 360 - 180) * 1e6) / 1e6,
      Math.round((rand() * 180 - 90) * 1e6) / 1e6,
    ]);
    const p6 = encodePolyline(points, 6);
    expect(decodePolyline(p6, 6)).toEqual(points);
    expect(p6).toBe(polyline.encode(points.map(([lon, lat]) => [lat, lon]), 6));
    const p5 = points.map(([lon, lat]) => [Math.round(lon * 1e5) / 1e5, Math.round(lat * 1e5) / 1e5] as [number, number]);
    expect(decodePolyline(encodePolyline(p5))).toEqual(p5);
    expect(decodePolyline('')).toEqual([]);
  });

  it('rejects a truncated string', () => {
    expect(() => decodePolyline('_p~iF~ps|U_')).toThrow(/truncated/);
  });
});

describe('nearestOnRoute', () => {
  // On the equator a degree is the same length both ways, so expected values are exact.
  const east1km = 1000 / M_PER_DEG;
  const lShape = buildRouteGeometry([[0, 0], [east1km, 0], [east1km, east1km]]);

  it('measures the perpendicular distance and progress along an L-shaped route', () => {
    expect(lShape.lengthM).toBeCloseTo(2000, 4);
    const m = nearestOnRoute(lShape, east1km / 4, 100 / M_PER_DEG);
    expect(m.distanceM).toBeCloseTo(100, 4);
    expect(m.segmentIndex).toBe(0);
    expect(m.segmentFraction).toBeCloseTo(0.25, 9);
    expect(m.alongM).toBeCloseTo(250, 4);
    expect(m.fraction).toBeCloseTo(0.125, 9);

    const second = nearestOnRoute(lShape, east1km + 30 / M_PER_DEG, 600 / M_PER_DEG);
    expect(second.distanceM).toBeCloseTo(30, 4);
    expect(second.segmentIndex).toBe(1);
    expect(second.alongM).toBeCloseTo(1600, 4);
  });

  it('measures to the nearest end beyond the route and far off it', () => {
    const before = nearestOnRoute(lShape, -300 / M_PER_DEG, -400 / M_PER_DEG);
    expect(before.distanceM).toBeCloseTo(500, 4);
    expect(before.alongM).toBe(0);
    const farAway = nearestOnRoute(lShape, 5000 / M_PER_DEG, 1000 / M_PER_DEG);
    expect(farAway.distanceM).toBeCloseTo(4000, 4);
    expect(farAway.fraction).toBe(1);
  });

  it('follows progress on a route that passes the same street twice', () => {
    const outAndBack = buildRouteGeometry([[0, 0], [east1km, 0], [0, 0]]);
    const p: [number, number] = [east1km / 2, 10 / M_PER_DEG];
    expect(nearestOnRoute(outAndBack, ...p).alongM).toBeCloseTo(500, 4);
    expect(nearestOnRoute(outAndBack, ...p, 1).alongM).toBeCloseTo(1500, 4);
  });

  it('handles a one-point route', () => {
    const point = buildRouteGeometry([[0, 0]]);
    expect(nearestOnRoute(point, 0, 50 / M_PER_DEG).distanceM).toBeCloseTo(50, 4);
    expect(splitRoute(point, nearestOnRoute(point, 0, 0))).toEqual({ done: [[0, 0]], remaining: [[0, 0]] });
  });

  it('agrees with haversine within 0.1 % in Guadalajara', () => {
    const route = buildRouteGeometry([[-103.36, 20.67], [-103.34, 20.67]]);
    const m = nearestOnRoute(route, -103.35, 20.68);
    expect(Math.abs(m.distanceM - haversineM([-103.35, 20.67], [-103.35, 20.68])) / m.distanceM).toBeLessThan(0.001);
  });

  it('finds the same segment as a full scan for random routes and points', () => {
    const rand = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const coords: [number, number][] = [[-103.35, 20.67]];
      for (let i = 0; i < 200; i++) {
        const [lon, lat] = coords[coords.length - 1];
        coords.push([lon + (rand() - 0.5) * 0.004, lat + (rand() - 0.5) * 0.004]);
      }
      const route = buildRouteGeometry(coords);
      for (let q = 0; q < 50; q++) {
        const lon = -103.35 + (rand() - 0.5) * 0.06;
        const lat = 20.67 + (rand() - 0.5) * 0.06;
        let brute = Infinity;
        for (let s = 0; s + 1 < coords.length; s++) {
          brute = Math.min(brute, bruteSegmentDistance(route, s, lon, lat));
        }
        expect(nearestOnRoute(route, lon, lat).distanceM).toBeCloseTo(brute, 9);
      }
    }
  });
});

function bruteSegmentDistance(route: ReturnType<typeof buildRouteGeometry>, s: number, lon: number, lat: number): number {
  const px = (lon - route.lon0) * route.mPerDegLon, py = (lat - route.lat0) * route.mPerDegLat;
  const ax = route.xs[s], ay = route.ys[s], dx = route.xs[s + 1] - ax, dy = route.ys[s + 1] - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}

describe('splitRoute', () => {
  it('cuts the route at the match into done and remaining parts', () => {
    const route = buildRouteGeometry([[0, 0], [0.01, 0], [0.01, 0.01]]);
    const { done, remaining } = splitRoute(route, nearestOnRoute(route, 0.004, 0.0001));
    expect(done).toEqual([[0, 0], [0.004, 0]]);
    expect(remaining).toEqual([[0.004, 0], [0.01, 0], [0.01, 0.01]]);
  });
});
