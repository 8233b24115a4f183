import { describe, expect, it } from 'vitest';
import { haversineM } from '../geometry/haversine.ts';
import type { LonLat } from './provider.ts';
import { RoadGraph, type StreetNetwork } from './road-graph.ts';
import { RoadGraphProvider } from './road-graph-provider.ts';

const street = (coordinates: LonLat[], speedKph: number, oneway: boolean | string = false) => ({
  type: 'Feature' as const,
  properties: { name: 'x', speedKph, oneway },
  geometry: { type: 'LineString' as const, coordinates },
});

// On the equator: A—B—C along lon, D above B. A→B→C two-way at 36 km/h (10 m/s), C→D one-way at
// 36 km/h, D—A two-way at 18 km/h (5 m/s). E→F is a one-way spur nobody can leave: not routable.
const A: LonLat = [0, 0], B: LonLat = [0.001, 0], C: LonLat = [0.002, 0], D: LonLat = [0.001, 0.001];
const E: LonLat = [0.003, 0.003], F: LonLat = [0.004, 0.003];
const network: StreetNetwork = {
  features: [street([A, B, C], 36), street([C, D], 36, true), street([D, A], 18), street([E, F], 36, 'yes')],
};
const AB = haversineM(A, B), BC = haversineM(B, C), CD = haversineM(C, D), DA = haversineM(D, A);

describe('RoadGraph', () => {
  it('joins streets at shared coordinates and respects one-way streets', () => {
    const graph = new RoadGraph(network);
    expect(graph.nodeCount).toBe(6);
    // A–B, B–C and D–A both ways; C→D and E→F one way.
    expect(graph.edgeCount).toBe(8);
    expect(graph.mainComponentSize).toBe(4);
  });

  it('snaps to the nearest routable street, never to the cut-off spur', () => {
    const graph = new RoadGraph(network);
    const onAB = graph.segments.nearest(0.00025, 0.0001)!;
    expect(onAB.t).toBeCloseTo(0.25, 9);
    expect(onAB.point).toEqual([0.00025, 0]);
    expect(onAB.distanceM).toBeCloseTo(haversineM([0.00025, 0], [0.00025, 0.0001]), 2);
    const nearF = graph.segments.nearest(0.0041, 0.003)!;
    expect([graph.segA[nearF.segment], graph.segB[nearF.segment]].map((v) => [graph.lon[v], graph.lat[v]])).toEqual([C, D]);
  });
});

describe('RoadGraphProvider', () => {
  const provider = new RoadGraphProvider(network);

  it('gives shortest durations and distances between nodes', async () => {
    const { durations, distances } = await provider.table([A, C, D]);
    expect(Array.from(distances)).toEqual([
      0, AB + BC, DA,
      AB + BC, 0, CD,
      DA, DA + AB + BC, 0,
    ]);
    expect(durations[0 * 3 + 1]).toBeCloseTo((AB + BC) / 10, 9);
    expect(durations[1 * 3 + 2]).toBeCloseTo(CD / 10, 9);
    // D→C cannot use the one-way C→D: back through A at 5 m/s, then along A—B—C.
    expect(durations[2 * 3 + 1]).toBeCloseTo(DA / 5 + (AB + BC) / 10, 9);
    expect(durations[1 * 3 + 0]).toBeCloseTo((AB + BC) / 10, 9);
  });

  it('enters and leaves a street part-way along, in the allowed direction only', async () => {
    const quarterAB: LonLat = [0.00025, 0.0001];
    const midCD: LonLat = [0.0015, 0.0005];
    const { distances } = await provider.table([quarterAB, midCD, C]);
    expect(distances[0 * 3 + 2]).toBeCloseTo(0.75 * AB + BC, 6);
    expect(distances[0 * 3 + 1]).toBeCloseTo(0.75 * AB + BC + 0.5 * CD, 6);
    // From the middle of the one-way C→D to C: on to D, back through A and B.
    expect(distances[1 * 3 + 2]).toBeCloseTo(0.5 * CD + DA + AB + BC, 6);
  });

  it('travels directly along a shared street when its direction allows, around the block when not', async () => {
    const { distances } = await provider.table([[0.00025, 0], [0.00075, 0], [0.00175, 0.00025], [0.00125, 0.00075]]);
    expect(distances[0 * 4 + 1]).toBeCloseTo(0.5 * AB, 6);
    expect(distances[1 * 4 + 0]).toBeCloseTo(0.5 * AB, 6);
    expect(distances[2 * 4 + 3]).toBeCloseTo(0.5 * CD, 6);
    expect(distances[3 * 4 + 2]).toBeCloseTo(0.25 * CD + DA + AB + BC + 0.25 * CD, 6);
  });

  it('returns the route geometry through the graph with snapped ends', async () => {
    const route = await provider.route([[0.0005, 0.0001], [0.0015, 0.0005], [0.002, 0]]);
    expect(route.geometry).toEqual([[0.0005, 0], B, C, [0.0015, 0.0005], D, A, B, C]);
    expect(route.legs.map((l) => l.distanceM)).toEqual([
      expect.closeTo(0.5 * AB + BC + 0.5 * CD, 6),
      expect.closeTo(0.5 * CD + DA + AB + BC, 6),
    ]);
    expect(route.distanceM).toBeCloseTo(route.legs[0].distanceM + route.legs[1].distanceM, 9);
    expect(route.durationS).toBeCloseTo((0.5 * AB + BC + CD + AB + BC) / 10 + DA / 5, 9);
  });

  it('does not snap a location far from every street: its legs are haversine × 1.3, and the table says so', async () => {
    // 1.5 km out from the middle of D—A, square to it: past the 1 km snapping limit (a debtor in another city).
    const far: LonLat = [-0.0092, 0.0102];
    const { durations, distances, engine } = await provider.table([A, C, far]);
    expect(engine).toBe('road-graph+haversine');
    expect(distances[0 * 3 + 1]).toBeCloseTo(AB + BC, 6);
    expect(distances[0 * 3 + 2]).toBeCloseTo(haversineM(A, far) * 1.3, 6);
    expect(distances[2 * 3 + 1]).toBeCloseTo(haversineM(far, C) * 1.3, 6);
    expect(durations[2 * 3 + 1]).toBeCloseTo((haversineM(far, C) * 1.3) / (25 / 3.6), 6);
    // Every location off the graph: haversine alone.
    const elsewhere = await provider.table([far, [-0.0092, 0.03]]);
    expect(elsewhere.engine).toBe('haversine');
    expect(elsewhere.distances[1]).toBeCloseTo(haversineM(far, [-0.0092, 0.03]) * 1.3, 6);
    // Within the limit it still snaps (and the walk to the street is not counted).
    const near = await new RoadGraphProvider(network, { maxSnapM: 2000 }).table([A, far]);
    expect(near.engine).toBeUndefined();
    expect(near.distances[1]).toBeCloseTo(0.5 * DA, 3);
  });

  it('routes a leg to a location off the graph as the straight line it measures', async () => {
    const far: LonLat = [-0.0092, 0.0102];
    const route = await provider.route([A, C, far]);
    expect(route.geometry).toEqual([A, B, C, far]);
    expect(route.legs.map((l) => l.distanceM)).toEqual([expect.closeTo(AB + BC, 6), expect.closeTo(haversineM(C, far) * 1.3, 6)]);
  });

  it('refuses a route with fewer than two locations and a network with no streets', async () => {
    await expect(provider.route([A])).rejects.toThrow(/at least two/);
    await expect(new RoadGraphProvider({ features: [] }).table([A])).rejects.toThrow(/no routable segment/);
  });
});
