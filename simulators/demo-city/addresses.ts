import { DEMO_CITY_CENTER, demoCity } from './demo-city.ts';
import { seededRandom } from './random.ts';

export interface DemoAddress {
  /** [lon, lat], exactly on the street's centre line. */
  position: [number, number];
  street: string;
  number: number;
  /** "Morelos 1234", as a collector reads it on the visit card. */
  label: string;
}

const DEG = Math.PI / 180;
const M_PER_DEG_LAT = 110_700;
const M_PER_DEG_LON = 111_320 * Math.cos(DEMO_CITY_CENTER[1] * DEG);
/** Debtors live mostly on side streets; an avenue block is this much less likely to be picked. */
const AVENUE_WEIGHT = 0.3;

interface Segment { a: [number, number]; b: [number, number]; street: string; eastWest: boolean }

let segments: { list: Segment[]; cumulative: Float64Array } | undefined;

function streetSegments() {
  if (segments) return segments;
  const list: Segment[] = [];
  const weights: number[] = [];
  for (const f of demoCity().streets.features) {
    const c = f.geometry.coordinates;
    for (let i = 1; i < c.length; i++) {
      const dx = (c[i][0] - c[i - 1][0]) * M_PER_DEG_LON;
      const dy = (c[i][1] - c[i - 1][1]) * M_PER_DEG_LAT;
      list.push({ a: c[i - 1], b: c[i], street: f.properties.name, eastWest: Math.abs(dx) > Math.abs(dy) });
      weights.push(Math.hypot(dx, dy) * (f.properties.class === 'avenue' ? AVENUE_WEIGHT : 1));
    }
  }
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (cumulative[i] = sum += w));
  segments = { list, cumulative };
  return segments;
}

/**
 * n addresses spread over the demo city's streets by length, deterministic for a seed. House numbers
 * grow with the distance from the Catedral's axes, as Guadalajara's do (~100 per block), odd on one
 * side of the street and even on the other.
 */
export function randomAddresses(n: number, seed: number): DemoAddress[] {
  const { list, cumulative } = streetSegments();
  const total = cumulative[cumulative.length - 1];
  const rand = seededRandom(seed);
  const out: DemoAddress[] = [];
  for (let k = 0; k < n; k++) {
    const target = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    const s = list[lo];
    const t = rand();
    const lon = Math.round((s.a[0] + (s.b[0] - s.a[0]) * t) * 1e6) / 1e6;
    const lat = Math.round((s.a[1] + (s.b[1] - s.a[1]) * t) * 1e6) / 1e6;
    const offsetM = s.eastWest
      ? Math.abs(lon - DEMO_CITY_CENTER[0]) * M_PER_DEG_LON
      : Math.abs(lat - DEMO_CITY_CENTER[1]) * M_PER_DEG_LAT;
    const number = Math.max(1, 2 * Math.round(offsetM / 2) + (rand() < 0.5 ? 1 : 0));
    out.push({ position: [lon, lat], street: s.street, number, label: `${s.street} ${number}` });
  }
  return out;
}
