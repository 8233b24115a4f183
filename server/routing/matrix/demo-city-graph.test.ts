import { describe, expect, it } from 'vitest';
import { demoCity, randomAddresses } from '../../../simulators/demo-city/index.ts';
import { haversineM } from '../geometry/haversine.ts';
import { RoadGraph } from './road-graph.ts';
import { RoadGraphProvider } from './road-graph-provider.ts';

describe('the demo city as a road graph', () => {
  const graph = new RoadGraph(demoCity().streets);

  it('is one strongly connected network: every address reaches every other', () => {
    expect(graph.nodeCount).toBe(2372);
    expect(graph.mainComponentSize).toBe(graph.nodeCount);
  });

  it('gives street distances no shorter than the straight line and speeds within the posted limits', async () => {
    const locations = randomAddresses(40, 11).map((a) => a.position);
    const { durations, distances } = await new RoadGraphProvider(graph).table(locations);
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 40; j++) {
        const k = i * 40 + j;
        if (i === j) {
          expect(durations[k]).toBe(0);
          continue;
        }
        expect(distances[k]).toBeGreaterThanOrEqual(haversineM(locations[i], locations[j]) - 0.5);
        expect(distances[k] / durations[k]).toBeLessThanOrEqual(50 / 3.6 + 1e-9);
        expect(distances[k] / durations[k]).toBeGreaterThanOrEqual(20 / 3.6 - 1e-9);
      }
    }
  });

  it('gives the same tables when two run at once (they share the search buffer across yields)', async () => {
    const provider = new RoadGraphProvider(graph, { yieldAfterMs: 0 });
    const a = randomAddresses(100, 21).map((x) => x.position);
    const b = randomAddresses(100, 22).map((x) => x.position);
    const [together1, together2] = await Promise.all([provider.table(a), provider.table(b)]);
    const alone1 = await provider.table(a);
    const alone2 = await provider.table(b);
    expect(together1.durations).toEqual(alone1.durations);
    expect(together2.distances).toEqual(alone2.distances);
  });

  it('returns route geometry whose length is the route distance, starting and ending on the snapped stops', async () => {
    const provider = new RoadGraphProvider(graph);
    const stops = randomAddresses(6, 5).map((a) => a.position);
    const route = await provider.route(stops);
    let length = 0;
    for (let i = 1; i < route.geometry.length; i++) length += haversineM(route.geometry[i - 1], route.geometry[i]);
    expect(length).toBeCloseTo(route.distanceM, 3);
    expect(route.legs.length).toBe(5);
    // Addresses lie on street centre lines, so the snapped ends are the addresses themselves (to the ~0.1 m of their 6-decimal rounding).
    expect(haversineM(route.geometry[0], stops[0])).toBeLessThan(0.1);
    expect(haversineM(route.geometry[route.geometry.length - 1], stops[5])).toBeLessThan(0.1);
    const { durations } = await provider.table(stops);
    route.legs.forEach((leg, k) => expect(leg.durationS).toBeCloseTo(durations[k * 6 + k + 1], 9));
  });
});
