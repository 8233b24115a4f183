import type { Feature, FeatureCollection, Point } from 'geojson';
import type { LivePosition } from '$contract/live.ts';
import { collectorState, NO_CONTEXT, type CollectorState, type LastReport, type StateContext } from '../collector-state.ts';

export interface CollectorProperties {
  id: number;
  /** -1 for a collector in no team (the team filter then never matches it). */
  team: number;
  state: CollectorState;
  /** Degrees clockwise from north; -1 when the device sent none. */
  course: number;
  /** Image id of the name label, which names its age bucket (see `labelAgeMinutes`); '' for none. */
  label: string;
}

interface Entry {
  feature: Feature<Point, CollectorProperties>;
  report: LastReport;
  speedKph: number | null;
}

export interface CollectorFeatureOptions {
  context?: (id: number, fix: { lat: number; lon: number; speedKph: number | null }) => StateContext;
  teamOf?: (id: number) => number | null;
  /** Every accepted fix, oldest first per collector (the trail keeps its own sample). */
  onFix?: (id: number, tsMs: number, lon: number, lat: number) => void;
}

const MINUTE = 60_000;
/**
 * Up to this many collectors every one has a name label. Past it only those in
 * SOS or in deviation do: each label is an image in the icon atlas MapLibre rebuilds with every
 * update, and thousands of them (unreadable at once anyway) made each frame upload
 * megabytes of texture. Names stay on hover, in the list and on the selected card.
 */
export const LABEL_ALL_MAX = 300;

/**
 * The report age a label shows, in whole minutes, rounded down to a unit a glance can
 * read: under a minute says nothing (0), then minutes, hours, days. Few distinct
 * values, so each collector's label image is redrawn rarely, not every second.
 */
export function labelAgeMinutes(ageMs: number): number {
  const minutes = Math.floor(Math.max(0, ageMs) / MINUTE);
  if (minutes < 60) return minutes;
  if (minutes < 24 * 60) return Math.floor(minutes / 60) * 60;
  return Math.floor(minutes / 1440) * 1440;
}

export function labelImageId(id: number, ageMinutes: number): string {
  return `label:${id}:${ageMinutes}`;
}

/**
 * The collectors' GeoJSON, mutated in place. One feature object per collector lives
 * for the whole session; a new position rewrites its coordinates and properties, so
 * a 2,000-collector batch allocates nothing but what the socket already decoded.
 */
export class CollectorFeatures {
  readonly data: FeatureCollection<Point, CollectorProperties> = { type: 'FeatureCollection', features: [] };
  #byId = new Map<number, Entry>();
  #options: CollectorFeatureOptions;
  /** Label images no feature names any more: the layer removes them from the map. */
  #retired: string[] = [];

  constructor(options: CollectorFeatureOptions = {}) {
    this.#options = options;
  }

  /** Applies a live batch; returns whether anything the map draws changed. */
  apply(batch: readonly LivePosition[], nowMs: number): boolean {
    let changed = false;
    for (const p of batch) {
      if (p.collectorId === null) continue;
      const tsMs = Date.parse(p.ts);
      let entry = this.#byId.get(p.collectorId);
      if (!entry) {
        entry = {
          feature: {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
            properties: { id: p.collectorId, team: this.#options.teamOf?.(p.collectorId) ?? -1, state: 'offline', course: -1, label: '' },
          },
          report: { tsMs, speedKph: p.speedKph, batteryPct: p.batteryPct },
          speedKph: p.speedKph,
        };
        this.#byId.set(p.collectorId, entry);
        this.data.features.push(entry.feature);
      } else if (tsMs < entry.report.tsMs) {
        // A collector with two devices: the older report must not move the dot back.
        continue;
      }
      entry.report.tsMs = tsMs;
      entry.report.speedKph = p.speedKph;
      entry.report.batteryPct = p.batteryPct;
      entry.speedKph = p.speedKph;
      const coordinates = entry.feature.geometry.coordinates;
      coordinates[0] = p.lon;
      coordinates[1] = p.lat;
      entry.feature.properties.course = p.courseDeg ?? -1;
      this.#evaluate(entry, nowMs);
      this.#options.onFix?.(p.collectorId, tsMs, p.lon, p.lat);
      changed = true;
    }
    return changed;
  }

  /**
   * Re-evaluates what time, events, visits and teams change without a new report (a
   * silent collector turns offline, a deviation opens, its label ages); returns
   * whether anything changed.
   */
  refresh(nowMs: number): boolean {
    let changed = false;
    for (const entry of this.#byId.values()) {
      const { state, label, team } = entry.feature.properties;
      entry.feature.properties.team = this.#options.teamOf?.(entry.feature.properties.id) ?? -1;
      this.#evaluate(entry, nowMs);
      const p = entry.feature.properties;
      if (p.state !== state || p.label !== label || p.team !== team) changed = true;
    }
    return changed;
  }

  /** [lon, lat] of the collector's last position, if it has one. */
  lonLat(id: number): [number, number] | null {
    const c = this.#byId.get(id)?.feature.geometry.coordinates;
    return c ? [c[0], c[1]] : null;
  }

  /** [tsMs, lon, lat] of the collector's last report. */
  head(id: number): [number, number, number] | null {
    const e = this.#byId.get(id);
    return e ? [e.report.tsMs, e.feature.geometry.coordinates[0], e.feature.geometry.coordinates[1]] : null;
  }

  /** Label images replaced since the last call. */
  takeRetiredLabels(): string[] {
    const out = this.#retired;
    this.#retired = [];
    return out;
  }

  #evaluate(entry: Entry, nowMs: number): void {
    const props = entry.feature.properties;
    const [lon, lat] = entry.feature.geometry.coordinates;
    const ctx = this.#options.context?.(props.id, { lat, lon, speedKph: entry.speedKph }) ?? NO_CONTEXT;
    props.state = collectorState(entry.report, nowMs, ctx);
    const labelled = this.#byId.size <= LABEL_ALL_MAX || props.state === 'sos' || props.state === 'deviation';
    const label = labelled ? labelImageId(props.id, labelAgeMinutes(nowMs - entry.report.tsMs)) : '';
    if (label !== props.label) {
      if (props.label) this.#retired.push(props.label);
      props.label = label;
    }
  }
}
