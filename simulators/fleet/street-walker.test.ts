import { describe, expect, it } from 'vitest';
import { RoadGraphProvider } from '../../server/routing/matrix/road-graph-provider.ts';
import { demoCity } from '../demo-city/index.ts';
import { StreetGraph, StreetWalker } from './street-walker.ts';

type LonLat = [number, number];
const M_PER_DEG = 111_320;

/** Metres from p to the polyline (flat-earth, fine over a few km). */
function distanceToLine(p: readonly number[], line: readonly LonLat[]): number {
  const k = Math.cos((p[1] * Math.PI) / 180);
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = [line[i - 1][0] * k, line[i - 1][1]];
    const [bx, by] = [line[i][0] * k, line[i][1]];
    const [px, py] = [p[0] * k, p[1]];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2));
    best = Math.min(best, Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay))) * M_PER_DEG);
  }
  return best;
}

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
    let farthest = 0;
    for (let i = 0; i < 20_000 && !w.arrived; i++) {
      w.advance(10);
      farthest = Math.max(farthest, distanceToLine(w.position, path));
    }
    expect(w.arrived).toBe(true);
    // The deviation engine's corridor is 100 m: a demo collector stays well inside it (off the route's line
    // only where it walks from the door to the street corner and back).
    expect(farthest).toBeLessThan(50);
    expect(distanceToLine(w.position, [path.at(-1)!, path.at(-1)!])).toBeLessThan(60);
  });
});
