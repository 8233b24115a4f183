import { describe, expect, it } from 'vitest';
import { DeviationEngine, defaultRules } from '../engine.ts';
import { MIN, T0, at, plan, track } from '../testing/track.ts';
import type { ActivePlan, EnginePosition, EventType, Transition } from '../types.ts';

const summary = (out: Transition[], type: EventType) =>
  out.filter((t) => t.event.type === type).map((t) => ({ visitId: t.event.visitId, openedAtMs: t.event.openedAtMs, closedAtMs: t.event.closedAtMs, details: t.event.details }));

function engine(p: ActivePlan = plan()): DeviationEngine {
  const e = new DeviationEngine();
  e.setPlan(p);
  return e;
}

/** Three minutes at each stop (fixes every 60 s), stops in the given order, starting at startMs. */
function tour(startMs: number, stopsEastM: number[], minutesEach = 3): EnginePosition[] {
  return stopsEastM.flatMap((east, k) => track(startMs + k * minutesEach * MIN, minutesEach, () => [east, 0], { stepS: 60 }));
}

describe('visit_out_of_order', () => {
  it('arriving at visit 3 while 1 and 2 are pending is one event; the rest of the tour is fine', () => {
    const out = engine().ingest(tour(T0, [3000, 1000, 2000, 4000]));
    expect(summary(out, 'visit_out_of_order')).toEqual([
      { visitId: 103, openedAtMs: T0, closedAtMs: T0, details: { seq: 3, expectedVisitId: 101, expectedSeq: 1, pendingBefore: 2 } },
    ]);
  });

  it('swapping two neighbours is within the default slack', () => {
    expect(summary(engine().ingest(tour(T0, [2000, 1000, 3000, 4000])), 'visit_out_of_order')).toEqual([]);
  });

  it('a check-in is an arrival, judged on the fixes stored by any instance since the shift began', () => {
    const e = engine();
    expect(summary(e.checkin({ collectorId: 7, visitId: 104, tsMs: T0, ...at(4000) }), 'visit_out_of_order')).toEqual([]);
    const shiftStart = plan().shift.startMs;
    expect(e.awaitingFixes()).toEqual(new Map([[7, { fromMs: shiftStart, toMs: T0 }]]));
    expect(summary(e.storedFixes(7, shiftStart, T0, []), 'visit_out_of_order')).toEqual([
      { visitId: 104, openedAtMs: T0, closedAtMs: T0, details: { seq: 4, expectedVisitId: 101, expectedSeq: 1, pendingBefore: 3 } },
    ]);
    expect(e.awaitingFixes()).toEqual(new Map());
  });

  it("a check-in after visits another instance's tracker showed reached (stored, never seen here) is in order", () => {
    const e = engine();
    const before = tour(T0, [1000, 2000]); // three minutes at 101, then at 102
    e.checkin({ collectorId: 7, visitId: 103, tsMs: T0 + 7 * MIN, ...at(3000) });
    const shiftStart = plan().shift.startMs;
    expect(e.storedFixes(7, shiftStart, T0 + 7 * MIN, before)).toEqual([]);
    // Reached, so not skipped either.
    e.tick(plan().shift.endMs);
    expect(summary(stored(e, before), 'visit_skipped').map((s) => s.visitId)).toEqual([104]);
  });

  it('a drive past an earlier visit in the stored fixes is not an arrival at it', () => {
    const e = engine();
    const past = track(T0, 3, (i) => [1000 + (i - 1) * 300, 0], { stepS: 60 }); // through 101 without stopping
    e.checkin({ collectorId: 7, visitId: 103, tsMs: T0 + 7 * MIN, ...at(3000) });
    const shiftStart = plan().shift.startMs;
    expect(summary(e.storedFixes(7, shiftStart, T0 + 7 * MIN, past), 'visit_out_of_order')).toEqual([
      { visitId: 103, openedAtMs: T0 + 7 * MIN, closedAtMs: T0 + 7 * MIN, details: { seq: 3, expectedVisitId: 101, expectedSeq: 1, pendingBefore: 2 } },
    ]);
  });
});

