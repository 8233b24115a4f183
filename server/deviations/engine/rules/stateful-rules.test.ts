import { describe, expect, it } from 'vitest';
import { DeviationEngine } from '../engine.ts';
import { MIN, T0, at, plan, track } from '../testing/track.ts';
import type { EventType, Transition } from '../types.ts';

const summary = (out: Transition[], type: EventType) =>
  out.filter((t) => t.event.type === type).map((t) => ({ kind: t.kind, openedAtMs: t.event.openedAtMs, closedAtMs: t.event.closedAtMs, details: t.event.details }));

function engine(): DeviationEngine {
  const e = new DeviationEngine();
  e.setPlan(plan());
  return e;
}

describe('speeding', () => {
  it('over 80 km/h for 30 s opens once at the first fast fix and closes when slow for 30 s', () => {
    const speeds = [60, 90, 95, 120, 85, 70, 90, 70, 60, 50];
    const out = engine().ingest(track(T0, speeds.length, (i) => [i * 100, 0], { stepS: 15, extra: (i) => ({ speedKph: speeds[i] }) }));
    // 90 at 0:15, still fast at 0:45 (30 s) → open at 0:15; 70 at 1:15 but 90 again at 1:30; slow from 1:45, 30 s later closes.
    expect(summary(out, 'speeding')).toEqual([
      { kind: 'open', openedAtMs: T0 + 15_000, closedAtMs: undefined, details: { limitKph: 80 } },
      { kind: 'close', openedAtMs: T0 + 15_000, closedAtMs: T0 + 105_000, details: { limitKph: 80, maxKph: 120 } },
    ]);
  });

  it('a single fast fix is no event', () => {
    const speeds = [60, 95, 60, 60];
    expect(summary(engine().ingest(track(T0, 4, (i) => [i * 100, 0], { stepS: 15, extra: (i) => ({ speedKph: speeds[i] }) })), 'speeding')).toEqual([]);
  });
});

describe('low_battery', () => {
  it('opens below 15 %, stays open through 15–20 % and closes above 20 %', () => {
    const pct = [30, 16, 14, 16, 12, 18, 19, 21, 14];
    const out = engine().ingest(track(T0, pct.length, (i) => [i * 10, 0], { stepS: 60, extra: (i) => ({ batteryPct: pct[i] }) }));
    expect(summary(out, 'low_battery')).toEqual([
      { kind: 'open', openedAtMs: T0 + 2 * MIN, closedAtMs: undefined, details: { batteryPct: 14 } },
      { kind: 'close', openedAtMs: T0 + 2 * MIN, closedAtMs: T0 + 7 * MIN, details: { batteryPct: 21, minPct: 12 } },
      { kind: 'open', openedAtMs: T0 + 8 * MIN, closedAtMs: undefined, details: { batteryPct: 14 } },
    ]);
  });
});

describe('offline', () => {
  it('opens after 10 minutes without a report during the shift, closes when a report arrives', () => {
    const e = engine();
    e.ingest(track(T0, 1, () => [0, 0]));
    expect(e.tick(T0 + 9 * MIN)).toEqual([]);
    expect(summary(e.tick(T0 + 10 * MIN), 'offline')).toEqual([
      { kind: 'open', openedAtMs: T0, closedAtMs: undefined, details: { lastReportAt: new Date(T0).toISOString(), minutes: 10 } },
    ]);
    expect(e.tick(T0 + 11 * MIN)).toEqual([]);
    // Buffered history received at T0+15:00: the link came back then, whatever the fixes' own times.
    const back = track(T0 + 1 * MIN, 3, (i) => [i * 10, 0]).map((p) => ({ ...p, receivedMs: T0 + 15 * MIN }));
    expect(summary(e.ingest(back), 'offline')).toEqual([
      { kind: 'close', openedAtMs: T0, closedAtMs: T0 + 15 * MIN, details: { lastReportAt: new Date(T0).toISOString(), minutes: 10 } },
    ]);
  });

  it('counts from the shift start when nothing was ever received, and is silent outside the shift', () => {
    const e = new DeviationEngine();
    e.setPlan(plan({ shift: { startMs: T0, endMs: T0 + 60 * MIN } }));
    expect(e.tick(T0 - 30 * MIN)).toEqual([]);
    expect(summary(e.tick(T0 + 10 * MIN), 'offline')).toEqual([{ kind: 'open', openedAtMs: T0, closedAtMs: undefined, details: { lastReportAt: null, minutes: 10 } }]);
    expect(summary(e.tick(T0 + 61 * MIN), 'offline')).toEqual([
      { kind: 'close', openedAtMs: T0, closedAtMs: T0 + 60 * MIN, details: { lastReportAt: null, minutes: 10, closedBy: 'shift_end' } },
    ]);
  });
});

