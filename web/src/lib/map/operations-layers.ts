import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import type { PlanOut } from '$contract/plan.ts';
import type { VisitOut, VisitStatus } from '$contract/visit.ts';
import { splitRoute } from '../wall/route-progress.ts';
import { STOP_NUMBER } from './label-images.ts';
import { decodeRoutePath } from './route-polyline.ts';
import type { TrailFeature } from '../wall/trail.ts';

const ROUTES = 'plan-routes';
const TRAILS = 'trails';
export const VISIT_LAYER = 'visits';
const STOP_NUMBERS = 'visit-numbers';
/** A numbered pin is this big (px radius), whatever its priority: the number must fit inside. */
const NUMBERED_RADIUS = 10;

/** Visit pins by status: grey still to do, sky on the way / at the door, green done, red missed. */
export const VISIT_COLORS: Record<Exclude<VisitStatus, 'cancelled'>, string> = {
  planned: '#94a3b8',
  assigned: '#cbd5e1',
  en_route: '#38bdf8',
  arrived: '#818cf8',
  completed: '#22c55e',
  missed: '#f43f5e',
};
/** At or above this priority a pin gets an orange ring: the accounts the team must not skip. */
export const HIGH_PRIORITY = 70;
const ROUTE_COLOR = '#a78bfa';

const visitColor: ExpressionSpecification = [
  'match',
  ['get', 'status'],
  ...Object.entries(VISIT_COLORS).flat(),
  VISIT_COLORS.planned,
] as unknown as ExpressionSpecification;

interface RouteProperties {
  collector: number;
  team: number;
  part: 'done' | 'remaining';
}
interface VisitProperties {
  id: number;
  team: number;
  status: VisitStatus;
  priority: number;
  /** Its place in the collector's day, as "Tu ruta de hoy" numbers it: only on a collector's own wall. */
  number?: number;
}

const empty = <G extends Point | LineString, P>(): FeatureCollection<G, P> => ({ type: 'FeatureCollection', features: [] });

/**
 * What the wall draws under the collectors: each plan's route (done part faint,
 * remaining part dashed), the last 30 minutes' trails fading with age, and today's
 * visit pins sized by priority and coloured by status. None of these change at the
 * rate positions do, so each is rebuilt only when its own data changes.
 */
export class OperationsLayers {
  #map: MapLibreMap;
  #team: number | null = null;
  #plans: readonly PlanOut[] = [];
  #visits: ReadonlyMap<number, VisitOut> = new Map();
  #numbers: ReadonlyMap<number, number> = new Map();
  /** Decoded polylines by plan id + collector, so a visit update does not decode them again. */
  #paths = new Map<string, [number, number][]>();

  constructor(map: MapLibreMap) {
    this.#map = map;
    map.addSource(ROUTES, { type: 'geojson', data: empty() });
    map.addSource(TRAILS, { type: 'geojson', data: empty() });
    map.addSource(VISIT_LAYER, { type: 'geojson', data: empty() });
    map.addLayer({
      id: 'plan-routes-done',
      type: 'line',
      source: ROUTES,
      filter: ['==', ['get', 'part'], 'done'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': ROUTE_COLOR, 'line-opacity': 0.28, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1.5, 16, 4] },
    });
    map.addLayer({
      id: 'plan-routes-remaining',
      type: 'line',
      source: ROUTES,
      filter: ['==', ['get', 'part'], 'remaining'],
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': ROUTE_COLOR,
        'line-opacity': 0.85,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1.5, 16, 3.5],
        'line-dasharray': [2, 1.5],
      },
    });
    map.addLayer({
      id: TRAILS,
      type: 'line',
      source: TRAILS,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#22d3ee', 'line-opacity': ['get', 'opacity'], 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1.5, 16, 4] },
    });
    map.addLayer({
      id: VISIT_LAYER,
      type: 'circle',
      source: VISIT_LAYER,
      layout: { 'circle-sort-key': ['get', 'priority'] },
      paint: {
        'circle-radius': ['case', ['has', 'number'], NUMBERED_RADIUS, ['interpolate', ['linear'], ['get', 'priority'], 0, 3.5, 100, 8]],
        'circle-color': visitColor,
        'circle-opacity': 0.9,
        'circle-stroke-color': ['case', ['>=', ['get', 'priority'], HIGH_PRIORITY], '#fb923c', '#05080f'],
        'circle-stroke-width': ['case', ['>=', ['get', 'priority'], HIGH_PRIORITY], 2, 1],
      },
    });
    // Every number shows, however crowded: a collector follows them in order, and a hidden one is a stop skipped.
    map.addLayer({
      id: STOP_NUMBERS,
      type: 'symbol',
      source: VISIT_LAYER,
      filter: ['has', 'number'],
      layout: {
        'icon-image': ['concat', STOP_NUMBER, ['to-string', ['get', 'number']]],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'symbol-sort-key': ['get', 'number'],
      },
    });
  }

  filterTeam(team: number | null): void {
    if (team === this.#team) return;
    this.#team = team;
    this.#drawRoutes();
    this.#drawVisits();
  }

  showPlans(plans: readonly PlanOut[]): void {
    this.#plans = plans;
    this.#drawRoutes();
  }

  showVisits(visits: ReadonlyMap<number, VisitOut>): void {
    this.#visits = visits;
    this.#drawVisits();
    // The done part of each route follows its visits' statuses.
    this.#drawRoutes();
  }

  /** A collector's own wall: their stops' numbers (visit id → place in the day) on the pins, as their list has them. */
  numberStops(numbers: ReadonlyMap<number, number>): void {
    this.#numbers = numbers;
    this.#drawVisits();
  }

  showTrails(features: TrailFeature[]): void {
    (this.#map.getSource(TRAILS) as GeoJSONSource).setData({ type: 'FeatureCollection', features });
  }

  #drawRoutes(): void {
    const features: Feature<LineString, RouteProperties>[] = [];
    const used = new Set<string>();
    for (const plan of this.#plans) {
      if (this.#team !== null && plan.teamId !== this.#team) continue;
      for (const route of plan.routes) {
        const key = `${plan.id}:${route.collectorId}`;
        used.add(key);
        let path = this.#paths.get(key);
        if (!path) this.#paths.set(key, (path = decodeRoutePath(route.polyline)));
        const stops = route.stops.map((s) => ({ lat: s.lat, lon: s.lon, status: this.#visits.get(s.visitId)?.status ?? s.status }));
        const { done, remaining } = splitRoute(path, stops);
        const props = (part: RouteProperties['part']) => ({ collector: route.collectorId, team: plan.teamId, part });
        if (done.length >= 2) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: done }, properties: props('done') });
        if (remaining.length >= 2) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: remaining }, properties: props('remaining') });
      }
    }
    for (const key of this.#paths.keys()) if (!used.has(key)) this.#paths.delete(key);
    (this.#map.getSource(ROUTES) as GeoJSONSource).setData({ type: 'FeatureCollection', features });
  }

  #drawVisits(): void {
    const features: Feature<Point, VisitProperties>[] = [];
    for (const v of this.#visits.values()) {
      if (v.lat === null || v.lon === null || v.status === 'cancelled') continue;
      if (this.#team !== null && v.teamId !== this.#team) continue;
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
        properties: { id: v.id, team: v.teamId, status: v.status, priority: v.priority, ...(this.#numbers.has(v.id) && { number: this.#numbers.get(v.id) }) },
      });
    }
    (this.#map.getSource(VISIT_LAYER) as GeoJSONSource).setData({ type: 'FeatureCollection', features });
  }
}
