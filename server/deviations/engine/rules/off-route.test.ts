import { describe, expect, it } from 'vitest';
import { DeviationEngine } from '../engine.ts';
import { MIN, T0, plan, track } from '../testing/track.ts';
import type { EnginePosition } from '../types.ts';

/** East along the route at 100 m per 30 s fix; fixes 10..19 (T0+5:00 .. T0+9:30) 300 m north of it. */
const excursion = () => track(T0, 30, (i) => [i * 100, i >= 10 && i < 20 ? 300 : 0]);

function engineWithPlan(): DeviationEngine {
  const e = new DeviationEngine();
  e.setPlan(plan());
  return e;
}

describe('off_route', () => {
  it('a collector out of the corridor for 5 minutes makes exactly one event, closed when back', () => {
    const out = engineWithPlan().ingest(excursion());
    expect(out).toEqual([
      { kind: 'open', incident: 1, event: { type: 'off_route', collectorId: 7, teamId: 1, openedAtMs: T0 + 5 * MIN, details: { corridorM: 100, distanceM: 300 } } },
      {
        kind: 'close',
        incident: 1,
        event: { type: 'off_route', collectorId: 7, teamId: 1, openedAtMs: T0 + 5 * MIN, closedAtMs: T0 + 10 * MIN, details: { corridorM: 100, distanceM: 300, maxDistanceM: 300 } },
      },
    ]);
  });

  it('opens only after openAfterS and closes only after closeAfterS, one fix at a time', () => {
    const e = engineWithPlan();
    const fixes = excursion();
    const opened = fixes.findIndex((p) => e.ingest([p]).length > 0);
    // Out since fix 10 (T0+5:00); 120 s later is fix 14.
    expect(opened).toBe(14);
    const closed = fixes.slice(opened + 1).findIndex((p) => e.ingest([p]).some((t) => t.kind === 'close'));
    // Back at fix 20 (T0+10:00); 60 s later is fix 22.
    expect(opened + 1 + closed).toBe(22);
  });

  it('an excursion shorter than openAfterS makes no event', () => {
    const short = track(T0, 20, (i) => [i * 100, i >= 10 && i < 14 ? 300 : 0]); // out for 90 s
    expect(engineWithPlan().ingest(short)).toEqual([]);
  });

  it('a track along the corridor edge (95 m / 105 m) opens once and does not flap', () => {
    const edge = track(T0, 40, (i) => [i * 50, i % 2 === 0 ? 105 : 95]);
    const back = track(T0 + 40 * 30_000, 6, (i) => [2000 + i * 50, 0]);
    const out = engineWithPlan().ingest([...edge, ...back]);
    expect(out.map((t) => [t.kind, t.event.openedAtMs, t.event.closedAtMs])).toEqual([
      ['open', T0, undefined],
      ['close', T0, T0 + 40 * 30_000],
    ]);
  });

  it('uses the team corridor when the team sets one', () => {
    const e = engineWithPlan();
    e.setTeamRules(1, { ...e.rulesOf(1), offRoute: { ...e.rulesOf(1).offRoute, corridorM: 400 } });
    expect(e.ingest(excursion())).toEqual([]);
  });

  it('a route with no fixed start is watched from when the collector joins it, not on their way to the first visit', () => {
    const e = new DeviationEngine();
    e.setPlan(plan({ openStart: true }));
    // 10 minutes coming down from 1 km north towards the start of the route, then the excursion along it.
    const coming = track(T0 - 10 * MIN, 20, (i) => [0, 1000 - i * 50]);
    expect(e.ingest(coming)).toEqual([]);
    const out = e.ingest(excursion());
    expect(out.map((t) => [t.kind, t.event.type, t.event.openedAtMs])).toEqual([
      ['open', 'off_route', T0 + 5 * MIN],
      ['close', 'off_route', T0 + 5 * MIN],
    ]);
  });

  it('a route with no fixed end is not watched once every visit is reached: the collector is on their way home', () => {
    const e = new DeviationEngine();
    e.setPlan(plan({ openEnd: true, visits: plan().visits.map((v) => ({ ...v, status: v.visitId === 104 ? 'assigned' : 'completed' })) }));
    // At the last visit (4 km east) for 5 minutes, then 10 minutes heading north, away from the route.
    const atLast = track(T0, 10, () => [4000, 0]);
    const home = track(T0 + 5 * MIN, 20, (i) => [4000, 100 + i * 100]);
    expect(e.ingest([...atLast, ...home]).filter((t) => t.event.type === 'off_route')).toEqual([]);
    // The same walk on a route that ends at the office is off it.
    const office = new DeviationEngine();
    office.setPlan(plan({ visits: plan().visits.map((v) => ({ ...v, status: v.visitId === 104 ? 'assigned' : 'completed' })) }));
    expect(office.ingest([...atLast, ...home]).filter((t) => t.event.type === 'off_route').map((t) => t.kind)).toEqual(['open']);
  });

  it('positions outside the shift are not judged', () => {
    const e = new DeviationEngine();
    e.setPlan(plan({ shift: { startMs: T0 + 60 * MIN, endMs: T0 + 600 * MIN } }));
    expect(e.ingest(excursion())).toEqual([]);
  });
});

describe('late history is evaluated in event time', () => {
  it('a buffered upload after a coverage gap yields the event with device times, whatever order it arrives in', () => {
    const e = engineWithPlan();
    const fixes = excursion();
    const arrival = T0 + 20 * MIN;
    // Live until T0+2:00, then the phone lost coverage and uploads the rest at T0+20:00, newest first.
    expect(e.ingest(fixes.slice(0, 5))).toEqual([]);
    const history: EnginePosition[] = fixes.slice(5).map((p) => ({ ...p, receivedMs: arrival })).reverse();
    const out = e.ingest(history);
    expect(out.map((t) => [t.kind, t.event.type, t.event.openedAtMs, t.event.closedAtMs])).toEqual([
      ['open', 'off_route', T0 + 5 * MIN, undefined],
      ['close', 'off_route', T0 + 5 * MIN, T0 + 10 * MIN],
    ]);
  });

  it('a straggler older than what was evaluated does not reopen or rewrite anything', () => {
    const e = engineWithPlan();
    e.ingest(excursion());
    const straggler = { ...excursion()[12] };
    expect(e.ingest([straggler])).toEqual([]);
    expect(e.stats.late).toBe(1);
  });
});

describe('plans', () => {
  it('removing a plan closes the incident in progress at the collector clock', () => {
    const e = engineWithPlan();
    e.ingest(excursion().slice(0, 16));
    expect(e.removePlan(7)).toEqual([
      expect.objectContaining({ kind: 'close', incident: 1, event: expect.objectContaining({ type: 'off_route', closedAtMs: T0 + 15 * 30_000, details: expect.objectContaining({ closedBy: 'plan_removed' }) }) }),
    ]);
    expect(e.hasPlan(7)).toBe(false);
  });

  it('collectors without a plan are counted and ignored', () => {
    const e = new DeviationEngine();
    expect(e.ingest(excursion())).toEqual([]);
    expect(e.stats.unplanned).toBe(30);
  });
});
