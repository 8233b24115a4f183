import { describe, expect, it } from 'vitest';
import { summarizeFleet } from './fleet-summary.ts';

describe('summarizeFleet', () => {
  it('counts collectors per state and, apart, those low on battery, offline ones by their last report', () => {
    const summary = summarizeFleet([
      { state: 'moving', last: { batteryPct: 80 } },
      { state: 'idle', last: { batteryPct: 12 } },
      { state: 'offline', last: { batteryPct: 5 } },
      { state: 'offline', last: null },
      { state: 'atVisit', last: { batteryPct: null } },
      { state: 'deviation', last: { batteryPct: 20 } },
      { state: 'sos', last: null },
    ]);
    expect(summary).toEqual({ byState: { sos: 1, deviation: 1, offline: 2, atVisit: 1, moving: 1, idle: 1 }, lowBattery: 2 });
  });

  it('counts zero of everything for an empty fleet', () => {
    expect(summarizeFleet([])).toEqual({ byState: { sos: 0, deviation: 0, offline: 0, atVisit: 0, moving: 0, idle: 0 }, lowBattery: 0 });
  });
});
