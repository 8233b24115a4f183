import { describe, expect, it } from 'vitest';
import type { PaymentOut } from '$contract/payment.ts';
import type { DoneVisit, PlanOut, PlanRoute, PlanStop } from '$contract/plan.ts';
import type { VisitOut, VisitStatus } from '$contract/visit.ts';
import { ownRoute } from './own-route.ts';

const ME = 7;
const OTHER = 8;

function stop(visitId: number, sequence: number, eta: string, priority = 50): PlanStop {
  return {
    visitId,
    visitVersion: 2,
    sequence,
    accountId: visitId,
    accountName: `Deudor ${visitId}`,
    address: `Calle ${visitId}`,
    lat: 20,
    lon: -103,
    status: 'assigned',
    priority,
    window: null,
    serviceMinutes: 10,
    locked: false,
    pinned: false,
    arrivalAt: eta,
    waitS: 0,
    eta,
    departureAt: eta,
    travelS: 0,
    distanceM: 0,
  };
}

function route(collectorId: number, stops: PlanStop[], done: DoneVisit[] = []): PlanRoute {
  const at = { lat: 20, lon: -103, at: '2030-03-12T14:00:00.000Z' };
  return { collectorId, collectorName: `C${collectorId}`, startKind: 'office', start: at, end: at, stops, done, distanceM: 0, durationS: 0, travelS: 0, serviceS: 0, waitS: 0, polyline: '' };
}

function plan(routes: PlanRoute[], teamId = 1): PlanOut {
  return {
    id: 1,
    teamId,
    date: '2030-03-12',
    version: 3,
    kind: 'optimize',
    provider: 'haversine',
    timeZone: 'America/Mexico_City',
    createdBy: 'x',
    createdAt: '2030-03-12T13:00:00.000Z',
    routes,
    unassigned: [],
    changedCollectorIds: [],
  };
}

function visit(id: number, over: Partial<VisitOut> = {}): VisitOut {
  return {
    id,
    accountId: id,
    accountName: `Deudor ${id}`,
    address: `Calle ${id}`,
    lat: 20,
    lon: -103,
    teamId: 1,
    collectorId: ME,
    date: '2030-03-12',
    priority: 50,
    priorityOverride: false,
    window: null,
    serviceMinutes: 10,
    status: 'assigned',
    outcome: null,
    note: null,
    version: 2,
    updatedBy: 'x',
    updatedAt: '2030-03-12T13:00:00.000Z',
    ...over,
  };
}

const visitsOf = (...vs: VisitOut[]) => new Map(vs.map((v) => [v.id, v]));
const summary = (r: ReturnType<typeof ownRoute>) => r?.stops.map((s) => `${s.number}:${s.visitId}:${s.state}`);

// Plan order is 12, 10, 11: the list follows the plan, not the ids.
const day = plan([route(OTHER, [stop(20, 1, '2030-03-12T15:00:00.000Z')]), route(ME, [stop(12, 1, '2030-03-12T15:00:00.000Z'), stop(10, 2, '2030-03-12T15:40:00.000Z', 80), stop(11, 3, '2030-03-12T16:20:00.000Z')])]);
const mine = () => [visit(10, { priority: 80 }), visit(11), visit(12)];

