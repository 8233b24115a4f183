import { describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { lineProblem } from '../testing/line.ts';
import { nearestNeighbours } from './neighbors.ts';

describe('nearestNeighbours', () => {
  it('keeps the k closest jobs of each job, closest first, ties in job order, never itself', () => {
    const rng = new Random(3);
    // Few distinct points, so many jobs tie at the same distance.
    const points = [0, ...Array.from({ length: 40 }, () => rng.int(12))];
    const jobs = points.slice(1).map((_, i) => ({ location: i + 1 }));
    const problem = lineProblem(points, jobs, [{ start: 0, end: 0 }]);
    const distance = (a: number, b: number) => Math.abs(points[a + 1] - points[b + 1]);
    for (const k of [1, 7, 39, 60]) {
      const lists = nearestNeighbours(problem, k);
      lists.forEach((list, a) => {
        const expected = jobs
          .map((_, b) => b)
          .filter((b) => b !== a)
          .sort((x, y) => distance(a, x) - distance(a, y) || x - y)
          .slice(0, k);
        expect(Array.from(list), `job ${a}, k ${k}`).toEqual(expected);
      });
    }
  });
});
