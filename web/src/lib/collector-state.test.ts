import { describe, expect, it } from 'vitest';
import { COLLECTOR_STATES, collectorState, isLowBattery, isReporting, ONLINE_WINDOW_MS } from './collector-state.ts';

const NOW = Date.UTC(2026, 10, 23, 18, 0, 0);
const report = (ageMs: number, speedKph: number | null, batteryPct: number | null = 80) => ({ tsMs: NOW - ageMs, speedKph, batteryPct });
const deviating = { sos: false, inDeviation: true, atVisit: false };
const atVisit = { sos: false, inDeviation: false, atVisit: true };
const sos = { sos: true, inDeviation: false, atVisit: false };

describe('collectorState', () => {
  it('is offline with no report at all', () => {
    expect(collectorState(null, NOW)).toBe('offline');
  });

  it('turns offline exactly when the last report is ONLINE_WINDOW_MS (5 min) old', () => {
    expect(ONLINE_WINDOW_MS).toBe(300_000);
    expect(collectorState(report(299_999, 20), NOW)).toBe('moving');
    expect(collectorState(report(300_000, 20), NOW)).toBe('offline');
  });

  it('counts 3 km/h and up as moving; no speed or GPS jitter below it as idle', () => {
    expect(collectorState(report(1000, 3), NOW)).toBe('moving');
    expect(collectorState(report(1000, 2.9), NOW)).toBe('idle');
    expect(collectorState(report(1000, null), NOW)).toBe('idle');
  });

  it('shows a collector at a visit as such, rather than idle', () => {
    expect(collectorState(report(1000, 0), NOW, atVisit)).toBe('atVisit');
  });

  it('puts an open deviation above visits and movement', () => {
    expect(collectorState(report(1000, 30), NOW, deviating)).toBe('deviation');
    expect(collectorState(report(1000, 0), NOW, { sos: false, inDeviation: true, atVisit: true })).toBe('deviation');
  });

  it('puts an open SOS above every other state: deviation, visit, moving, idle', () => {
    expect(collectorState(report(1000, 30), NOW, sos)).toBe('sos');
    expect(collectorState(report(1000, 0), NOW, sos)).toBe('sos');
    expect(collectorState(report(1000, 0), NOW, { sos: true, inDeviation: true, atVisit: true })).toBe('sos');
  });

  it('keeps a collector who pressed SOS and went silent (or never reported) in SOS, not offline', () => {
    expect(collectorState(report(600_000, 0), NOW, sos)).toBe('sos');
    expect(collectorState(null, NOW, { sos: true, inDeviation: true, atVisit: false })).toBe('sos');
  });

  it('lists SOS as the most urgent state, first in the list and the legend', () => {
    expect(COLLECTOR_STATES[0]).toBe('sos');
  });

  it('shows a silent collector offline even with an open deviation: without reports nobody knows where they are', () => {
    expect(collectorState(report(600_000, 0), NOW, deviating)).toBe('offline');
    expect(collectorState(report(300_000, 30), NOW, deviating)).toBe('offline');
    expect(collectorState(null, NOW, deviating)).toBe('offline');
  });

  it('does not count a silent collector as reporting (the wall\'s "active" figure)', () => {
    expect(isReporting(report(299_999, 0), NOW)).toBe(true);
    expect(isReporting(report(300_000, 0), NOW)).toBe(false);
    expect(isReporting(null, NOW)).toBe(false);
  });

  it('does not call a silent collector at a visit', () => {
    expect(collectorState(report(600_000, 0), NOW, atVisit)).toBe('offline');
  });

  it('flags battery below 20 % as low', () => {
    expect(isLowBattery(19)).toBe(true);
    expect(isLowBattery(20)).toBe(false);
    expect(isLowBattery(null)).toBe(false);
  });
});
