import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection, LineString } from 'geojson';

/** Properties of GET /api/map/streets features (the demo city's road graph). */
export interface StreetProperties {
  name: string;
  class: 'avenue' | 'street' | 'residential';
  speedKph: number;
  oneway: boolean;
}
export type Streets = FeatureCollection<LineString, StreetProperties>;

export const STREET_LAYERS = ['streets-residential', 'streets-street', 'streets-avenue'] as const;

const BACKGROUND = '#0b1220';

/** Line width growing with zoom, `atZ12` px at city zoom to `atZ18` px close in. */
function width(atZ12: number, atZ18: number): ExpressionSpecification {
  return ['interpolate', ['exponential', 1.6], ['zoom'], 12, atZ12, 18, atZ18];
}

/**
 * The built-in basemap used when MAP_STYLE_URL is unset (SPEC §4): the streets from
 * our own API drawn by class. It has no glyphs or sprite on purpose — the wall may
 * run with no internet, so there are no text labels; street names show on hover.
 */
export function offlineStyle(streets: Streets): StyleSpecification {
  return {
    version: 8,
    sources: { streets: { type: 'geojson', data: streets } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
      {
        id: 'streets-residential',
        type: 'line',
        source: 'streets',
        filter: ['==', ['get', 'class'], 'residential'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#1f2a3c', 'line-width': width(0.8, 7) },
      },
      {
        id: 'streets-street',
        type: 'line',
        source: 'streets',
        filter: ['==', ['get', 'class'], 'street'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#2d3b52', 'line-width': width(1.2, 11) },
      },
      {
        id: 'streets-avenue-casing',
        type: 'line',
        source: 'streets',
        filter: ['==', ['get', 'class'], 'avenue'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#05080f', 'line-width': width(3.5, 20) },
      },
      {
        id: 'streets-avenue',
        type: 'line',
        source: 'streets',
        filter: ['==', ['get', 'class'], 'avenue'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#52627d', 'line-width': width(2.2, 16) },
      },
    ],
  };
}
