import { describe, expect, it } from 'vitest';
import { buildRouteGeometry, haversineM, nearestOnRoute } from '../../server/routing/geometry/index.ts';
import { RoadGraphProvider } from '../../server/routing/matrix/road-graph-provider.ts';
import { demoCity } from '../demo-city/index.ts';
import { StreetGraph, StreetWalker } from './street-walker.ts';

type LonLat = [number, number];

describe('street walker', () => {
  it("rides the router's route between two visits without leaving it, and arrives at its end", async () => {
    const city = demoCity();
    const g = new StreetGraph(city.streets);
    const from: LonLat = [-103.3530, 20.6700];
    const to: LonLat = [-103.3405, 20.6790];
    const path = (await new RoadGraphProvider(city.streets).route([from, to])).geometry;
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const w = new StreetWalker(g, g.nearestNode(...from), rand);
    w.placeAt(g.nearestNode(...from));
    w.follow(path);
    // Measured as the deviation engine measures it.
    const line = buildRouteGeometry(path);
    let farthest = 0;
    for (let i = 0; i < 20_000 && !w.arrived; i++) {
      w.advance(10);
      farthest = Math.max(farthest, nearestOnRoute(line, ...w.position).distanceM);
    }
    expect(w.arrived).toBe(true);
    // The deviation engine's corridor is 100 m: a demo collector stays well inside it (off the route's line
    // only where it walks from the door to the street corner and back).
    expect(farthest).toBeLessThan(50);
    expect(haversineM(w.position, path.at(-1)!)).toBeLessThan(60);
  });
});
