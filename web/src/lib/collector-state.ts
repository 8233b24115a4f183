import type { ONLINE_WINDOW_MS as ContractOnlineWindow } from '$contract/collector.ts';

/**
 * Mirrors ONLINE_WINDOW_MS in server/contract/collector.ts (5 min). The web imports
 * contract *types* only (STYLE §1), and the constant's module carries TypeBox at
 * runtime, so the value is repeated here; the type annotation keeps it a number
 * in step with the contract's declaration.
 */
export const ONLINE_WINDOW_MS: typeof ContractOnlineWindow = 5 * 60_000;
/** Below this the supervisor needs to know the tracker may die soon (SPEC §1, "low battery"). */
export const LOW_BATTERY_PCT = 20;
/** GPS speed jitters at rest; under this a collector counts as stopped. */
export const MOVING_MIN_KPH = 3;

/** Issue 6's marker states and the SOS, most urgent first (the list's "by state" order and the legend follow it). */
export const COLLECTOR_STATES = ['sos', 'deviation', 'offline', 'atVisit', 'moving', 'idle'] as const;
export type CollectorState = (typeof COLLECTOR_STATES)[number];

/** Colour per state, shared by the map layer and the list so both read the same. */
export const STATE_COLORS: Record<CollectorState, string> = {
  // A deeper red than the deviation's rose; on the map the SOS also has its own shape (map/sos-badge.ts).
  sos: '#dc2626',
  deviation: '#f43f5e',
  offline: '#6b7280',
  atVisit: '#60a5fa',
  moving: '#34d399',
  idle: '#fbbf24',
};

export interface LastReport {
  /** Epoch ms of the report (parsed once when it arrives, not once per tick). */
  tsMs: number;
  speedKph: number | null;
  batteryPct: number | null;
}

/** What the wall knows about a collector besides its last report. */
export interface StateContext {
  /** An open, unacknowledged SOS alarm names this collector (wall/alarms.ts). */
  sos: boolean;
  /** An open, unacknowledged route deviation names this collector (wall/deviations.ts). */
  inDeviation: boolean;
  /** Stopped at (or checked in as arrived at) one of today's visits: see `isAtVisit`. */
  atVisit: boolean;
}

export const NO_CONTEXT: StateContext = { sos: false, inDeviation: false, atVisit: false };

/**
 * An SOS before anything: someone asked for help, and a collector who pressed the panic button
 * and then went silent is the most urgent of all, not one more offline dot. Then silence: with
 * no recent report the wall does not know where the collector is, so it cannot say they are off their route (nor at a visit, nor idle), and hiding them
 * under "in deviation" would keep them out of the offline count. Then an open route
 * deviation, which is what the supervisor must act on.
 */
export function collectorState(last: LastReport | null, nowMs: number, ctx: StateContext = NO_CONTEXT): CollectorState {
  if (ctx.sos) return 'sos';
  if (!last || !isReporting(last, nowMs)) return 'offline';
  if (ctx.inDeviation) return 'deviation';
  if (ctx.atVisit) return 'atVisit';
  return isMoving(last.speedKph) ? 'moving' : 'idle';
}

/** Reported within the online window. */
export function isReporting(last: LastReport | null, nowMs: number): boolean {
  return last !== null && nowMs - last.tsMs < ONLINE_WINDOW_MS;
}

export function isMoving(speedKph: number | null): boolean {
  return (speedKph ?? 0) >= MOVING_MIN_KPH;
}

export function isLowBattery(batteryPct: number | null | undefined): boolean {
  return batteryPct != null && batteryPct < LOW_BATTERY_PCT;
}
