import { describe, expect, it } from 'vitest';
import type { DoneVisit, PlanOut, PlanRoute, PlanStop } from '$contract/plan.ts';
import {
  OPEN_STATUSES,
  conflictAuthor,
  conflictKind,
  dayNumbers,
  dropIndex,
  droppedVisits,
  isNewerPlan,
  lateMinutes,
  localDate,
  mergeWaiting,
  newestOfDay,
  openIndexOf,
  placementOf,
  reorderedIds,
  routeDay,
  routeDeltas,
} from './board-plan.ts';
import type { VisitOut } from '$contract/visit.ts';

function stop(visitId: number, status: PlanStop['status'] = 'assigned'): PlanStop {
  return {
    visitId,
    visitVersion: 1,
    sequence: 0,
    accountId: visitId,
    accountName: `Deudor ${visitId}`,
    address: '',
    lat: 20,
    lon: -103,
    status,
    priority: 50,
    window: null,
    serviceMinutes: 10,
    locked: false,
    pinned: false,
    arrivalAt: '2030-03-12T15:00:00.000Z',
    waitS: 0,
    eta: '2030-03-12T15:00:00.000Z',
    departureAt: '2030-03-12T15:10:00.000Z',
    travelS: 0,
    distanceM: 0,
  };
}

function route(collectorId: number, stops: PlanStop[]): PlanRoute {
  const at = { lat: 20, lon: -103, at: '2030-03-12T14:00:00.000Z' };
  return { collectorId, collectorName: `C${collectorId}`, startKind: 'office', start: at, end: at, stops, distanceM: 0, durationS: 0, travelS: 0, serviceS: 0, waitS: 0, polyline: '' };
}

const plan = (version: number, teamId = 1, date = '2030-03-12'): PlanOut => ({
  id: version,
  teamId,
  date,
  version,
  kind: 'optimize',
  provider: 'haversine',
  timeZone: 'America/Mexico_City',
  createdBy: 'x',
  createdAt: '2030-03-12T13:00:00.000Z',
  routes: [route(7, [stop(1), stop(2)]), route(8, [stop(3, 'completed'), stop(4), stop(5)])],
  unassigned: [{ visitId: 9, accountName: 'Deudor 9', priority: 80, reason: 'window' }],
  changedCollectorIds: [],
});

describe('placementOf', () => {
  it('finds a visit on its route or among the unassigned', () => {
    expect(placementOf(plan(1), 4)).toMatchObject({ collectorId: 8, index: 1, stop: { visitId: 4 } });
    expect(placementOf(plan(1), 9)).toEqual({ collectorId: null, stop: null, index: 0 });
    expect(placementOf(plan(1), 99)).toBeNull();
  });
});

/** Open by the plan's own copy of each status: a board that has heard of no change since the plan. */
const asPlanned = (s: PlanStop) => OPEN_STATUSES.has(s.status);

describe('reorderedIds', () => {
  const r = route(8, [stop(3, 'completed'), stop(4), stop(5), stop(6, 'en_route')]);

  it('moves a visit among the open ones and leaves done visits out of the request', () => {
    expect(reorderedIds(r, asPlanned, 6, 0)).toEqual([6, 4, 5]);
    expect(reorderedIds(r, asPlanned, 4, 1)).toEqual([5, 4, 6]);
    expect(reorderedIds(r, asPlanned, 4, 2)).toEqual([5, 6, 4]);
  });

  it('clamps the target index and ignores a visit that is not open on the route', () => {
    expect(reorderedIds(r, asPlanned, 4, 99)).toEqual([5, 6, 4]);
    expect(reorderedIds(r, asPlanned, 5, -3)).toEqual([5, 4, 6]);
    expect(reorderedIds(r, asPlanned, 3, 0)).toEqual([4, 5, 6]);
  });

  it('indexes among open visits, as reorderedIds expects', () => {
    expect(openIndexOf(r, asPlanned, 5)).toBe(1);
    expect(openIndexOf(r, asPlanned, 3)).toBe(-1);
  });

  it('leaves out a visit finished since the plan was made, by the status the board knows now', () => {
    // The plan still says "assigned" for visit 4; the live stream said it was completed.
    const now = (s: PlanStop) => s.visitId !== 4 && asPlanned(s);
    expect(reorderedIds(r, now, 6, 0)).toEqual([6, 5]);
    expect(reorderedIds(r, now, 5, 1)).toEqual([6, 5]);
    expect(openIndexOf(r, now, 5)).toBe(0);
    expect(reorderedIds(r, now, 6, dropIndex(r, now, 6, 4))).toEqual([6, 5]);
  });
});

