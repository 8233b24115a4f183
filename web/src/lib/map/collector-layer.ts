import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection, Point } from 'geojson';
import { COLLECTOR_STATES, STATE_COLORS } from '../collector-state.ts';
import { liveFrameDrawn, measureLiveWork } from '../wall/live-perf.ts';
import type { CollectorFeatures, CollectorProperties } from './collector-features.ts';
import { addSosBadge, SOS_LABEL_OFFSET_PX, sosBadgeLayout, sosRingPaint } from './sos-badge.ts';

const SOURCE = 'collectors';
export const COLLECTOR_LAYER = 'collectors';
export const CLUSTER_LAYER = 'collector-clusters';
const CLUSTER_COUNT_LAYER = 'collector-cluster-count';
const HALO_LAYER = 'collectors-selected';
const HEADING_LAYER = 'collectors-heading';
const LABEL_LAYER = 'collectors-label';
const SOS_RING_LAYER = 'collectors-sos-ring';
/** The SOS badge covers its collector's dot: clicks and hovers on it count as on the collector. */
export const COLLECTOR_SOS_LAYER = 'collectors-sos';
/** A name label starts this far right of its collector's centre: clear of the marker. */
export const LABEL_OFFSET_PX = 11;
const HEADING_IMAGE = 'ronda-heading';
const NONE = -1;
/**
 * A fleet this large redraws the map at most once per REDRAW_LARGE_FLEET_MS. Each
 * collector reports about once a second, so drawing more often shows nothing new,
 * while every map frame costs the GPU (and, in software WebGL, a read-back that
 * blocks the main thread for tens of milliseconds).
 */
export const LARGE_FLEET = 500;
const REDRAW_LARGE_FLEET_MS = 1000;
/** Past this zoom every collector is its own dot; at city-wide zooms nearby ones merge. */
export const CLUSTER_MAX_ZOOM = 12;

const stateColor: ExpressionSpecification = [
  'match',
  ['get', 'state'],
  ...COLLECTOR_STATES.flatMap((s) => [s, STATE_COLORS[s]]),
  STATE_COLORS.offline,
] as unknown as ExpressionSpecification;

/** Urgent states draw on top and win label collisions. */
const urgency: ExpressionSpecification = [
  'match',
  ['get', 'state'],
  ...COLLECTOR_STATES.flatMap((s, i) => [s, i]),
  COLLECTOR_STATES.length,
] as unknown as ExpressionSpecification;

const radius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 10, 4, 14, 6.5, 18, 9];
// A zoom curve must be the top-level expression, so the ring repeats it with 7 px added.
const haloRadius: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 10, 11, 14, 13.5, 18, 16];
const isCluster: ExpressionSpecification = ['has', 'point_count'];
const isPoint: ExpressionSpecification = ['!', ['has', 'point_count']];
const isSos: ExpressionSpecification = ['all', isPoint, ['==', ['get', 'state'], 'sos']];
const clusterHasSos: ExpressionSpecification = ['>', ['get', 'sos'], 0];

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
 * The collectors on the map: a clustered GeoJSON source; each collector a circle
 * coloured by state with a heading arrow when moving and a name label (with the age
 * of its last report once that passes a minute); a collector in SOS as a red "SOS"
 * badge in a red ring, over everything; clusters in the SOS red with a white edge when
 * they hold an SOS, rose when they hold a collector in deviation. Updates coalesce into
 * one `setData` per animation frame however many batches arrive.
 */
export class CollectorLayer {
  #map: MapLibreMap;
  #features: CollectorFeatures;
  #source: GeoJSONSource;
  #frame = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastFlush = 0;
  #team: number | null = null;
  /** Called in the same frame, after the collectors' setData (the trail rides along). */
  #afterFlush: ((frameStart: number) => void) | null = null;
  #retire: (ids: string[]) => void;

