import { describe, expect, it } from 'vitest';
import { buildPlanningProblem, currentOrder, type PlanningCollector, type PlanningVisit } from './planning-problem.ts';

const collector = (id: number, skills: string[] = []): PlanningCollector => ({
  id,
  name: `C${id}`,
  skills,
  start: [-103.35, 20.67],
  startKind: 'office',
  departS: 28_800,
  shiftEndS: 64_800,
  end: [-103.35, 20.67],
  maxVisits: 25,
  speedFactor: 1,
  break: null,
});

const visit = (id: number, over: Partial<PlanningVisit> = {}): PlanningVisit => ({
  id,
  version: 1,
  accountId: id,
  accountName: `A${id}`,
  address: '',
  lat: 20.68 + id * 0.001,
  lon: -103.34,
  windowStartMin: null,
  windowEndMin: null,
  serviceMinutes: 10,
  priority: 50,
  status: 'assigned',
  collectorId: 1,
  pinned: false,
  locked: false,
  skills: [],
  sequence: id,
  ...over,
});

describe('currentOrder', () => {
  it('puts visits under way first and freezes the head up to the last locked one', () => {
    const { order, fixed } = currentOrder([visit(1), visit(2), visit(3, { locked: true }), visit(4), visit(5, { status: 'en_route' })]);
    expect(order.map((v) => v.id)).toEqual([5, 1, 2, 3, 4]);
    expect(fixed).toBe(4);
  });

  it("keeps a dispatcher's order whole, the rest after it", () => {
    const { order, fixed } = currentOrder([visit(1), visit(2), visit(3)], [3, 1]);
    expect(order.map((v) => v.id)).toEqual([3, 1, 2]);
    expect(fixed).toBe(2);
  });
});

describe('buildPlanningProblem', () => {
  it('speaks the solver: seconds, sorted unique locations, skills as numbers, pins as vehicles', () => {
    const p = buildPlanningProblem({
      collectors: [collector(2, ['legal']), collector(1)],
      visits: [
        visit(1, { windowStartMin: 540, windowEndMin: 600, pinned: true }),
        visit(2, { collectorId: 2, skills: ['legal'], sequence: 1 }),
        visit(3, { lat: null, lon: null }),
        visit(4, { lat: 20.681, collectorId: null, status: 'planned', sequence: null }),
      ],
      warm: true,
    });
    expect(p.collectors.map((c) => c.id)).toEqual([1, 2]);
    expect(p.noLocation.map((v) => v.id)).toEqual([3]);
    // The office and two distinct addresses (visits 1 and 4 share one).
    expect(p.locations).toHaveLength(3);
    expect(p.jobs.map((j) => [j.windows, j.service, j.vehicle, j.skills])).toEqual([
      [[[32_400, 36_000]], 600, 0, []],
      [undefined, 600, undefined, [0]],
      [undefined, 600, undefined, []],
    ]);
    expect(p.jobs[0].location).toBe(p.jobs[2].location);
    expect(p.vehicles.map((v) => v.skills)).toEqual([[], [0]]);
    expect(p.initial).toEqual([[0], [1]]);
    expect(p.frozen).toEqual([0, 0]);
  });

  it("hands each collector's speed factor and break to the solver", () => {
    const biker = { ...collector(1), speedFactor: 1.5, break: { windowS: [46_800, 54_000] as const, durationS: 2_700 } };
    const p = buildPlanningProblem({ collectors: [biker, collector(2)], visits: [visit(1)], warm: false });
    expect(p.vehicles.map((v) => [v.speedFactor, v.breaks])).toEqual([
      [1.5, [{ windows: [[46_800, 54_000]], service: 2_700 }]],
      [1, undefined],
    ]);
  });

  it('gives a collector with no office (nor position) no start or end: the solver starts the route at its first visit', () => {
    const open = { ...collector(1), start: null, startKind: 'first_visit' as const, end: null };
    const p = buildPlanningProblem({ collectors: [open, collector(2)], visits: [visit(1), visit(2)], warm: false });
    // Two addresses and the other collector's office; nothing for the open one.
    expect(p.locations).toHaveLength(3);
    expect(p.vehicles[0]).toMatchObject({ start: undefined, end: undefined });
    expect(p.vehicles[1].start).toBe(p.vehicles[1].end);
    expect(p.vehicles[1].start).toBeTypeOf('number');
  });

  it('gives a visit under way no window: a collector at the door when it closes still finishes it', () => {
    const visits = [visit(1, { status: 'arrived', windowStartMin: 540, windowEndMin: 600 }), visit(2, { windowStartMin: 540, windowEndMin: 600 })];
    expect(buildPlanningProblem({ collectors: [collector(1)], visits, warm: true }).jobs.map((j) => j.windows)).toEqual([undefined, [[32_400, 36_000]]]);
  });

  it('cold start keeps only the frozen head; visits just moved are left for construction', () => {
    const visits = [visit(1, { status: 'arrived' }), visit(2), visit(3)];
    expect(buildPlanningProblem({ collectors: [collector(1)], visits, warm: false }).initial).toEqual([[0]]);
    const moved = buildPlanningProblem({ collectors: [collector(1)], visits, warm: true, fresh: new Set([2]) });
    expect(moved.initial).toEqual([[0, 2]]);
    // The dispatcher's move outranks, even a visit at the top of the scale: if its new route is full, that shows
    // as another visit left out, and the move is refused (reassign-changes.ts `assertChangesKept`).
    expect(moved.jobs.map((j) => j.priority)).toEqual([50, 101, 50]);
    const top = buildPlanningProblem({ collectors: [collector(1)], visits: [visit(1, { priority: 100 }), visit(2, { priority: 100 })], warm: true, fresh: new Set([2]) });
    expect(top.jobs[1].priority!).toBeGreaterThan(top.jobs[0].priority!);
  });

  it("keeps every visit with its collector in a dispatcher's change; a day's optimization shares them out", () => {
    const visits = [visit(1), visit(2), visit(3, { collectorId: 2 }), visit(4, { collectorId: 2, status: 'planned' }), visit(5, { collectorId: null, status: 'planned' })];
    // Visit 3 was just moved to collector 2: it stays there, and so does every other visit with its own collector.
    const change = buildPlanningProblem({ collectors: [collector(1), collector(2)], visits, warm: true, fresh: new Set([3]), keepCollectors: true });
    expect(change.jobs.map((j) => j.vehicle)).toEqual([0, 0, 1, 1, undefined]);
    const day = buildPlanningProblem({ collectors: [collector(1), collector(2)], visits, warm: false });
    expect(day.jobs.map((j) => j.vehicle)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
