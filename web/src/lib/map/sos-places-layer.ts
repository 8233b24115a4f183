import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, Point } from 'geojson';
import { addSosBadge, sosBadgeLayout, sosRingPaint } from './sos-badge.ts';

const SOURCE = 'sos-places';
export const SOS_PLACE_LAYER = 'sos-places';
const RING_LAYER = 'sos-places-ring';

export interface SosPlace {
  collectorId: number;
  /** [lon, lat] */
  at: [number, number];
}

/**
 * SOS alarms where the collector's marker cannot show them (wall/alarms.ts `sosPlace`): the
 * badge at the alarm's own position. Unclustered and on top: there are few, and none may hide.
 * Each point carries the collector's `id`, so a click selects them as their marker would.
 */
export class SosPlacesLayer {
  #source: GeoJSONSource;
  #shown = '';

  constructor(map: MapLibreMap) {
    addSosBadge(map);
    map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: RING_LAYER, type: 'circle', source: SOURCE, paint: sosRingPaint });
    map.addLayer({ id: SOS_PLACE_LAYER, type: 'symbol', source: SOURCE, layout: sosBadgeLayout });
    this.#source = map.getSource(SOURCE) as GeoJSONSource;
  }

  /** Redraws only when the places changed: this is called once a second. */
  show(places: readonly SosPlace[]): void {
    const key = places.map((p) => `${p.collectorId}@${p.at.join(',')}`).join(';');
    if (key === this.#shown) return;
    this.#shown = key;
    const features: Feature<Point, { id: number }>[] = places.map((p) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: p.at },
      properties: { id: p.collectorId },
    }));
    this.#source.setData({ type: 'FeatureCollection', features });
  }
}
