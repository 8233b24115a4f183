/** The GeoJSON (RFC 7946) subset the demo city emits: named street centre lines. */
export const STREET_CLASSES = ['avenue', 'street', 'residential'] as const;
export type StreetClass = (typeof STREET_CLASSES)[number];

export interface StreetProperties {
  name: string;
  class: StreetClass;
  speedKph: number;
  /** true: traffic flows only in the order of the coordinates (OSM's oneway=yes convention). */
  oneway: boolean;
}

export interface StreetFeature {
  type: 'Feature';
  properties: StreetProperties;
  geometry: { type: 'LineString'; coordinates: [number, number][] };
}

export interface StreetCollection {
  type: 'FeatureCollection';
  features: StreetFeature[];
}