describe('ownRoute', () => {
  it("lists the collector's own route in the plan's order, the first open stop next, with the plan's ETAs and time zone", () => {
    const r = ownRoute([day], ME, visitsOf(...mine()));
    expect(summary(r)).toEqual(['1:12:next', '2:10:pending', '3:11:pending']);
    expect(r!.timeZone).toBe('America/Mexico_City');
    expect(r!.stops.map((s) => s.etaMs)).toEqual([Date.parse('2030-03-12T15:00:00.000Z'), Date.parse('2030-03-12T15:40:00.000Z'), Date.parse('2030-03-12T16:20:00.000Z')]);
    expect(r!.stops.map((s) => [s.accountName, s.address, s.highPriority])).toEqual([
      ['Deudor 12', 'Calle 12', false],
      ['Deudor 10', 'Calle 10', true],
      ['Deudor 11', 'Calle 11', false],
    ]);
  });

  it('is null with no collector, no plan, or no route of theirs in the plans', () => {
    expect(ownRoute([day], null, visitsOf(...mine()))).toBeNull();
    expect(ownRoute([], ME, visitsOf(...mine()))).toBeNull();
    expect(ownRoute([plan([route(OTHER, [stop(20, 1, '2030-03-12T15:00:00.000Z')])])], ME, visitsOf(...mine()))).toBeNull();
  });

  it('marks visits done and missed by their live status, newer than the plan, and moves next on to the first still open', () => {
    const at = (status: VisitStatus, updatedAt: string) => ({ status, version: 3, updatedAt });
    const r = ownRoute([day], ME, visitsOf(visit(12, at('completed', '2030-03-12T15:20:00.000Z')), visit(10, { priority: 80, ...at('missed', '2030-03-12T15:50:00.000Z') }), visit(11)));
    expect(summary(r)).toEqual(['1:12:done', '2:10:missed', '3:11:next']);
    expect(r!.stops[0].doneAtMs).toBe(Date.parse('2030-03-12T15:20:00.000Z'));
    // A live visit older than the plan's copy does not undo it.
    const stale = ownRoute([day], ME, visitsOf(visit(12, { status: 'completed', version: 1 }), ...mine().slice(0, 2)));
    expect(summary(stale)).toEqual(['1:12:next', '2:10:pending', '3:11:pending']);
  });

  it('puts the visits done before this version of the plan first, in the order they were done', () => {
    const done = (visitId: number, doneAt: string, status: 'completed' | 'missed'): DoneVisit => ({
      visitId,
      visitVersion: 4,
      accountId: visitId,
      accountName: `Deudor ${visitId}`,
      address: `Calle ${visitId}`,
      lat: 20,
      lon: -103,
      status,
      window: null,
      doneAt,
    });
    const replanned = plan([route(ME, [stop(11, 1, '2030-03-12T16:20:00.000Z')], [done(10, '2030-03-12T15:30:00.000Z', 'missed'), done(12, '2030-03-12T15:10:00.000Z', 'completed')])]);
    const visits = visitsOf(visit(12, { status: 'completed', version: 4 }), visit(10, { status: 'missed', version: 4 }), visit(11));
    const r = ownRoute([replanned], ME, visits);
    expect(summary(r)).toEqual(['1:12:done', '2:10:missed', '3:11:next']);
    expect(r!.stops.map((s) => s.etaMs)).toEqual([null, null, Date.parse('2030-03-12T16:20:00.000Z')]);
  });

  it('says where each stop is, for the map: the plan\'s place, else the live visit\'s, else none', () => {
    const placed = plan([route(ME, [{ ...stop(11, 1, '2030-03-12T16:20:00.000Z'), lon: -103.3, lat: 20.7 }], [
      { visitId: 12, visitVersion: 4, accountId: 12, accountName: 'Deudor 12', address: 'Calle 12', lat: 20.6, lon: -103.2, status: 'completed', window: null, doneAt: '2030-03-12T15:10:00.000Z' },
      { visitId: 10, visitVersion: 4, accountId: 10, accountName: 'Deudor 10', address: 'Calle 10', lat: null, lon: null, status: 'missed', window: null, doneAt: '2030-03-12T15:30:00.000Z' },
    ])]);
    const r = ownRoute([placed], ME, visitsOf(visit(11), visit(12, { status: 'completed', version: 4 }), visit(10, { status: 'missed', version: 4, lat: null, lon: null })));
    expect(r!.stops.map((s) => [s.visitId, s.at])).toEqual([
      [12, [-103.2, 20.6]],
      [10, null],
      [11, [-103.3, 20.7]],
    ]);
    const fromVisit = ownRoute([placed], ME, visitsOf(visit(11), visit(12, { status: 'completed', version: 4 }), visit(10, { status: 'missed', version: 4, lat: 20.5, lon: -103.1 })));
    expect(fromVisit!.stops.find((s) => s.visitId === 10)!.at).toEqual([-103.1, 20.5]);
  });

  it('drops a stop whose visit was moved to another collector or cancelled, before the new plan arrives', () => {
    const moved = ownRoute([day], ME, visitsOf(visit(10, { priority: 80, collectorId: OTHER, version: 3 }), visit(11), visit(12)));
    expect(summary(moved)).toEqual(['1:12:next', '2:11:pending']);
    // Their wall forgets a visit taken from them (records.ts viewerHolds): gone from the map, gone from the list.
    const forgotten = ownRoute([day], ME, visitsOf(visit(11), visit(12)));
    expect(summary(forgotten)).toEqual(['1:12:next', '2:11:pending']);
    const cancelled = ownRoute([day], ME, visitsOf(visit(10), visit(11), visit(12, { status: 'cancelled', version: 3 })));
    expect(summary(cancelled)).toEqual(['1:10:next', '2:11:pending']);
  });

  it('says what was collected at each stop, summed per currency, whatever the order the payments came in', () => {
    let receipt = 0;
    const payment = (visitId: number | null, ts: string, amount: number, currency = 'MXN'): PaymentOut => ({
      id: `p${++receipt}`,
      visitId,
      accountId: visitId ?? 99,
      teamId: 1,
      collectorId: ME,
      ts,
      amount,
      currency,
      method: 'cash',
      receiptNumber: receipt,
      clientReceipt: null,
    });
    const payments = [
      payment(12, '2030-03-12T15:30:00.000Z', 150.5),
      payment(12, '2030-03-12T15:20:00.000Z', 20, 'USD'),
      payment(12, '2030-03-12T15:10:00.000Z', 500),
      // At the office, and at another collector's visit: no stop of theirs.
      payment(null, '2030-03-12T15:40:00.000Z', 80),
      payment(20, '2030-03-12T15:40:00.000Z', 80),
    ];
    const r = ownRoute([day], ME, visitsOf(visit(12, { status: 'completed', version: 3 }), visit(10, { priority: 80 }), visit(11)), payments);
    expect(r!.stops.map((s) => [s.visitId, s.paid])).toEqual([
      [12, [{ currency: 'MXN', amount: 650.5 }, { currency: 'USD', amount: 20 }]],
      [10, []],
      [11, []],
    ]);
  });
});
