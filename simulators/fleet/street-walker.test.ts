import { describe, expect, it } from 'vitest';
import type { StreetCollection } from '../demo-city/geojson.ts';
import { demoCity } from '../demo-city/index.ts';
import { StreetGraph, StreetWalker } from './street-walker.ts';

const line = (coords: [number, number][]) => ({
  type: 'Feature' as const,
  properties: { name: 'x', class: 'street' as const, speedKph: 30, oneway: false },
  geometry: { type: 'LineString' as const, coordinates: coords },
});

// A square block with one diagonal: 0,0 → 0.001,0 → 0.001,0.001 → 0,0.001 → 0,0 and 0,0 → 0.001,0.001.
const square: StreetCollection = {
  type: 'FeatureCollection',
  features: [line([[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]), line([[0, 0], [0.001, 0.001]])],
} as StreetCollection;

describe('street walker', () => {
  it('takes the shortest streets to a destination (the diagonal, not around the block)', () => {
    const g = new StreetGraph(square);
    expect(g.path(g.nearestNode(0, 0), g.nearestNode(0.001, 0.001))).toEqual([g.nearestNode(0, 0), g.nearestNode(0.001, 0.001)]);
  });

  it('arrives at a visit across the demo city and stays there until sent on', () => {
    const g = new StreetGraph(demoCity().streets);
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const w = new StreetWalker(g, 0, rand);
    const target = g.nearestNode(-103.3475, 20.6767);
    w.goTo(target);
    for (let i = 0; i < 20_000 && !w.arrived; i++) w.advance(10);
    expect(w.arrived).toBe(true);
    expect(w.position).toEqual(g.nodes[target]);
  });
});
