import type { Feature, FeatureCollection, Point } from 'geojson';
import type { LivePosition } from '$contract/live.ts';
import { collectorState, type CollectorState, type LastReport } from '../collector-state.ts';

export interface CollectorProperties {
  id: number;
  state: CollectorState;
  /** Degrees clockwise from north; -1 when the device sent none. */
  course: number;
}

interface Entry {
  feature: Feature<Point, CollectorProperties>;
  report: LastReport;
}

/**
 * The collectors' GeoJSON, mutated in place. One feature object per collector lives
 * for the whole session; a new position rewrites its coordinates and properties, so
 * a 2,000-collector batch allocates nothing but what the socket already decoded.
 */
export class CollectorFeatures {
  readonly data: FeatureCollection<Point, CollectorProperties> = { type: 'FeatureCollection', features: [] };
  #byId = new Map<number, Entry>();

  /** Applies a live batch; returns whether anything the map draws changed. */
  apply(batch: readonly LivePosition[], nowMs: number): boolean {
    let changed = false;
    for (const p of batch) {
      if (p.collectorId === null) continue;
      const tsMs = Date.parse(p.ts);
      const entry = this.#byId.get(p.collectorId);
      if (!entry) {
        const report: LastReport = { tsMs, speedKph: p.speedKph, batteryPct: p.batteryPct };
        const feature: Feature<Point, CollectorProperties> = {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
          properties: { id: p.collectorId, state: collectorState(report, nowMs), course: p.courseDeg ?? -1 },
        };
        this.#byId.set(p.collectorId, { feature, report });
        this.data.features.push(feature);
        changed = true;
        continue;
      }
      // A collector with two devices: the older report must not move the dot back.
      if (tsMs < entry.report.tsMs) continue;
      entry.report.tsMs = tsMs;
      entry.report.speedKph = p.speedKph;
      entry.report.batteryPct = p.batteryPct;
      const coordinates = entry.feature.geometry.coordinates;
      coordinates[0] = p.lon;
      coordinates[1] = p.lat;
      entry.feature.properties.course = p.courseDeg ?? -1;
      entry.feature.properties.state = collectorState(entry.report, nowMs);
      changed = true;
    }
    return changed;
  }

  /** Re-evaluates time-dependent states (a silent collector turns offline); returns whether any changed. */
  refresh(nowMs: number): boolean {
    let changed = false;
    for (const { feature, report } of this.#byId.values()) {
      const state = collectorState(report, nowMs);
      if (state !== feature.properties.state) {
        feature.properties.state = state;
        changed = true;
      }
    }
    return changed;
  }

  /** [lon, lat] of the collector's last position, if it has one. */
  lonLat(id: number): [number, number] | null {
    const c = this.#byId.get(id)?.feature.geometry.coordinates;
    return c ? [c[0], c[1]] : null;
  }
}
