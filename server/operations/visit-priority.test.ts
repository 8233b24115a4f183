import { describe, expect, it } from 'vitest';
import { visitPriority } from './visit-priority.ts';

const now = new Date('2026-11-23T12:00:00Z');
const base = { balanceDue: 0, daysPastDue: 0, brokenPromises: 0, lastContactAt: now, now };

describe('visitPriority', () => {
  it('is 0 for a current account with nothing due contacted today, 100 at every cap', () => {
    expect(visitPriority(base)).toBe(0);
    expect(visitPriority({ balanceDue: 99_999, daysPastDue: 200, brokenPromises: 5, lastContactAt: null, now })).toBe(100);
  });

  it('weighs each factor as documented', () => {
    expect(visitPriority({ ...base, daysPastDue: 60 })).toBe(20);
    expect(visitPriority({ ...base, balanceDue: 999 })).toBe(15);
    expect(visitPriority({ ...base, brokenPromises: 1 })).toBe(7);
    expect(visitPriority({ ...base, lastContactAt: new Date('2026-11-08T12:00:00Z') })).toBe(8);
  });

  it('rises with each broken promise', () => {
    const p = [0, 1, 2, 3].map((brokenPromises) => visitPriority({ ...base, daysPastDue: 45, balanceDue: 5000, brokenPromises }));
    expect(p).toEqual([33, 40, 47, 53]);
  });
});