/** What awaitingFixes asks for collector 7, answered with `fixes` (the stored fixes of every instance in that span). */
function stored(e: DeviationEngine, fixes: readonly EnginePosition[] = []): Transition[] {
  const span = e.awaitingFixes().get(7);
  if (!span) return [];
  return e.storedFixes(7, span.fromMs, span.toMs, fixes.filter((f) => f.tsMs >= span.fromMs && f.tsMs <= span.toMs));
}

describe('visit_skipped', () => {
  it('a visit not reached by the end of its window is skipped once, at the window end, once the stored fixes agree', () => {
    const p = plan();
    p.visits[1] = { ...p.visits[1], windowEndMs: T0 + 5 * MIN };
    const e = engine(p);
    const fixes = tour(T0, [1000, 3000, 4000]);
    const out = e.ingest(fixes);
    expect(summary(out, 'visit_out_of_order')).toEqual([]);
    // Pending here at its deadline; the tracker may report through another instance.
    expect(summary(out, 'visit_skipped')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map([[7, { fromMs: p.shift.startMs, toMs: T0 + 5 * MIN }]]));
    expect(summary(stored(e, fixes), 'visit_skipped')).toEqual([{ visitId: 102, openedAtMs: T0 + 5 * MIN, closedAtMs: T0 + 5 * MIN, details: { seq: 2, windowEnd: new Date(T0 + 5 * MIN).toISOString() } }]);
    expect(e.awaitingFixes()).toEqual(new Map());
    expect(summary(e.ingest(track(T0 + 10 * MIN, 3, () => [5000, 0])), 'visit_skipped')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
  });

  it("a visit another instance's tracker showed reached by its deadline (stored, never seen here) is not skipped", () => {
    const p = plan();
    p.visits[1] = { ...p.visits[1], windowEndMs: T0 + 10 * MIN };
    const e = engine(p);
    // This instance holds the phone's fixes far from every visit; the tracker dwelt at 102 through another one.
    e.ingest(track(T0, 2, () => [0, 500], { stepS: 11 * 60 }));
    const elsewhere = tour(T0 + 2 * MIN, [2000]);
    expect(summary(stored(e, elsewhere), 'visit_skipped')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
    // Reached: an arrival at 103 after it is in order, and the shift's end does not skip it either.
    expect(summary(e.ingest(tour(T0 + 12 * MIN, [3000])), 'visit_out_of_order')).toEqual([]);
    e.tick(p.shift.endMs);
    expect(summary(stored(e, elsewhere), 'visit_skipped').map((s) => s.visitId)).toEqual([101, 104]);
  });

  it('a dwell that ends after the deadline, or a drive past, is not an arrival by it', () => {
    const p = plan();
    p.visits[0] = { ...p.visits[0], windowEndMs: T0 + 10 * MIN };
    p.visits[1] = { ...p.visits[1], windowEndMs: T0 + 10 * MIN };
    const e = engine(p);
    e.ingest(track(T0 + 11 * MIN, 1, () => [0, 500]));
    const late = tour(T0 + 10 * MIN, [1000]); // at 101 from the deadline on: its minute's dwell completes after it
    const past = track(T0, 3, (i) => [2000 + (i - 1) * 300, 0], { stepS: 60 }); // through 102 without stopping
    expect(summary(stored(e, [...past, ...late]), 'visit_skipped').map((s) => s.visitId)).toEqual([101, 102]);
  });

  it('stored fixes that do not reach the deadline leave the visit waiting for a read that does', () => {
    const p = plan();
    p.visits[1] = { ...p.visits[1], windowEndMs: T0 + 10 * MIN };
    const e = engine(p);
    e.ingest(track(T0 + 11 * MIN, 1, () => [0, 500]));
    expect(e.storedFixes(7, p.shift.startMs, T0 + 9 * MIN, [])).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map([[7, { fromMs: p.shift.startMs, toMs: T0 + 10 * MIN }]]));
    expect(summary(stored(e), 'visit_skipped').map((s) => s.visitId)).toEqual([102]);
  });

  it('a visit checked in elsewhere, or cancelled, while the stored fixes were read is not skipped', () => {
    const p = plan();
    p.visits = p.visits.map((v) => ({ ...v, windowEndMs: T0 + 10 * MIN }));
    const e = engine(p);
    e.ingest(track(T0 + 11 * MIN, 1, () => [0, 500]));
    e.checkedInElsewhere(7, 101);
    e.updateVisit(102, 'cancelled', 7);
    e.updateVisit(103, 'assigned', 8);
    expect(summary(stored(e), 'visit_skipped').map((s) => s.visitId)).toEqual([104]);
  });

  it('visits still pending when the shift ends are skipped, on the tick if the device is quiet', () => {
    const p = plan({ shift: { startMs: T0 - MIN, endMs: T0 + 60 * MIN } });
    const e = engine(p);
    const fixes = tour(T0, [1000, 2000]);
    e.ingest(fixes);
    expect(summary(e.tick(T0 + 59 * MIN), 'visit_skipped')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
    expect(summary(e.tick(T0 + 60 * MIN), 'visit_skipped')).toEqual([]);
    expect(summary(stored(e, fixes), 'visit_skipped').map((s) => [s.visitId, s.openedAtMs])).toEqual([
      [103, T0 + 60 * MIN],
      [104, T0 + 60 * MIN],
    ]);
    expect(summary(e.tick(T0 + 70 * MIN), 'visit_skipped')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
  });

  it('visits already done or cancelled when the plan was set are not expected', () => {
    const p = plan({ shift: { startMs: T0 - MIN, endMs: T0 + 60 * MIN } });
    p.visits = p.visits.map((v) => ({ ...v, status: v.visitId === 101 ? 'cancelled' : 'done' }));
    const e = engine(p);
    expect(e.tick(T0 + 61 * MIN)).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
  });

  it('a visit cancelled or moved to another collector during the day is no longer expected; a status change keeps it', () => {
    const e = engine(plan({ shift: { startMs: T0 - MIN, endMs: T0 + 60 * MIN } }));
    const fixes = tour(T0, [1000]);
    e.ingest(fixes);
    e.updateVisit(102, 'cancelled', 7);
    e.updateVisit(103, 'assigned', 8);
    e.updateVisit(104, 'en_route', 7);
    e.updateVisit(999, 'cancelled', 7);
    e.tick(T0 + 60 * MIN);
    expect(summary(stored(e, fixes), 'visit_skipped').map((s) => s.visitId)).toEqual([104]);
  });
});

describe('arrived_no_checkin', () => {
  const stay = () => track(T0, 7, () => [2000, 10], { stepS: 60 }); // at visit 102 for 6 minutes
  const leave = () => track(T0 + 7 * MIN, 3, (i) => [2300 + i * 200, 0], { stepS: 60 });

  it('six minutes at the address, gone without a check-in: one event spanning the stay', () => {
    const out = engine().ingest([...stay(), ...leave()]);
    expect(summary(out, 'arrived_no_checkin')).toEqual([{ visitId: 102, openedAtMs: T0, closedAtMs: T0 + 7 * MIN, details: { atAddressS: 360 } }]);
  });

  it('no event with a check-in, even one committed just after the collector left', () => {
    const e = engine();
    e.ingest([...stay(), leave()[0]]);
    e.checkin({ collectorId: 7, visitId: 102, tsMs: T0 + 6 * MIN, ...at(2000) });
    expect(summary(e.ingest(leave().slice(1)), 'arrived_no_checkin')).toEqual([]);
  });

  it("a check-in another instance took counts too, and raises nothing here (that instance judges its presence)", () => {
    const e = engine();
    e.checkedInElsewhere(7, 102);
    const out = e.ingest([...stay(), ...leave()]);
    // Neither arrived_no_checkin nor (past the check-in's window) checkin_without_presence.
    expect(out.filter((t) => t.event.visitId === 102)).toEqual([]);
  });

  it('no event at a visit cancelled before the collector came, or while they were there', () => {
    const before = engine();
    before.updateVisit(102, 'cancelled', 7);
    expect(summary(before.ingest([...stay(), ...leave()]), 'arrived_no_checkin')).toEqual([]);
    const during = engine();
    during.ingest(stay());
    during.updateVisit(102, 'cancelled', 7);
    expect(summary(during.ingest(leave()), 'arrived_no_checkin')).toEqual([]);
  });

  it('a short stop (under 5 minutes) is not an arrival', () => {
    const short = track(T0, 4, () => [2000, 10], { stepS: 60 });
    expect(summary(engine().ingest([...short, ...leave()]), 'arrived_no_checkin')).toEqual([]);
  });
});

describe('checkin_without_presence', () => {
  const atVisit102 = () => track(T0, 13, () => [2000, 5], { stepS: 30 }); // T0 .. T0+6:00
  /** visit_out_of_order asks for stored fixes too (a check-in at 104 skips three): off, to read this rule's asks alone. */
  const engine = () => {
    const e = new DeviationEngine();
    e.setTeamRules(1, { ...defaultRules(), visitOrder: { ...defaultRules().visitOrder, enabled: false } });
    e.setPlan(plan());
    return e;
  };

  it('a check-in where the tracker was: no event', () => {
    const e = engine();
    e.checkin({ collectorId: 7, visitId: 102, tsMs: T0 + 3 * MIN, ...at(2000) });
    expect(summary(e.ingest(atVisit102()), 'checkin_without_presence')).toEqual([]);
  });

  it('a check-in at a visit 2 km from every fix around its time: one event once the window has passed and the stored fixes agree', () => {
    const e = engine();
    const fixes = atVisit102();
    e.ingest(fixes.slice(0, 8)); // up to T0+3:30
    expect(summary(e.checkin({ collectorId: 7, visitId: 104, tsMs: T0 + 3 * MIN, ...at(4000) }), 'checkin_without_presence')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
    // The window is over on the device's clock; absence waits for what every instance stored.
    expect(summary(e.ingest(fixes.slice(8)), 'checkin_without_presence')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map([[7, { fromMs: T0 + MIN, toMs: T0 + 5 * MIN }]]));
    const out = e.storedFixes(7, T0 + MIN, T0 + 5 * MIN, fixes.filter((f) => f.tsMs >= T0 + MIN && f.tsMs <= T0 + 5 * MIN));
    expect(summary(out, 'checkin_without_presence')).toEqual([
      { visitId: 104, openedAtMs: T0 + 3 * MIN, closedAtMs: T0 + 3 * MIN, details: { radiusM: 150, windowS: 120, nearestPositionM: 2000 } },
    ]);
    expect(e.awaitingFixes()).toEqual(new Map());
  });

  it('a check-in from a device that then goes quiet is judged on the tick, on the stored fixes', () => {
    const e = engine();
    e.checkin({ collectorId: 7, visitId: 104, tsMs: T0, ...at(4000) });
    expect(summary(e.tick(T0 + 2 * MIN), 'checkin_without_presence')).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
    expect(summary(e.tick(T0 + 3 * MIN), 'checkin_without_presence')).toEqual([]);
    expect(summary(e.storedFixes(7, T0 - 2 * MIN, T0 + 2 * MIN, []), 'checkin_without_presence')).toEqual([
      { visitId: 104, openedAtMs: T0, closedAtMs: T0, details: { radiusM: 150, windowS: 120, nearestPositionM: null } },
    ]);
  });

  it("a check-in where another instance's tracker was (stored, never seen here): no event", () => {
    const e = engine();
    e.checkin({ collectorId: 7, visitId: 102, tsMs: T0 + 3 * MIN, ...at(2000) });
    e.tick(T0 + 6 * MIN);
    const stored = atVisit102().map(({ tsMs, lat, lon }) => ({ tsMs, lat, lon }));
    expect(e.storedFixes(7, T0 + MIN, T0 + 5 * MIN, stored)).toEqual([]);
    expect(e.awaitingFixes()).toEqual(new Map());
  });

  it('stored fixes that do not cover a check-in\'s window leave it waiting for a read that does', () => {
    const e = engine();
    e.checkin({ collectorId: 7, visitId: 104, tsMs: T0, ...at(4000) });
    e.checkin({ collectorId: 7, visitId: 103, tsMs: T0 + 10 * MIN, ...at(3000) });
    e.tick(T0 + 15 * MIN);
    expect(e.awaitingFixes()).toEqual(new Map([[7, { fromMs: T0 - 2 * MIN, toMs: T0 + 12 * MIN }]]));
    expect(summary(e.storedFixes(7, T0 - 2 * MIN, T0 + 2 * MIN, []), 'checkin_without_presence').map((s) => s.visitId)).toEqual([104]);
    expect(e.awaitingFixes()).toEqual(new Map([[7, { fromMs: T0 + 8 * MIN, toMs: T0 + 12 * MIN }]]));
  });
});