describe('dropIndex', () => {
  const r = route(8, [stop(3, 'completed'), stop(4), stop(5), stop(6)]);

  it('puts the dragged visit before the card it is dropped on, or last', () => {
    expect(reorderedIds(r, asPlanned, 6, dropIndex(r, asPlanned, 6, 4))).toEqual([6, 4, 5]);
    expect(reorderedIds(r, asPlanned, 4, dropIndex(r, asPlanned, 4, 6))).toEqual([5, 4, 6]);
    expect(reorderedIds(r, asPlanned, 4, dropIndex(r, asPlanned, 4, null))).toEqual([5, 6, 4]);
  });

  it('on a visit already done, lands before the next open one; on itself, stays', () => {
    expect(reorderedIds(r, asPlanned, 5, dropIndex(r, asPlanned, 5, 3))).toEqual([5, 4, 6]);
    expect(reorderedIds(r, asPlanned, 5, dropIndex(r, asPlanned, 5, 5))).toEqual([4, 5, 6]);
  });

  it('on a visit done before a re-plan, or one finished later in the route, goes first: the column shows them all above the open ones', () => {
    const later = route(8, [stop(4), stop(5), stop(3, 'completed'), stop(6)]);
    expect(reorderedIds(later, asPlanned, 6, dropIndex(later, asPlanned, 6, 3))).toEqual([6, 4, 5]);
    const replanned = { ...route(8, [stop(4), stop(5), stop(6)]), done: [done(2, '2030-03-12T15:00:00.000Z')] };
    expect(reorderedIds(replanned, asPlanned, 5, dropIndex(replanned, asPlanned, 5, 2))).toEqual([5, 4, 6]);
  });
});

function done(visitId: number, doneAt: string, status: DoneVisit['status'] = 'completed'): DoneVisit {
  return { visitId, visitVersion: 3, accountId: visitId, accountName: `Deudor ${visitId}`, address: '', lat: 20, lon: -103, status, window: null, doneAt };
}

describe('routeDay', () => {
  const fromPlan = (_: number, at: string | undefined) => (at === undefined ? null : Date.parse(at));

  it("is the collector's whole day: the visits done before the re-plan and since, in the order they were done, then the open ones in the plan's order", () => {
    const r = {
      ...route(8, [{ ...stop(4, 'missed'), doneAt: '2030-03-12T15:30:00.000Z' }, stop(5), stop(6)]),
      done: [done(2, '2030-03-12T15:00:00.000Z'), done(3, '2030-03-12T16:00:00.000Z', 'missed')],
    };
    const day = routeDay(r, (s) => s.status, fromPlan);
    expect(day.finished.map((f) => [f.visitId, f.status, f.doneAtMs])).toEqual([
      [2, 'completed', Date.parse('2030-03-12T15:00:00.000Z')],
      [4, 'missed', Date.parse('2030-03-12T15:30:00.000Z')],
      [3, 'missed', Date.parse('2030-03-12T16:00:00.000Z')],
    ]);
    expect(day.open.map((s) => s.visitId)).toEqual([5, 6]);
  });

  it('takes a visit closed since the plan by the status the board knows now, its time from the live stream, or last while none is known', () => {
    const r = { ...route(8, [stop(4), stop(5), stop(6)]), done: [done(2, '2030-03-12T15:00:00.000Z')] };
    const live = new Map([[6, Date.parse('2030-03-12T14:00:00.000Z')]]);
    const day = routeDay(r, (s) => (s.visitId === 4 || s.visitId === 6 ? 'completed' : s.status), (id, at) => (at ? Date.parse(at) : (live.get(id) ?? null)));
    expect(day.finished.map((f) => f.visitId)).toEqual([6, 2, 4]);
    expect(day.open.map((s) => s.visitId)).toEqual([5]);
  });
});

