import type { GeoJSONSource, LngLatBoundsLike, Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { PlanOut } from '$contract/plan.ts';
import type { VisitOut } from '$contract/visit.ts';
import { UNASSIGNED_COLOR, routeColor } from './board-plan.ts';
import { decodeRoutePath } from '../map/route-polyline.ts';

const ROUTES = 'board-routes';
const STOPS = 'board-stops';
const ROUTE_LINE = 'board-route-line';
const ROUTE_FOCUS = 'board-route-focus';
const STOP_CIRCLE = 'board-stop-circle';
const STOP_HALO = 'board-stop-halo';
const NONE = -1;

type Feature = GeoJSON.Feature<GeoJSON.Geometry, Record<string, number | string>>;

/** The plan as GeoJSON: one line per route, one point per visit (routed, done, or, where it has coordinates, waiting for a collector). */
export function planFeatures(plan: PlanOut, pending: ReadonlyMap<number, VisitOut>): { routes: GeoJSON.FeatureCollection; stops: GeoJSON.FeatureCollection } {
  const routes: Feature[] = [];
  const stops: Feature[] = [];
  plan.routes.forEach((route, i) => {
    const color = routeColor(i);
    const path = decodeRoutePath(route.polyline);
    if (path.length > 1) routes.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: path }, properties: { collectorId: route.collectorId, color } });
    for (const s of route.stops) {
      stops.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] }, properties: { visitId: s.visitId, collectorId: route.collectorId, color, routed: 1 } });
    }
    // The visits done before a re-plan are no longer its stops, but still the collector's day (and cards in the column).
    for (const d of route.done ?? []) {
      if (d.lat === null || d.lon === null) continue;
      stops.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [d.lon, d.lat] }, properties: { visitId: d.visitId, collectorId: route.collectorId, color, routed: 1 } });
    }
  });
  const routed = new Set(stops.map((f) => f.properties.visitId));
  // The unassigned visits and those newer than the plan: every visit with no collector that has an address on the map.
  for (const v of pending.values()) {
    if (routed.has(v.id) || v.lat === null || v.lon === null) continue;
    stops.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [v.lon, v.lat] }, properties: { visitId: v.id, collectorId: NONE, color: UNASSIGNED_COLOR, routed: 0 } });
  }
  return { routes: { type: 'FeatureCollection', features: routes }, stops: { type: 'FeatureCollection', features: stops } };
}

/**
 * The board's small map: each route's road path in its column's colour, a pin
 * per visit, the selected visit ringed and its route drawn wider. A click on a
 * pin reports the visit, so the list can select it.
 */
export class BoardMapLayer {
  #map: MapLibreMap;
  #coordinates = new Map<number, [number, number]>();
  #fitted = false;

  constructor(map: MapLibreMap, onselect: (visitId: number) => void) {
    this.#map = map;
    const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
    map.addSource(ROUTES, { type: 'geojson', data: empty });
    map.addSource(STOPS, { type: 'geojson', data: empty });
    map.addLayer({ id: ROUTE_LINE, type: 'line', source: ROUTES, layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': ['get', 'color'], 'line-width': 2.5, 'line-opacity': 0.65 } });
    map.addLayer({ id: ROUTE_FOCUS, type: 'line', source: ROUTES, filter: ['==', ['get', 'collectorId'], NONE], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': ['get', 'color'], 'line-width': 5 } });
    map.addLayer({
      id: STOP_HALO,
      type: 'circle',
      source: STOPS,
      filter: ['==', ['get', 'visitId'], NONE],
      paint: { 'circle-radius': 13, 'circle-color': 'rgba(56, 189, 248, 0.2)', 'circle-stroke-color': '#e6edf7', 'circle-stroke-width': 2 },
    });
    map.addLayer({
      id: STOP_CIRCLE,
      type: 'circle',
      source: STOPS,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 14, 6.5, 18, 9],
        // Unassigned visits: hollow, so they read as "nobody's" at a glance.
        'circle-color': ['case', ['==', ['get', 'routed'], 1], ['get', 'color'], '#0b1220'],
        'circle-stroke-color': ['case', ['==', ['get', 'routed'], 1], '#05080f', ['get', 'color']],
        'circle-stroke-width': 2,
      },
    });
    map.on('click', STOP_CIRCLE, (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.visitId;
      if (typeof id === 'number') onselect(id);
    });
    map.on('mouseenter', STOP_CIRCLE, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', STOP_CIRCLE, () => (map.getCanvas().style.cursor = ''));
  }

  show(plan: PlanOut, pending: ReadonlyMap<number, VisitOut>): void {
    const { routes, stops } = planFeatures(plan, pending);
    (this.#map.getSource(ROUTES) as GeoJSONSource).setData(routes);
    (this.#map.getSource(STOPS) as GeoJSONSource).setData(stops);
    this.#coordinates = new Map(stops.features.map((f) => [f.properties!.visitId as number, (f.geometry as GeoJSON.Point).coordinates as [number, number]]));
    if (!this.#fitted && this.#coordinates.size > 0) {
      this.#fitted = true;
      this.#map.fitBounds(boundsOf([...this.#coordinates.values()]), { padding: 30, duration: 0, maxZoom: 15 });
    }
  }

  /** Rings the visit and widens its route; pans to it when it is out of view. */
  select(visitId: number | null, collectorId: number | null): void {
    this.#map.setFilter(STOP_HALO, ['==', ['get', 'visitId'], visitId ?? NONE]);
    this.#map.setFilter(ROUTE_FOCUS, ['==', ['get', 'collectorId'], collectorId ?? NONE]);
    const at = visitId === null ? undefined : this.#coordinates.get(visitId);
    if (at && !this.#map.getBounds().contains(at)) this.#map.easeTo({ center: at, duration: 400 });
  }
}

function boundsOf(points: [number, number][]): LngLatBoundsLike {
  let [w, s] = points[0];
  let [e, n] = points[0];
  for (const [lon, lat] of points) {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  return [
    [w, s],
    [e, n],
  ];
}
