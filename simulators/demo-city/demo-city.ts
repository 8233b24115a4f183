import { buildLayout, type Layout, type Line, type LocalNode } from './layout.ts';
import type { StreetCollection, StreetFeature } from './geojson.ts';

export type { StreetClass, StreetCollection, StreetFeature, StreetProperties } from './geojson.ts';

/** Guadalajara's Catedral, the origin of the city's street numbering. */
export const DEMO_CITY_CENTER: [number, number] = [-103.3475, 20.6767];
const SEED = 20_6767;

export interface DemoCity {
  name: string;
  center: [number, number];
  /** [minLon, minLat, maxLon, maxLat] (RFC 7946 §5). */
  bbox: [number, number, number, number];
  streets: StreetCollection;
}

const DEG = Math.PI / 180;
const LAT0 = DEMO_CITY_CENTER[1] * DEG;
/** Metres per degree at the centre's latitude (WGS84 series expansion); exact enough over 6 km. */
const M_PER_DEG_LAT = 111132.92 - 559.82 * Math.cos(2 * LAT0) + 1.175 * Math.cos(4 * LAT0);
const M_PER_DEG_LON = 111412.84 * Math.cos(LAT0) - 93.5 * Math.cos(3 * LAT0);

const smoothstep = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

function rotate(p: LocalNode, pivot: LocalNode, angle: number): LocalNode {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const dx = p.x - pivot.x;
  const dy = p.y - pivot.y;
  return { x: pivot.x + dx * c - dy * s, y: pivot.y + dx * s + dy * c };
}

/**
 * Colonias laid out after the colonial grid sit a few degrees off it. Each rotation fades in over a
 * kilometre from its pivot, so the map stays continuous and no block folds over another.
 */
function warp(p: LocalNode): LocalNode {
  let q = rotate(p, { x: -1200, y: 0 }, 5 * DEG * smoothstep((-1200 - p.x) / 1000));
  q = rotate(q, { x: 1100, y: 0 }, -4 * DEG * smoothstep((p.x - 1100) / 1000));
  return rotate(q, { x: 0, y: 1800 }, 3 * DEG * smoothstep((p.y - 1800) / 1000));
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function toLonLat(p: LocalNode): [number, number] {
  const w = warp(p);
  return [round6(DEMO_CITY_CENTER[0] + w.x / M_PER_DEG_LON), round6(DEMO_CITY_CENTER[1] + w.y / M_PER_DEG_LAT)];
}

/** One feature per run of consecutive present segments with one name; one-way runs point along traffic. */
function lineFeatures(line: Line, coords: [number, number][], nodes: LocalNode[]): StreetFeature[] {
  const out: StreetFeature[] = [];
  let run: number[] = [];
  let runName = '';
  const flush = () => {
    if (run.length >= 2) {
      const ordered = line.direction === -1 ? [...run].reverse() : run;
      out.push({
        type: 'Feature',
        properties: { name: runName, class: line.class, speedKph: line.speedKph, oneway: line.direction !== 0 },
        geometry: { type: 'LineString', coordinates: ordered.map((n) => coords[n]) },
      });
    }
    run = [];
  };
  for (let k = 0; k < line.present.length; k++) {
    const from = nodes[line.stops[k].node];
    const to = nodes[line.stops[k + 1].node];
    const name = line.nameAt((from.x + to.x) / 2, (from.y + to.y) / 2);
    if (!line.present[k] || name !== runName) flush();
    if (!line.present[k]) continue;
    runName = name;
    if (run.length === 0) run.push(line.stops[k].node);
    run.push(line.stops[k + 1].node);
  }
  flush();
  return out;
}

function toCity(layout: Layout): DemoCity {
  const coords = layout.nodes.map(toLonLat);
  const features = layout.lines.flatMap((line) => lineFeatures(line, coords, layout.nodes));
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    for (const [lon, lat] of f.geometry.coordinates) {
      bbox[0] = Math.min(bbox[0], lon);
      bbox[1] = Math.min(bbox[1], lat);
      bbox[2] = Math.max(bbox[2], lon);
      bbox[3] = Math.max(bbox[3], lat);
    }
  }
  return {
    name: 'Guadalajara Centro (demo)',
    center: DEMO_CITY_CENTER,
    bbox,
    streets: { type: 'FeatureCollection', features },
  };
}

/** A fresh, unshared copy of the demo city (demoCity() is the memoized one). */
export function generateDemoCity(): DemoCity {
  return toCity(buildLayout(SEED));
}

let memo: DemoCity | undefined;

/**
 * A procedurally generated street network of ~6 km × 6 km around Guadalajara's centre: irregular
 * blocks, rotated outer colonias, missing segments, one-way streets and the real wide avenues.
 * Identical on every call and machine; pure (no I/O), so the server and the simulators share it.
 */
export function demoCity(): DemoCity {
  memo ??= generateDemoCity();
  return memo;
}
