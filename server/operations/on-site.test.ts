import { describe, expect, it } from 'vitest';
import { presenceAt, type Fix } from './on-site.ts';

const HOME: [number, number] = [-103.35, 20.67];
const OPTS = { radiusM: 150, presenceWindowMin: 10 };
const T = Date.parse('2026-11-20T16:00:00Z');
const MIN = 60_000;
/** 0.01° of latitude ≈ 1.1 km: far from home. */
const at = (minutesBefore: number, far = false): Fix => ({ ms: T - minutesBefore * MIN, lat: far ? 20.68 : 20.6701, lon: -103.35 });

describe('time on site before a check-in', () => {
  it('runs from the first fix of the unbroken stay at the address to the check-in', () => {
    const fixes = [at(30, true), at(20, true), at(12), at(8), at(4), at(1)];
    expect(presenceAt(fixes, HOME, T, OPTS)).toEqual({ present: true, onSiteS: 12 * 60 });
  });

  it('a coverage gap longer than ten minutes ends the stay: only what follows it counts', () => {
    const fixes = [at(40), at(25), at(9), at(3)];
    expect(presenceAt(fixes, HOME, T, OPTS).onSiteS).toBe(9 * 60);
  });

  it('a check-in made away from the address after leaving it counts the stay up to the check-in', () => {
    const fixes = [at(15), at(9), at(5), at(2, true)];
    expect(presenceAt(fixes, HOME, T, OPTS)).toEqual({ present: true, onSiteS: 15 * 60 });
  });

  it('no fix at the address in the minutes before the check-in: presence maybe, time unknown', () => {
    expect(presenceAt([at(30), at(20, true), at(1, true)], HOME, T, OPTS)).toEqual({ present: false, onSiteS: null });
    // Arrived only after checking in (a phone clock slightly ahead): present, but nothing to measure.
    expect(presenceAt([at(5, true), { ms: T + 2 * MIN, lat: 20.6701, lon: -103.35 }], HOME, T, OPTS)).toEqual({ present: true, onSiteS: null });
  });

  it('no trail at all', () => {
    expect(presenceAt([], HOME, T, OPTS)).toEqual({ present: false, onSiteS: null });
  });
});
