import { describe, expect, it } from 'vitest';
import { checkSolution } from '../checker/check.ts';
import { caseOptions, listCases, readCase } from './cases.ts';
import { solveVroom } from './solve-case.ts';

describe('optimizer regression cases', () => {
  for (const name of listCases()) {
    it(`${name}: feasible and no worse than the recorded solution`, () => {
      const { problem, solution } = readCase(name);
      expect(solution, `${name}.solution.json missing: run record.ts`).toBeDefined();
      expect(checkSolution(problem, solution!)).toEqual([]);
      const output = solveVroom(problem, caseOptions);
      expect(checkSolution(problem, output)).toEqual([]);
      expect(output.summary.unassigned).toBeLessThanOrEqual(solution!.summary.unassigned);
      expect(output.summary.cost).toBeLessThanOrEqual(solution!.summary.cost);
    });
  }
});
