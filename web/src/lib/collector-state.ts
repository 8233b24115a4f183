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

export const COLLECTOR_STATES = ['moving', 'stopped', 'lowBattery', 'offline'] as const;
export type CollectorState = (typeof COLLECTOR_STATES)[number];

/** Colour per state, shared by the map layer and the list so both read the same. */
export const STATE_COLORS: Record<CollectorState, string> = {
  moving: '#34d399',
  stopped: '#60a5fa',
  lowBattery: '#fbbf24',
  offline: '#6b7280',
};

export interface LastReport {
  /** Epoch ms of the report (parsed once when it arrives, not once per tick). */
  tsMs: number;
  speedKph: number | null;
  batteryPct: number | null;
}

/** Offline outranks low battery, which outranks moving/stopped: the wall shows the most urgent. */
export function collectorState(last: LastReport | null, nowMs: number): CollectorState {
  if (!last || nowMs - last.tsMs >= ONLINE_WINDOW_MS) return 'offline';
  if (last.batteryPct !== null && last.batteryPct < LOW_BATTERY_PCT) return 'lowBattery';
  return (last.speedKph ?? 0) >= MOVING_MIN_KPH ? 'moving' : 'stopped';
}
