import { describe, expect, it } from 'vitest';
import { buildProblem, solve } from '../routing/solver/index.ts';
import { practiceDay } from './solver-warm-up.ts';

describe('practiceDay', () => {
  it('is a day the solver serves whole, so that practice runs the paths of a full day (every visit placed, max visits binding)', () => {
    for (const breaks of [false, true]) {
      const result = solve(buildProblem(practiceDay(breaks)), { iterations: 50, seed: 1 });
      expect(result.unassigned).toEqual([]);
      expect(result.routes.some((r) => r.length === 14)).toBe(true);
      expect(result.breaks.length > 0).toBe(breaks);
    }
  });
});
