import { describe, expect, it } from 'vitest';
import { generateDemoCity } from './demo-city.ts';
import { DEMO_CITY_CENTER, demoCity, randomAddresses, STREET_CLASSES } from './index.ts';

const M_PER_DEG_LAT = 110_700;
const M_PER_DEG_LON = 111_320 * Math.cos((DEMO_CITY_CENTER[1] * Math.PI) / 180);

function distanceToSegmentM(p: [number, number], a: [number, number], b: [number, number]): number {
  const ax = (a[0] - p[0]) * M_PER_DEG_LON, ay = (a[1] - p[1]) * M_PER_DEG_LAT;
  const bx = (b[0] - p[0]) * M_PER_DEG_LON, by = (b[1] - p[1]) * M_PER_DEG_LAT;
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

describe('demoCity', () => {
  const city = demoCity();
  const features = city.streets.features;

  it('is the same network on every generation', () => {
    expect(demoCity()).toBe(city);
    expect(generateDemoCity()).toEqual(city);
    const nodes = new Set(features.flatMap((f) => f.geometry.coordinates.map((c) => c.join())));
    expect(features.length).toBe(163);
    expect(nodes.size).toBe(2372);
  });

  it('covers about 6 km × 6 km around Guadalajara Centro', () => {
    expect(city.center).toEqual([-103.3475, 20.6767]);
    const [w, s, e, n] = city.bbox;
    expect(w).toBeLessThan(city.center[0]);
    expect(e).toBeGreaterThan(city.center[0]);
    expect(s).toBeLessThan(city.center[1]);
    expect(n).toBeGreaterThan(city.center[1]);
    expect(Math.round((e - w) * M_PER_DEG_LON / 100) / 10).toBe(6.4);
    expect(Math.round((n - s) * M_PER_DEG_LAT / 100) / 10).toBe(6.2);
  });

  it('has the real wide avenues, with higher speeds than side streets', () => {
    const avenues = new Set(features.filter((f) => f.properties.class === 'avenue').map((f) => f.properties.name));
    for (const name of ['Av. Juárez', 'Av. Vallarta', 'Av. Alcalde', 'Av. 16 de Septiembre', 'Av. Federalismo', 'Av. Revolución', 'Calzada Independencia']) {
      expect(avenues).toContain(name);
    }
    for (const f of features) {
      expect(STREET_CLASSES).toContain(f.properties.class);
      expect(f.properties.speedKph).toBe({ avenue: f.properties.speedKph, street: 30, residential: 20 }[f.properties.class]);
      if (f.properties.class === 'avenue') expect(f.properties.speedKph).toBeGreaterThanOrEqual(40);
      expect(f.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('has one-way streets and missing blocks', () => {
    expect(features.filter((f) => f.properties.oneway).length).toBe(50);
    // A street broken by a missing block appears as more than one feature with the same name.
    const byName = new Map<string, number>();
    for (const f of features) byName.set(f.properties.name, (byName.get(f.properties.name) ?? 0) + 1);
    expect([...byName.values()].some((count) => count > 1)).toBe(true);
  });
});

describe('randomAddresses', () => {
  it('is deterministic per seed and different across seeds', () => {
    expect(randomAddresses(50, 7)).toEqual(randomAddresses(50, 7));
    expect(randomAddresses(5, 7)).not.toEqual(randomAddresses(5, 8));
    expect(randomAddresses(3, 1).map((a) => a.label)).toEqual(['Marsella 400', 'Aldama Nte. 483', 'Manuel López Cotilla 1083']);
  });

  it('puts every address on a street centre line of the street it names', () => {
    const features = demoCity().streets.features;
    for (const address of randomAddresses(200, 3)) {
      let best = Infinity;
      for (const f of features.filter((f) => f.properties.name === address.street)) {
        const c = f.geometry.coordinates;
        for (let i = 1; i < c.length; i++) best = Math.min(best, distanceToSegmentM(address.position, c[i - 1], c[i]));
      }
      expect(best).toBeLessThan(0.2);
    }
  });
});
