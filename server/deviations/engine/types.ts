import type { DeviationRules, EventType } from '../../contract/event.ts';

export type LonLat = readonly [number, number];

export interface PlanVisit {
  visitId: number;
  /** 1-based order in the plan. */
  seq: number;
  lat: number;
  lon: number;
  windowStartMs?: number;
  windowEndMs?: number;
  /** Visit status when the plan was set; only `planned`/`assigned`-like open visits are watched for order. */
  status: string;
}

/** A collector's active plan for the day, as the optimizer or a dispatcher set it. */
export interface ActivePlan {
  collectorId: number;
  teamId: number;
  shift: { startMs: number; endMs: number };
  /** The planned polyline, [lon, lat] pairs. */
  route: LonLat[];
  visits: PlanVisit[];
  /**
   * No fixed start or end (a team with no office): the route begins at its first visit and ends at
   * its last, and the way there and home is nobody's route (off_route does not watch it).
   */
  openStart?: boolean;
  openEnd?: boolean;
}

export interface EnginePosition {
  collectorId: number;
  deviceId: number;
  /** Device time: every rule but `offline` runs on it (event time). */
  tsMs: number;
  /** Server receipt time: `offline` is about the live link, so it is measured on it. Defaults to tsMs. */
  receivedMs?: number;
  lat: number;
  lon: number;
  speedKph?: number | null;
  batteryPct?: number | null;
}

export interface EngineCheckin {
  collectorId: number;
  visitId: number;
  tsMs: number;
  lat: number;
  lon: number;
}

/** A position read back from the database: stored by this instance or another (SPEC §8). */
export interface StoredFix {
  /** Device time. */
  tsMs: number;
  lat: number;
  lon: number;
}

export interface EngineEvent {
  type: EventType;
  collectorId: number;
  teamId: number;
  visitId?: number;
  openedAtMs: number;
  closedAtMs?: number;
  details: Record<string, unknown>;
}

/**
 * One change of an incident. `incident` is the engine's own id, stable from open to close. An
 * incident that is over as soon as it is seen (a skipped visit) comes as one `open` with closedAtMs.
 */
export interface Transition {
  kind: 'open' | 'close';
  incident: number;
  event: EngineEvent;
}

export type { DeviationRules, EventType };
