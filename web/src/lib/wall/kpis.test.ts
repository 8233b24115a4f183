import { describe, expect, it } from 'vitest';
import { computeKpis } from './kpis.ts';

describe('computeKpis', () => {
  const visits = [{ status: 'completed' }, { status: 'completed' }, { status: 'missed' }, { status: 'assigned' }, { status: 'cancelled' }] as const;

  it('counts completed over non-cancelled visits, active collectors and the goal ratio', () => {
    const k = computeKpis({ collected: 1500, goal: 6000, visits, states: ['moving', 'offline', 'idle', 'deviation', 'atVisit'], openEvents: 3 });
    expect(k).toEqual({
      collected: 1500,
      goal: 6000,
      goalPct: 25,
      visitsDone: 2,
      visitsPlanned: 4,
      activeCollectors: 4,
      collectors: 5,
      openEvents: 3,
    });
  });

  it('has no goal percentage without a goal, and passes 100 % on a good day', () => {
    expect(computeKpis({ collected: 10, goal: 0, visits: [], states: [], openEvents: 0 }).goalPct).toBeNull();
    expect(computeKpis({ collected: 150, goal: 100, visits: [], states: [], openEvents: 0 }).goalPct).toBe(150);
  });
});