describe('dayNumbers', () => {
  it('numbers the day as it goes, whatever the plan says: closed visits first (not cancelled ones), then the open ones', () => {
    // A re-plan restarts the plan's sequence at its first open stop; an untouched route counts its done ones. Both read the same here.
    const fromPlan = (_: number, at: string | undefined) => (at === undefined ? null : Date.parse(at));
    const replanned = { ...route(8, [{ ...stop(5), sequence: 1 }, { ...stop(6), sequence: 2 }]), done: [done(2, '2030-03-12T15:00:00.000Z'), done(3, '2030-03-12T16:00:00.000Z', 'missed')] };
    const untouched = route(8, [{ ...stop(2, 'completed'), sequence: 1, doneAt: '2030-03-12T15:00:00.000Z' }, { ...stop(3, 'missed'), sequence: 2, doneAt: '2030-03-12T16:00:00.000Z' }, { ...stop(5), sequence: 3 }, { ...stop(6), sequence: 4 }]);
    const expected = [[2, 1], [3, 2], [5, 3], [6, 4]];
    expect([...dayNumbers(routeDay(replanned, (s) => s.status, fromPlan))]).toEqual(expected);
    expect([...dayNumbers(routeDay(untouched, (s) => s.status, fromPlan))]).toEqual(expected);
    const withCancelled = route(8, [{ ...stop(4, 'cancelled'), doneAt: '2030-03-12T14:00:00.000Z' }, stop(5), stop(6)]);
    expect([...dayNumbers(routeDay(withCancelled, (s) => s.status, fromPlan))]).toEqual([[5, 1], [6, 2]]);
  });
});

describe('droppedVisits', () => {
  it("names the visits the new plan took off a route, with whose route it was; not those waiting from before", () => {
    const p = { ...plan(2), unassigned: [{ visitId: 9, accountName: 'Deudor 9', priority: 80, reason: 'window' as const }, { visitId: 10, accountName: 'Deudor 10', priority: 50, reason: 'shift_full' as const, fromCollectorId: 8 }] };
    expect(droppedVisits(p)).toEqual([{ visitId: 10, accountName: 'Deudor 10', collectorName: 'C8' }]);
  });
});

describe('isNewerPlan', () => {
  it('takes only a later version of the team and day on screen', () => {
    expect(isNewerPlan(null, plan(1), 1, '2030-03-12')).toBe(true);
    expect(isNewerPlan(plan(2), plan(3), 1, '2030-03-12')).toBe(true);
    expect(isNewerPlan(plan(3), plan(3), 1, '2030-03-12')).toBe(false);
    expect(isNewerPlan(plan(3), plan(2), 1, '2030-03-12')).toBe(false);
    expect(isNewerPlan(plan(1), plan(5, 2), 1, '2030-03-12')).toBe(false);
    expect(isNewerPlan(plan(1), plan(5, 1, '2030-03-13'), 1, '2030-03-12')).toBe(false);
  });
});

describe('conflictAuthor', () => {
  it("reads who changed the visit and when from the server's 409 message", () => {
    const message =
      'visit 12 was changed by Dora Dispatcher (dispatcher) at 2030-03-12T15:04:05.123Z (it is now version 4, your change was made on version 3); reload the plan and try again';
    expect(conflictAuthor(message)).toEqual({ by: 'Dora Dispatcher (dispatcher)', at: new Date('2030-03-12T15:04:05.123Z') });
  });

  it('is null for the other conflicts', () => {
    expect(conflictAuthor("visit 12 is not on collector 3's route; move it there first")).toBeNull();
    expect(conflictAuthor('visit 12 is completed; it can no longer be reassigned')).toBeNull();
  });
});

