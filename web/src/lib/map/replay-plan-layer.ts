import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { CheckinOut } from '$contract/checkin.ts';
import type { PlanRoute } from '$contract/plan.ts';
import { decodeRoutePath } from './route-polyline.ts';
import { OUTCOME_COLORS } from '../replay/timeline.ts';

const PLAN = 'replay-plan';
const PLAN_LINE = 'replay-plan-line';
const PLAN_STOPS = 'replay-plan-stops';
const PLANNED_STOP = 'replay-planned-stop';
const VISITS = 'replay-visits';
const VISIT_PIN = 'replay-visit-pin';
const PLANNED = '#fbbf24';

const empty = (): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/**
 * What the day was meant to be, under the driven track: the planned road path
 * dashed, the planned stops as rings, and the check-ins actually made as pins
 * in their outcome's colour — a ring with no pin is a visit never made.
 */
export class ReplayPlanLayer {
  #map: MapLibreMap;

  /** `beforeId`: the track's layer, so the plan stays under it. */
  constructor(map: MapLibreMap, beforeId: string) {
    this.#map = map;
    map.addSource(PLAN, { type: 'geojson', data: empty() });
    map.addSource(PLAN_STOPS, { type: 'geojson', data: empty() });
    map.addSource(VISITS, { type: 'geojson', data: empty() });
    map.addLayer(
      {
        id: PLAN_LINE,
        type: 'line',
        source: PLAN,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': PLANNED, 'line-width': 2.5, 'line-opacity': 0.85, 'line-dasharray': [2, 2] },
      },
      beforeId,
    );
    map.addLayer(
      {
        id: PLANNED_STOP,
        type: 'circle',
        source: PLAN_STOPS,
        paint: { 'circle-radius': 7, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PLANNED, 'circle-stroke-width': 2 },
      },
      beforeId,
    );
    map.addLayer({
      id: VISIT_PIN,
      type: 'circle',
      source: VISITS,
      paint: { 'circle-radius': 5, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#0b1220', 'circle-stroke-width': 1.5 },
    });
  }

  /** The collector's planned route, or null when that day has no plan for them. */
  showPlan(route: PlanRoute | null): void {
    const line = route ? decodeRoutePath(route.polyline) : [];
    const lines: GeoJSON.FeatureCollection = empty();
    if (line.length > 1) lines.features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: line }, properties: {} });
    (this.#map.getSource(PLAN) as GeoJSONSource).setData(lines);
    const stops: GeoJSON.FeatureCollection = empty();
    for (const s of route?.stops ?? []) {
      stops.features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] }, properties: { sequence: s.sequence } });
    }
    (this.#map.getSource(PLAN_STOPS) as GeoJSONSource).setData(stops);
  }

  showVisits(checkins: readonly CheckinOut[]): void {
    const pins: GeoJSON.FeatureCollection = empty();
    for (const c of checkins) {
      pins.features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [c.lon, c.lat] }, properties: { color: OUTCOME_COLORS[c.outcome] } });
    }
    (this.#map.getSource(VISITS) as GeoJSONSource).setData(pins);
  }
}
