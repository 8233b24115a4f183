import { describe, expect, it } from 'vitest';
import type { EventOut, EventType } from '$contract/event.ts';
import { deviatingCollectors } from './deviations.ts';

let nextId = 1;
function event(collectorId: number, type: EventType, extra: Partial<EventOut> = {}): EventOut {
  return {
    id: nextId++,
    type,
    severity: 'warning',
    teamId: 1,
    collectorId,
    visitId: null,
    openedAt: '2026-11-23T17:00:00.000Z',
    closedAt: null,
    details: {},
    acknowledgedBy: null,
    acknowledgedAt: null,
    ...extra,
  };
}

describe('deviatingCollectors', () => {
  it('marks collectors with an open route deviation: off route, long stop, visits out of order or skipped, check-in trouble', () => {
    const types: EventType[] = ['off_route', 'long_stop', 'visit_out_of_order', 'visit_skipped', 'arrived_no_checkin', 'checkin_without_presence'];
    expect(deviatingCollectors(types.map((type, i) => event(i + 1, type)))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it('does not mark a collector for an alert about the device or the driving (low battery, offline, speeding)', () => {
    expect(deviatingCollectors([event(1, 'low_battery', { severity: 'info' }), event(2, 'offline', { severity: 'critical' }), event(3, 'speeding')])).toEqual(new Set());
  });

  it('lets go of a deviation a supervisor has acknowledged, and of one that has closed', () => {
    const acked = event(1, 'off_route', { acknowledgedBy: 'Supervisora Centro', acknowledgedAt: '2026-11-23T17:05:00.000Z' });
    const closed = event(2, 'long_stop', { closedAt: '2026-11-23T17:20:00.000Z' });
    expect(deviatingCollectors([acked, closed, event(3, 'visit_skipped')])).toEqual(new Set([3]));
  });
});