  constructor(map: MapLibreMap, features: CollectorFeatures, retireLabels: (ids: string[]) => void) {
    this.#map = map;
    this.#features = features;
    this.#retire = retireLabels;
    const pixelRatio = Math.max(1, Math.round(window.devicePixelRatio));
    map.addImage(HEADING_IMAGE, headingImage(pixelRatio), { pixelRatio });
    addSosBadge(map);
    map.addSource(SOURCE, {
      type: 'geojson',
      data: features.data,
      cluster: true,
      clusterMaxZoom: CLUSTER_MAX_ZOOM,
      clusterRadius: 42,
      clusterProperties: {
        sos: ['+', ['case', ['==', ['get', 'state'], 'sos'], 1, 0]],
        deviation: ['+', ['case', ['==', ['get', 'state'], 'deviation'], 1, 0]],
        offline: ['+', ['case', ['==', ['get', 'state'], 'offline'], 1, 0]],
      },
    });
    map.addLayer({
      id: CLUSTER_LAYER,
      type: 'circle',
      source: SOURCE,
      filter: isCluster,
      paint: {
        'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 50, 23, 200, 28],
        'circle-color': [
          'case',
          clusterHasSos,
          STATE_COLORS.sos,
          ['>', ['get', 'deviation'], 0],
          STATE_COLORS.deviation,
          ['==', ['get', 'offline'], ['get', 'point_count']],
          STATE_COLORS.offline,
          '#0f766e',
        ],
        // Opaque with an SOS: the emergency red must not fade into the streets under it.
        'circle-opacity': ['case', clusterHasSos, 1, 0.85],
        'circle-stroke-color': ['case', clusterHasSos, '#ffffff', 'rgba(226, 232, 240, 0.55)'],
        'circle-stroke-width': ['case', clusterHasSos, 3, 2],
      },
    });
    map.addLayer({
      id: CLUSTER_COUNT_LAYER,
      type: 'symbol',
      source: SOURCE,
      filter: isCluster,
      layout: {
        'icon-image': ['concat', 'count:', ['get', 'point_count_abbreviated']],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    });
    map.addLayer({
      id: HALO_LAYER,
      type: 'circle',
      source: SOURCE,
      filter: ['all', isPoint, ['==', ['get', 'id'], NONE]],
      paint: {
        'circle-radius': haloRadius,
        'circle-color': 'rgba(56, 189, 248, 0.18)',
        'circle-stroke-color': '#38bdf8',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({ id: SOS_RING_LAYER, type: 'circle', source: SOURCE, filter: isSos, paint: sosRingPaint });
    map.addLayer({
      id: COLLECTOR_LAYER,
      type: 'circle',
      source: SOURCE,
      filter: isPoint,
      layout: { 'circle-sort-key': ['-', 10, urgency] },
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
      filter: ['all', isPoint, ['==', ['get', 'state'], 'moving'], ['>=', ['get', 'course'], 0]],
      layout: {
        'icon-image': HEADING_IMAGE,
        'icon-rotate': ['get', 'course'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-size': ['interpolate', ['linear'], ['zoom'], 10, 0.7, 14, 1, 18, 1.4],
      },
    });
    map.addLayer({
      id: LABEL_LAYER,
      type: 'symbol',
      source: SOURCE,
      filter: ['all', isPoint, ['!=', ['get', 'label'], '']],
      layout: {
        'icon-image': ['get', 'label'],
        'icon-anchor': 'left',
        'icon-offset': ['case', ['==', ['get', 'state'], 'sos'], ['literal', [SOS_LABEL_OFFSET_PX, 0]], ['literal', [LABEL_OFFSET_PX, 0]]],
        'symbol-sort-key': urgency,
      },
    });
    // Over the name labels: another collector's label never covers an SOS.
    map.addLayer({ id: COLLECTOR_SOS_LAYER, type: 'symbol', source: SOURCE, filter: isSos, layout: sosBadgeLayout });
    this.#source = map.getSource(SOURCE) as GeoJSONSource;
  }

  /** Marks the data changed; the map reads it once, on the next animation frame (or a later one, for a large fleet). */
  invalidate(): void {
    if (this.#frame !== 0 || this.#timer !== null) return;
    const wait = this.#features.data.features.length > LARGE_FLEET ? this.#lastFlush + REDRAW_LARGE_FLEET_MS - performance.now() : 0;
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.invalidate();
      }, wait);
      return;
    }
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const start = performance.now();
      this.#lastFlush = start;
      this.#source.setData(this.#visible());
      this.#retire(this.#features.takeRetiredLabels());
      this.#afterFlush?.(start);
      measureLiveWork('map', start, performance.now() - start);
      liveFrameDrawn();
    });
  }

  /** Shows only one team's collectors (null: all). */
  filterTeam(team: number | null): void {
    if (team === this.#team) return;
    this.#team = team;
    this.invalidate();
  }

  onFlush(fn: (frameStart: number) => void): void {
    this.#afterFlush = fn;
  }

  select(id: number | null): void {
    this.#map.setFilter(HALO_LAYER, ['all', isPoint, ['==', ['get', 'id'], id ?? NONE]]);
  }

  /** The cluster's members spread out past this zoom (a click on a cluster zooms there). */
  expansionZoom(clusterId: number): Promise<number> {
    return this.#source.getClusterExpansionZoom(clusterId);
  }

  destroy(): void {
    if (this.#frame !== 0) cancelAnimationFrame(this.#frame);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#frame = 0;
    this.#timer = null;
  }

  #visible(): FeatureCollection<Point, CollectorProperties> {
    const all = this.#features.data;
    if (this.#team === null) return all;
    const team = this.#team;
    return { type: 'FeatureCollection', features: all.features.filter((f) => f.properties.team === team) };
  }
}
