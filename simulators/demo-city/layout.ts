import { EW_NORTH, EW_SOUTH, NS_EAST, NS_WEST, POOL } from './names.ts';
import { between, seededRandom } from './random.ts';
import type { StreetClass } from './geojson.ts';

/**
 * The demo city's street layout in a local metric frame (x east, y north, metres from the Catedral),
 * before any warping or projection. Streets are lines of "stops" (intersections); a line's segment i
 * joins stop i and stop i + 1 and may be missing.
 */
export interface LocalNode { x: number; y: number }

export interface Line {
  kind: 'ns' | 'ew' | 'diagonal';
  class: StreetClass;
  speedKph: number;
  /** +1: one-way in increasing position (north / east / along the diagonal), -1: the reverse, 0: two-way. */
  direction: 1 | -1 | 0;
  /** Stops sorted by position along the line (y for N–S, x for E–W, fraction for the diagonal). */
  stops: { at: number; node: number }[];
  /** present[i] says whether the segment stops[i] → stops[i+1] exists. */
  present: boolean[];
  nameAt: (x: number, y: number) => string;
}

export interface Layout { nodes: LocalNode[]; lines: Line[] }

export const HALF_EXTENT_M = 3000;

interface AvenueSpec { at: number; speedKph: number; direction?: 1 | -1; name: (x: number, y: number) => string }

const FEDERALISMO_X = -1200;
const INDEPENDENCIA_X = 1100;

/** The wide avenues of Guadalajara's centre at their approximate offsets from the Catedral. */
const NS_AVENUES: AvenueSpec[] = [
  { at: -2600, speedKph: 40, name: () => 'Av. Chapultepec' },
  { at: -1900, speedKph: 40, name: () => 'Av. Enrique Díaz de León' },
  { at: FEDERALISMO_X, speedKph: 50, name: () => 'Av. Federalismo' },
  { at: 0, speedKph: 40, name: (_x, y) => (y >= 0 ? 'Av. Alcalde' : 'Av. 16 de Septiembre') },
  { at: INDEPENDENCIA_X, speedKph: 50, name: () => 'Calzada Independencia' },
  { at: 2400, speedKph: 45, name: () => 'Av. Plutarco Elías Calles' },
];
const EW_AVENUES: AvenueSpec[] = [
  { at: 2700, speedKph: 50, name: () => 'Av. Manuel Ávila Camacho' },
  { at: 1800, speedKph: 45, name: () => 'Av. Circunvalación' },
  // Av. Hidalgo carries traffic westbound only through the centre.
  { at: 300, speedKph: 40, direction: -1, name: () => 'Av. Hidalgo' },
  {
    at: 0,
    speedKph: 50,
    name: (x) => (x < FEDERALISMO_X ? 'Av. Vallarta' : x > INDEPENDENCIA_X ? 'Av. Javier Mina' : 'Av. Juárez'),
  },
  { at: -900, speedKph: 40, name: () => 'Av. La Paz' },
  { at: -1900, speedKph: 50, name: () => 'Av. Niños Héroes' },
  { at: -2700, speedKph: 45, name: () => 'Av. Washington' },
];
/** Av. Revolución leaves Calzada Independencia south of the centre and runs south-east. */
const REVOLUCION = { from: { x: INDEPENDENCIA_X, y: -300 }, to: { x: HALF_EXTENT_M, y: -2350 }, speedKph: 50 };

const CENTRAL_M = 1800;
const DROP_PROBABILITY = 0.07;
/** A diagonal crossing this close to an existing intersection reuses it instead of making a sliver block. */
const MERGE_M = 12;

/** Block edges: ~100 m in the centre, larger and more irregular further out. */
function positions(rand: () => number): number[] {
  const out: number[] = [];
  for (let p = -HALF_EXTENT_M; p <= HALF_EXTENT_M; ) {
    out.push(Math.round(p));
    p += Math.abs(p) < 1500 ? between(rand, 85, 125) : between(rand, 110, 190);
  }
  out[out.length - 1] = HALF_EXTENT_M;
  return out;
}

function nearestIndex(values: number[], target: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - target) < Math.abs(values[best] - target)) best = i;
  return best;
}

function nameList(kind: 'ns' | 'ew', side: -1 | 1): { list: string[]; suffix: string } {
  if (kind === 'ns') return side < 0 ? { list: NS_WEST, suffix: 'Pte.' } : { list: NS_EAST, suffix: 'Ote.' };
  return side < 0 ? { list: EW_SOUTH, suffix: 'Sur' } : { list: EW_NORTH, suffix: 'Nte.' };
}

