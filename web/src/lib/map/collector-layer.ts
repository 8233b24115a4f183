import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { COLLECTOR_STATES, STATE_COLORS } from '../collector-state.ts';
import type { CollectorFeatures } from './collector-features.ts';

const SOURCE = 'collectors';
export const COLLECTOR_LAYER = 'collectors';
const HALO_LAYER = 'collectors-selected';
const HEADING_LAYER = 'collectors-heading';
const HEADING_IMAGE = 'ronda-heading';
const NONE = -1;

const stateColor: ExpressionSpecification = [
  'match',
  ['get', 'state'],
  ...COLLECTOR_STATES.flatMap((s) => [s, STATE_COLORS[s]]),
  STATE_COLORS.offline,
] as unknown as ExpressionSpecification;

const radius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 10, 3.5, 14, 6, 18, 9];
// A zoom curve must be the top-level expression, so the ring repeats it with 7 px added.
const haloRadius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 10, 10.5, 14, 13, 18, 16];

/**
 * A heading arrow drawn on a canvas: a small triangle at the top edge of a square
 * whose centre is the collector, so rotating the icon by the course points it the
 * way the collector moves. Drawn in code because the wall ships no sprite.
 */
function headingImage(pixelRatio: number): ImageData {
  const size = Math.round(36 * pixelRatio);
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('canvas 2d context unavailable');
  ctx.canvas.width = size;
  ctx.canvas.height = size;
  const u = size / 36;
  ctx.beginPath();
  // Base 7.5 units from the centre: just touching a 6 px circle with its 1.5 px stroke.
  ctx.moveTo(18 * u, 2 * u);
  ctx.lineTo(23.5 * u, 10.5 * u);
  ctx.lineTo(12.5 * u, 10.5 * u);
  ctx.closePath();
  ctx.fillStyle = '#e2e8f0';
  ctx.strokeStyle = '#05080f';
  ctx.lineWidth = 1.2 * u;
  ctx.fill();
  ctx.stroke();
  return ctx.getImageData(0, 0, size, size);
}

/**
 * The collectors on the map: a GeoJSON source with a circle layer coloured by state,
 * a heading-arrow symbol layer for moving collectors and a ring for the selected one.
 * Updates coalesce into one `setData` per animation frame however many batches arrive.
 */
export class CollectorLayer {
  #map: MapLibreMap;
  #features: CollectorFeatures;
  #source: GeoJSONSource;
  #frame = 0;
  #appliedMs = 0;

  constructor(map: MapLibreMap, features: CollectorFeatures) {
    this.#map = map;
    this.#features = features;
    const pixelRatio = Math.max(1, Math.round(window.devicePixelRatio));
    map.addImage(HEADING_IMAGE, headingImage(pixelRatio), { pixelRatio });
    map.addSource(SOURCE, { type: 'geojson', data: features.data });
    map.addLayer({
      id: HALO_LAYER,
      type: 'circle',
      source: SOURCE,
      filter: ['==', ['get', 'id'], NONE],
      paint: {
        'circle-radius': haloRadius,
        'circle-color': 'rgba(56, 189, 248, 0.18)',
        'circle-stroke-color': '#38bdf8',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: COLLECTOR_LAYER,
      type: 'circle',
      source: SOURCE,
      paint: {
        'circle-radius': radius,
        'circle-color': stateColor,
        'circle-stroke-color': '#05080f',
        'circle-stroke-width': 1.5,
      },
    });
    map.addLayer({
      id: HEADING_LAYER,
      type: 'symbol',
      source: SOURCE,
      filter: ['all', ['==', ['get', 'state'], 'moving'], ['>=', ['get', 'course'], 0]],
      layout: {
        'icon-image': HEADING_IMAGE,
        'icon-rotate': ['get', 'course'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-size': ['interpolate', ['linear'], ['zoom'], 10, 0.7, 14, 1, 18, 1.4],
      },
    });
    this.#source = map.getSource(SOURCE) as GeoJSONSource;
  }

  /**
   * Marks the data changed; the map reads it once, on the next animation frame.
   * `appliedMs`: main-thread time spent applying the batch, counted into that
   * frame's `ronda:live-update` measure (a PerformanceObserver reads it: `npm run bench:web`).
   */
  invalidate(appliedMs = 0): void {
    this.#appliedMs += appliedMs;
    if (this.#frame !== 0) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const start = performance.now();
      this.#source.setData(this.#features.data);
      const duration = this.#appliedMs + performance.now() - start;
      this.#appliedMs = 0;
      performance.measure('ronda:live-update', { start, duration });
      // Observers have the entry already; dropping it from the timeline keeps a wall left on for days from growing it.
      performance.clearMeasures('ronda:live-update');
      if (performance.getEntriesByName('ronda:first-live-frame').length === 0) performance.mark('ronda:first-live-frame');
    });
  }

  select(id: number | null): void {
    this.#map.setFilter(HALO_LAYER, ['==', ['get', 'id'], id ?? NONE]);
  }

  destroy(): void {
    if (this.#frame !== 0) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }
}