describe('long_stop', () => {
  // 500 m east, 200 m north of the street: 539 m from the nearest visit (1,000 m east).
  const stop = (minutes: number, jitterAt = -1) => track(T0, minutes + 1, (i) => [500 + (i % 2) * 8, 200 + (i === jitterAt ? 45 : 0)], { stepS: 60 });

  it('stopped 20 minutes away from every visit: one event from the stop start, closed once gone for a minute', () => {
    const leave = track(T0 + 21 * MIN, 3, (i) => [700 + i * 300, 0], { stepS: 60 });
    const out = engine().ingest([...stop(20, 17), ...leave]);
    expect(summary(out, 'long_stop')).toEqual([
      { kind: 'open', openedAtMs: T0, closedAtMs: undefined, details: { lat: stop(0)[0].lat, lon: stop(0)[0].lon, nearestVisitM: 539 } },
      { kind: 'close', openedAtMs: T0, closedAtMs: T0 + 21 * MIN, details: { lat: stop(0)[0].lat, lon: stop(0)[0].lon, nearestVisitM: 539, stoppedS: 20 * 60 } },
    ]);
  });

  it('14 minutes is not long, and a stop at a visit is work', () => {
    expect(summary(engine().ingest(stop(14)), 'long_stop')).toEqual([]);
    const atVisit = track(T0, 30, (i) => [1000 + (i % 2) * 5, 20], { stepS: 60 });
    expect(summary(engine().ingest(atVisit), 'long_stop')).toEqual([]);
  });
});

describe('incidents carried on after a restart (resume)', () => {
  const left = (type: EventType, openedAtMs: number, details: Record<string, unknown>) => ({ type, collectorId: 7, teamId: 1, openedAtMs, details });

  it('a long stop goes on where it began: no second one while the collector stays, closed with its whole length once they leave', () => {
    const e = engine();
    const where = at(500, 400);
    const incident = e.resume(left('long_stop', T0 - 30 * MIN, { ...where, nearestVisitM: 640 }));
    expect(incident).not.toBeNull();
    const stay = e.ingest(track(T0, 40, () => [500, 400], { stepS: 30 }));
    const leave = e.ingest(track(T0 + 20 * MIN, 4, (i) => [500 + 200 * (i + 1), 400], { stepS: 30 }));
    expect(summary(stay, 'long_stop')).toEqual([]);
    expect(leave.filter((t) => t.event.type === 'long_stop')).toEqual([
      { kind: 'close', incident, event: expect.objectContaining({ openedAtMs: T0 - 30 * MIN, closedAtMs: T0 + 20 * MIN, details: { ...where, nearestVisitM: 640, stoppedS: 50 * 60 - 30 } }) },
    ]);
  });

  it('a low battery closes above 20 % with the lowest reading since the restart; one of a kind only', () => {
    const e = engine();
    const incident = e.resume(left('low_battery', T0 - 10 * MIN, { batteryPct: 14 }));
    expect(e.resume(left('low_battery', T0 - 20 * MIN, { batteryPct: 12 }))).toBeNull();
    const pct = [13, 11, 19, 22];
    const out = e.ingest(track(T0, pct.length, (i) => [i * 10, 0], { stepS: 60, extra: (i) => ({ batteryPct: pct[i] }) }));
    expect(out).toEqual([{ kind: 'close', incident, event: expect.objectContaining({ openedAtMs: T0 - 10 * MIN, closedAtMs: T0 + 3 * MIN, details: { batteryPct: 22, minPct: 11 } }) }]);
  });

  it('closes no earlier than it opened when the plan ends before the collector reports again', () => {
    const e = engine();
    const incident = e.resume(left('off_route', T0 + 30 * MIN, { distanceM: 300 }));
    // No report since the restart: the plan's end would otherwise close it at the shift's start.
    expect(e.removePlan(7)).toEqual([
      { kind: 'close', incident, event: expect.objectContaining({ openedAtMs: T0 + 30 * MIN, closedAtMs: T0 + 30 * MIN, details: { distanceM: 300, closedBy: 'plan_removed' } }) },
    ]);
  });

  it("is not taken for a collector without a plan here; off route not when it began outside the plan's shift (yesterday's), a battery still low whenever it began", () => {
    const e = engine();
    const yesterday = T0 - 24 * 60 * MIN;
    expect(e.resume({ ...left('speeding', T0, { limitKph: 80 }), collectorId: 8 })).toBeNull();
    expect(e.resume(left('off_route', yesterday, { distanceM: 300 }))).toBeNull();
    expect(e.resume(left('off_route', T0, { distanceM: 300 }))).not.toBeNull();
    // Its next reading settles it: above 20 % it closes, below it goes on.
    const battery = e.resume(left('low_battery', yesterday, { batteryPct: 9 }));
    expect(battery).not.toBeNull();
    expect(e.ingest(track(T0, 1, () => [0, 0], { extra: () => ({ batteryPct: 80 }) }))).toEqual([
      { kind: 'close', incident: battery, event: expect.objectContaining({ openedAtMs: yesterday, closedAtMs: T0 }) },
    ]);
  });
});
