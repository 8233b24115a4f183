import { COLLECTOR_STATES, isLowBattery, type CollectorState } from '../collector-state.ts';

/** What the list's summary counts per collector: its state and its last known battery. */
export interface SummarizedCollector {
  readonly state: CollectorState;
  readonly last: { readonly batteryPct: number | null } | null;
}

export interface FleetSummary {
  byState: Record<CollectorState, number>;
  /**
   * SPEC §1: who is low on battery, whatever their state. An offline collector counts by
   * their last report: a dying battery may be why they went silent.
   */
  lowBattery: number;
}

export function summarizeFleet(rows: Iterable<SummarizedCollector>): FleetSummary {
  const byState = Object.fromEntries(COLLECTOR_STATES.map((s) => [s, 0])) as Record<CollectorState, number>;
  let lowBattery = 0;
  for (const row of rows) {
    byState[row.state]++;
    if (isLowBattery(row.last?.batteryPct)) lowBattery++;
  }
  return { byState, lowBattery };
}