describe('conflictKind', () => {
  it("blames another person's edit only for a version conflict; says what else happened otherwise", () => {
    expect(conflictKind('version')).toBe('version');
    expect(conflictKind('closed')).toBe('closed');
    expect(conflictKind('not_on_route')).toBe('not_on_route');
    // The day changed while the re-plan was computed (plan.service.ts `store`): nobody to name.
    expect(conflictKind('changed')).toBe('changed');
    // Another 409 (the day has no plan yet) is no such case: the board shows the server's words.
    expect(conflictKind(undefined)).toBeNull();
  });
});

describe('localDate', () => {
  it("is the team's calendar day, not UTC's", () => {
    expect(localDate('America/Mexico_City', new Date('2030-03-13T03:00:00Z'))).toBe('2030-03-12');
    expect(localDate('UTC', new Date('2030-03-13T03:00:00Z'))).toBe('2030-03-13');
  });
});

describe('mergeWaiting', () => {
  const DAY = { teamId: 1, date: '2026-03-02' };
  const visit = (id: number, version: number, collectorId: number | null, status: VisitOut['status'] = collectorId === null ? 'planned' : 'assigned', teamId = 1) =>
    ({ id, version, collectorId, status, teamId, date: DAY.date }) as VisitOut;

  it('keeps a visit created after the list was read, and drops one assigned meanwhile', () => {
    const fetched = [visit(1, 1, null), visit(2, 3, null)];
    const live = [visit(5, 1, null), visit(2, 4, 7)];
    expect([...mergeWaiting(fetched, live, DAY).keys()]).toEqual([1, 5]);
  });

  it('trusts the list where it is newer than the event', () => {
    const fetched = [visit(2, 5, null)];
    expect([...mergeWaiting(fetched, [visit(2, 4, 7)], DAY).keys()]).toEqual([2]);
    expect(mergeWaiting([visit(3, 2, 7)], [visit(3, 1, null)], DAY).size).toBe(0);
  });

  it('leaves out the visits of the list that are not waiting', () => {
    expect(mergeWaiting([visit(1, 1, 7, 'planned'), visit(2, 1, null, 'cancelled')], [], DAY).size).toBe(0);
  });

  it("drops a visit the list still has when its newest event is another team's or day's (its account moved), and keeps the one that came", () => {
    const fetched = [visit(1, 2, null), visit(2, 1, null)];
    const live = [visit(1, 3, null, 'planned', 9), { ...visit(2, 2, null), date: '2026-03-03' }, visit(6, 3, null)];
    expect([...mergeWaiting(fetched, live, DAY).keys()]).toEqual([6]);
    expect([...newestOfDay([visit(4, 1, 7)], [visit(4, 2, null, 'planned', 9)], { teamId: 9, date: DAY.date }).keys()]).toEqual([4]);
  });
});

describe('routeDeltas', () => {
  it('compares each re-planned route with the version shown before', () => {
    const before = plan(1);
    const after = plan(2);
    after.routes = after.routes.map((r) => (r.collectorId === 8 ? { ...r, distanceM: r.distanceM + 1500, end: { ...r.end, at: '2030-03-12T14:12:00.000Z' } } : r));
    after.changedCollectorIds = [8];
    expect(routeDeltas(before, after)).toEqual(new Map([[8, { distanceM: 1500, endS: 720 }]]));
  });

  it('is empty for a first plan, and skips a collector new to the plan', () => {
    expect(routeDeltas(null, { ...plan(1), changedCollectorIds: [7] }).size).toBe(0);
    expect(routeDeltas(plan(1), { ...plan(2), changedCollectorIds: [99] }).size).toBe(0);
  });
});

describe('late visits on the board', () => {
  const eta = Date.parse('2026-11-30T17:00:00Z');
  it('marks a visit not yet reached ten minutes after its ETA, in whole minutes', () => {
    expect(lateMinutes('assigned', eta, eta + 9 * 60_000)).toBeNull();
    expect(lateMinutes('assigned', eta, eta + 10 * 60_000)).toBe(10);
    expect(lateMinutes('en_route', eta, eta + 25.5 * 60_000)).toBe(25);
  });
  it('does not mark a visit the collector reached or closed', () => {
    for (const status of ['arrived', 'completed', 'missed', 'cancelled'] as const) expect(lateMinutes(status, eta, eta + 3_600_000)).toBeNull();
  });
});
