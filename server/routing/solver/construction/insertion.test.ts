import { describe, expect, it } from 'vitest';
import { buildProblem, type JobSpec } from '../problem/spec.ts';
import { Random } from '../random.ts';
import { Route } from '../solution/route.ts';
import { Solution } from '../solution/solution.ts';
import { lineProblem } from '../testing/line.ts';
import { insertGreedy, insertionCost } from './insertion.ts';

/**
 * insertionCost's O(1) answer (walking only the breaks right after the gap)
 * must agree with timing the route with the job inserted from scratch, for
 * visits and for breaks, before, between and after breaks.
 */
describe('insertionCost', () => {
  it('agrees with a from-scratch evaluation on routes holding breaks', () => {
    const rng = new Random(5);
    const n = 30;
    const points = Array.from({ length: n }, () => [rng.int(100), rng.int(100)]);
    const m = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) m[a * n + b] = Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]);
    const jobs: JobSpec[] = Array.from({ length: n - 1 }, (_, i) => {
      const open = rng.int(600);
      return { location: i + 1, service: 5 + rng.int(10), windows: i % 3 === 0 ? undefined : [[open, open + 300]] };
    });
    const p = buildProblem({
      size: n,
      durations: [m],
      jobs,
      vehicles: [{ start: 0, end: 0, shift: [0, 1500], breaks: [{ windows: [[200, 300]], service: 30 }, { service: 10 }, { windows: [[450, 520]], service: 20 }] }],
    });
    const breaks = [p.userJobCount, p.userJobCount + 1, p.userJobCount + 2];
    let finite = 0;
    let checked = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const visits = rng.shuffle(Array.from({ length: p.userJobCount }, (_, j) => j)).slice(0, 3 + rng.int(7));
      const inRoute = visits.slice(1);
      const held = breaks.filter(() => rng.next() < 0.7);
      for (const b of held) inRoute.splice(rng.int(inRoute.length + 1), 0, b);
      const s = new Solution(p);
      if (!s.setJobs(0, inRoute)) continue;
      const route = s.routes[0];
      const candidates = [visits[0], ...breaks.filter((b) => !held.includes(b))];
      for (const j of candidates) {
        for (let q = 0; q <= route.size; q++) {
          const reference = new Route(p, 0);
          reference.jobs = [...route.jobs.slice(0, q), j, ...route.jobs.slice(q)];
          const feasible = reference.update();
          const cost = insertionCost(p, route, j, q);
          expect(cost < Infinity, `insert ${j} after ${q} in ${route.jobs}`).toBe(feasible);
          if (feasible && p.isBreak[j] === 0) expect(cost).toBeCloseTo(reference.cost - route.cost, 9);
          if (feasible && p.isBreak[j] === 1) expect(reference.cost).toBeCloseTo(route.cost, 9);
          if (feasible) finite++;
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
    expect(finite).toBeGreaterThan(300);
  });

  it('places a pinned job on its collector when identical collectors are all idle', () => {
    // Idle collectors of one class are tried once; the job's own must not be skipped as "already tried".
    const p = lineProblem([0, 5], [{ location: 1, vehicle: 2 }], [{ start: 0, end: 0 }, { start: 0, end: 0 }, { start: 0, end: 0 }]);
    const s = new Solution(p);
    expect(insertGreedy(s, [0], undefined, 0)).toEqual([]);
    expect(s.routes.map((r) => r.jobs)).toEqual([[], [], [0]]);
  });
});
