import type { ExpressionSpecification, GeoJSONSource, LngLatBoundsLike, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, LineString, Point } from 'geojson';
import { haversineM, type TrackPoint } from '../replay/track.ts';

const TRAIL = 'replay-trail';
/** The driven line's layer id, for layers drawn under it. */
export const TRACK_LINE_LAYER = TRAIL;
const CURSOR = 'replay-cursor';
const DONE = '#38bdf8';
// A dim cyan, not grey: the part still to play must not read as one more street.
const AHEAD = '#0e7490';

/**
 * A replayed track: the day's line, coloured up to the cursor, and a dot at the
 * cursor. Moving the cursor only changes a paint property (the split point of a
 * line-gradient) and a one-point source, so playback never re-uploads the line.
 */
export class TrackLayer {
  #map: MapLibreMap;
  /** Fraction of the line's length reached at each point, for `line-progress`. */
  #progress: number[] = [];
  #points: readonly TrackPoint[] = [];
  #cursor: Feature<Point> = { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} };

  constructor(map: MapLibreMap) {
    this.#map = map;
    map.addSource(TRAIL, { type: 'geojson', data: emptyLine(), lineMetrics: true });
    map.addSource(CURSOR, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({
      id: TRAIL,
      type: 'line',
      source: TRAIL,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 3, 18, 7], 'line-gradient': gradient(0) },
    });
    map.addLayer({
      id: CURSOR,
      type: 'circle',
      source: CURSOR,
      paint: { 'circle-radius': 8, 'circle-color': '#f8fafc', 'circle-stroke-color': DONE, 'circle-stroke-width': 3 },
    });
  }

  /** Shows a new track (oldest first) and frames it. */
  show(points: readonly TrackPoint[]): void {
    this.#points = points;
    const line = emptyLine();
    line.geometry.coordinates = points.map((p) => [p.lon, p.lat]);
    let total = 0;
    const cumulative = [0];
    for (let i = 1; i < points.length; i++) {
      total += haversineM(points[i - 1].lat, points[i - 1].lon, points[i].lat, points[i].lon);
      cumulative.push(total);
    }
    this.#progress = cumulative.map((m) => (total > 0 ? m / total : 0));
    (this.#map.getSource(TRAIL) as GeoJSONSource).setData(line);
    if (points.length > 0) {
      let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const p of points) [w, s, e, n] = [Math.min(w, p.lon), Math.min(s, p.lat), Math.max(e, p.lon), Math.max(n, p.lat)];
      const bounds: LngLatBoundsLike = [w, s, e, n];
      this.#map.fitBounds(bounds, { padding: 60, maxZoom: 16, duration: 600 });
    }
    this.moveTo(0);
  }

  moveTo(index: number): void {
    const p = this.#points[index];
    const cursor = this.#map.getSource(CURSOR) as GeoJSONSource;
    if (!p) {
      cursor.setData({ type: 'FeatureCollection', features: [] });
      return;
    }
    this.#cursor.geometry = { type: 'Point', coordinates: [p.lon, p.lat] };
    cursor.setData(this.#cursor);
    this.#map.setPaintProperty(TRAIL, 'line-gradient', gradient(this.#progress[index] ?? 0));
  }
}

function emptyLine(): Feature<LineString> {
  return { type: 'Feature', geometry: { type: 'LineString', coordinates: [] }, properties: {} };
}

/** Travelled part bright, the rest dim; `step` needs a strictly positive stop. */
function gradient(progress: number): ExpressionSpecification {
  return ['step', ['line-progress'], DONE, Math.max(progress, 1e-9), AHEAD];
}
