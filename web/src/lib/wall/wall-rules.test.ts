import { describe, expect, it } from 'vitest';
import type { EventOut } from '$contract/event.ts';
import type { PaymentOut } from '$contract/payment.ts';
import { AT_VISIT_RADIUS_M, isAtVisit } from './at-visit.ts';
import { STALE_AFTER_MS, linkState, staleAfterFor } from './link-state.ts';
import { feedOrder, mergePayments, viewerHolds } from './records.ts';
import { collectorInScope } from './zone.ts';

// 0.0001° of latitude ≈ 11.1 m.
const HOME = { lat: 20.67, lon: -103.35 };
const metersNorth = (m: number) => HOME.lat + m / 111_195;

describe('isAtVisit', () => {
  const open = [{ ...HOME, status: 'en_route' as const }];

  it('is at a visit when stopped within AT_VISIT_RADIUS_M of an open one', () => {
    expect(isAtVisit(metersNorth(AT_VISIT_RADIUS_M - 5), HOME.lon, 0, open)).toBe(true);
    expect(isAtVisit(metersNorth(AT_VISIT_RADIUS_M + 5), HOME.lon, 0, open)).toBe(false);
  });

  it('is not at a visit while driving past it, nor near one already done', () => {
    expect(isAtVisit(HOME.lat, HOME.lon, 25, open)).toBe(false);
    expect(isAtVisit(HOME.lat, HOME.lon, 0, [{ ...HOME, status: 'completed' }])).toBe(false);
  });

  it('trusts the phone’s "arrived" wherever the fix is', () => {
    expect(isAtVisit(metersNorth(500), HOME.lon, 10, [{ lat: null, lon: null, status: 'arrived' }])).toBe(true);
  });
});

describe('feedOrder', () => {
  const event = (id: number, severity: EventOut['severity'], openedAt: string) => ({ id, severity, openedAt }) as EventOut;

  it('puts critical first, then the newest', () => {
    const sorted = [event(1, 'info', '2026-11-23T18:05:00Z'), event(2, 'critical', '2026-11-23T18:00:00Z'), event(3, 'warning', '2026-11-23T18:01:00Z'), event(4, 'critical', '2026-11-23T18:02:00Z')].sort(feedOrder);
    expect(sorted.map((e) => e.id)).toEqual([4, 2, 3, 1]);
  });
});

describe('mergePayments', () => {
  const payment = (id: string, ts: string) => ({ id, ts, amount: 100 }) as PaymentOut;

  it('keeps one entry per payment id, newest first, at most the ticker size', () => {
    const merged = mergePayments([payment('a', '2026-11-23T18:00:00Z')], [payment('b', '2026-11-23T18:02:00Z'), payment('a', '2026-11-23T18:00:00Z'), payment('c', '2026-11-23T18:01:00Z')], 2);
    expect(merged.map((p) => p.id)).toEqual(['b', 'c']);
  });
});

describe('linkState', () => {
  const NOW = 1_000_000;

  it('says stale when connected but silent for longer than the limit', () => {
    expect(linkState('connected', NOW - 10_000, NOW, 10_000)).toBe('connected');
    expect(linkState('connected', NOW - 10_001, NOW, 10_000)).toBe('stale');
    expect(linkState('connected', 0, NOW, 10_000)).toBe('connected'); // nothing yet: not stale, just starting
    expect(linkState('reconnecting', NOW, NOW, 10_000)).toBe('reconnecting');
  });

  it("never calls a collector's own day stale for silence alone: their phone may report once a minute; a lost link still shows", () => {
    expect(linkState('connected', NOW - 5 * 60_000, NOW, staleAfterFor('collector'))).toBe('connected');
    expect(linkState('reconnecting', NOW, NOW, staleAfterFor('collector'))).toBe('reconnecting');
    expect(linkState('connected', NOW - 60_000, NOW, staleAfterFor('supervisor'))).toBe('stale');
    expect(staleAfterFor(undefined)).toBe(STALE_AFTER_MS);
  });
});

describe('collectorInScope', () => {
  const zone: [number, number, number, number] = [-103.4, 20.6, -103.3, 20.7];

  it('filters by team and by the area on screen', () => {
    expect(collectorInScope({ teamId: null, zone: null }, null, null)).toBe(true);
    expect(collectorInScope({ teamId: 2, zone: null }, 3, HOME)).toBe(false);
    expect(collectorInScope({ teamId: 2, zone }, 2, HOME)).toBe(true);
    expect(collectorInScope({ teamId: null, zone }, 2, { lat: 20.8, lon: -103.35 })).toBe(false);
    expect(collectorInScope({ teamId: null, zone }, 2, null)).toBe(false);
  });
});

describe('viewerHolds', () => {
  it("keeps a collector's wall to their own visits: one taken from them leaves it; the office's walls keep every visit", () => {
    const ana = { role: 'collector' as const, collectorId: 7 };
    expect(viewerHolds(ana, { collectorId: 7 })).toBe(true);
    expect(viewerHolds(ana, { collectorId: 8 })).toBe(false);
    expect(viewerHolds(ana, { collectorId: null })).toBe(false);
    expect(viewerHolds({ role: 'supervisor', collectorId: null }, { collectorId: 8 })).toBe(true);
    expect(viewerHolds({ role: 'dispatcher', collectorId: null }, { collectorId: null })).toBe(true);
  });
});
