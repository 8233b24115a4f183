import { describe, expect, it } from 'vitest';
import { computeKpis, totalsByCurrency } from './kpis.ts';

describe('computeKpis', () => {
  const visits = [{ status: 'completed' }, { status: 'completed' }, { status: 'missed' }, { status: 'assigned' }, { status: 'cancelled' }] as const;

  it('counts completed over non-cancelled visits, collectors reporting and the goal ratio', () => {
    const k = computeKpis({ money: [{ currency: 'MXN', collected: 1500, goal: 6000 }], visits, reporting: [true, false, true, true, true], openEvents: 3 });
    expect(k).toEqual({
      currency: 'MXN',
      collected: 1500,
      goal: 6000,
      goalPct: 25,
      visitsDone: 2,
      visitsPlanned: 4,
      activeCollectors: 4,
      collectors: 5,
      openEvents: 3,
      otherMoney: [],
    });
  });

  it('has no goal percentage without a goal, and passes 100 % on a good day', () => {
    const money = (collected: number, goal: number) => [{ currency: 'MXN', collected, goal }];
    expect(computeKpis({ money: money(10, 0), visits: [], reporting: [], openEvents: 0 }).goalPct).toBeNull();
    expect(computeKpis({ money: money(150, 100), visits: [], reporting: [], openEvents: 0 }).goalPct).toBe(150);
  });
});

describe('totalsByCurrency', () => {
  const mxn = (collected: number, goal: number) => ({ currency: 'MXN', collected, goal });
  const usd = (collected: number, goal: number) => ({ currency: 'USD', collected, goal });

  it('never adds pesos to dollars; the person\'s currency leads while it has money in view', () => {
    expect(totalsByCurrency([mxn(100, 500), usd(75, 80), mxn(50, 0), usd(5, 0)], 'MXN')).toEqual([mxn(150, 500), usd(80, 80)]);
  });

  it('leads with the currency that has the goal when the person\'s has nothing in view (a dollar team on a peso wall)', () => {
    expect(totalsByCurrency([usd(75, 80)], 'MXN')).toEqual([usd(75, 80)]);
    expect(totalsByCurrency([usd(1, 10), { currency: 'EUR', collected: 0, goal: 40 }], 'MXN').map((m) => m.currency)).toEqual(['EUR', 'USD']);
  });

  it('is the person\'s currency at zero when nothing is in view', () => {
    expect(totalsByCurrency([], 'MXN')).toEqual([mxn(0, 0)]);
  });
});
