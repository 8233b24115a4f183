import { describe, expect, it } from 'vitest';
import { collectorState, ONLINE_WINDOW_MS } from './collector-state.ts';

const NOW = Date.UTC(2026, 10, 23, 18, 0, 0);
const report = (ageMs: number, speedKph: number | null, batteryPct: number | null) => ({ tsMs: NOW - ageMs, speedKph, batteryPct });

describe('collectorState', () => {
  it('is offline with no report at all', () => {
    expect(collectorState(null, NOW)).toBe('offline');
  });

  it('turns offline exactly when the last report is ONLINE_WINDOW_MS (5 min) old', () => {
    expect(ONLINE_WINDOW_MS).toBe(300_000);
    expect(collectorState(report(299_999, 20, 80), NOW)).toBe('moving');
    expect(collectorState(report(300_000, 20, 80), NOW)).toBe('offline');
  });

  it('shows low battery below 20 %, over moving or stopped', () => {
    expect(collectorState(report(1000, 30, 19), NOW)).toBe('lowBattery');
    expect(collectorState(report(1000, 0, 19), NOW)).toBe('lowBattery');
    expect(collectorState(report(1000, 30, 20), NOW)).toBe('moving');
  });

  it('counts 3 km/h and up as moving; no speed or GPS jitter below it as stopped', () => {
    expect(collectorState(report(1000, 3, null), NOW)).toBe('moving');
    expect(collectorState(report(1000, 2.9, null), NOW)).toBe('stopped');
    expect(collectorState(report(1000, null, null), NOW)).toBe('stopped');
  });

  it('keeps an offline collector offline even with a low battery', () => {
    expect(collectorState(report(600_000, 0, 5), NOW)).toBe('offline');
  });
});