function gridLines(kind: 'ns' | 'ew', at: number[], avenues: AvenueSpec[], rand: () => number): Line[] {
  const avenueAt = new Map(avenues.map((a) => [nearestIndex(at, a.at), a]));
  const centre = nearestIndex(at, 0);
  const counters = { [-1]: 0, [1]: 0 } as Record<number, number>;
  return at.map((pos, i) => {
    const avenue = avenueAt.get(i);
    const boundary = i === 0 || i === at.length - 1;
    if (avenue) {
      return { kind, class: 'avenue', speedKph: avenue.speedKph, direction: avenue.direction ?? 0, stops: [], present: [], nameAt: avenue.name };
    }
    const side = i < centre ? -1 : 1;
    const { list, suffix } = nameList(kind, side);
    const k = counters[side]++;
    const name = k < list.length ? list[k] : `${POOL[(k - list.length) % POOL.length]} ${suffix}`;
    const central = Math.abs(pos) < CENTRAL_M && !boundary;
    // Centro's streets are mostly one-way, alternating direction block by block (a few stay two-way).
    const direction: 1 | -1 | 0 = central && rand() > 0.2 ? (i % 2 === 0 ? 1 : -1) : 0;
    return {
      kind,
      class: central ? 'street' : 'residential',
      speedKph: central ? 30 : 20,
      direction,
      stops: [],
      present: [],
      nameAt: () => name,
    } satisfies Line;
  });
}

export function buildLayout(seed: number): Layout {
  const rand = seededRandom(seed);
  const xs = positions(rand);
  const ys = positions(rand);
  const nodes: LocalNode[] = [];
  const gridNode = (i: number, j: number) => i * ys.length + j;
  for (const x of xs) for (const y of ys) nodes.push({ x, y });

  const ns = gridLines('ns', xs, NS_AVENUES, rand);
  const ew = gridLines('ew', ys, EW_AVENUES, rand);
  ns.forEach((line, i) => (line.stops = ys.map((y, j) => ({ at: y, node: gridNode(i, j) }))));
  ew.forEach((line, j) => (line.stops = xs.map((x, i) => ({ at: x, node: gridNode(i, j) }))));

  const diagonal = addDiagonal(nodes, xs, ys, ns, ew, gridNode);
  const lines = [...ns, ...ew, diagonal];
  const onDiagonal = new Set(diagonal.stops.map((s) => s.node));
  for (const line of lines) {
    line.stops.sort((a, b) => a.at - b.at);
    line.present = line.stops.slice(1).map((s, k) => {
      const droppable = line.class === 'residential' && !onDiagonal.has(s.node) && !onDiagonal.has(line.stops[k].node);
      return !(droppable && rand() < DROP_PROBABILITY);
    });
  }
  // Boundary lines keep every segment so one-way streets always have a way back.
  for (const line of [ns[0], ns[ns.length - 1], ew[0], ew[ew.length - 1]]) line.present.fill(true);
  return { nodes, lines };
}

function addDiagonal(
  nodes: LocalNode[],
  xs: number[],
  ys: number[],
  ns: Line[],
  ew: Line[],
  gridNode: (i: number, j: number) => number,
): Line {
  const i0 = nearestIndex(xs, REVOLUCION.from.x);
  const j0 = nearestIndex(ys, REVOLUCION.from.y);
  const i1 = nearestIndex(xs, REVOLUCION.to.x);
  const j1 = nearestIndex(ys, REVOLUCION.to.y);
  const a = { x: xs[i0], y: ys[j0] };
  const b = { x: xs[i1], y: ys[j1] };
  const stops = [
    { at: 0, node: gridNode(i0, j0) },
    { at: 1, node: gridNode(i1, j1) },
  ];
  const crossing = (t: number, x: number, y: number, onLine: Line) => {
    const near = nodes.findIndex((n) => Math.hypot(n.x - x, n.y - y) < MERGE_M);
    if (near >= 0) {
      if (!stops.some((s) => s.node === near)) stops.push({ at: t, node: near });
      return;
    }
    const id = nodes.push({ x, y }) - 1;
    stops.push({ at: t, node: id });
    onLine.stops.push({ at: onLine.kind === 'ns' ? y : x, node: id });
  };
  for (let i = i0 + 1; i < i1; i++) {
    const t = (xs[i] - a.x) / (b.x - a.x);
    crossing(t, xs[i], a.y + t * (b.y - a.y), ns[i]);
  }
  for (let j = j1 + 1; j < j0; j++) {
    const t = (ys[j] - a.y) / (b.y - a.y);
    crossing(t, a.x + t * (b.x - a.x), ys[j], ew[j]);
  }
  return {
    kind: 'diagonal',
    class: 'avenue',
    speedKph: REVOLUCION.speedKph,
    direction: 0,
    stops,
    present: [],
    nameAt: () => 'Av. Revolución',
  };
}
