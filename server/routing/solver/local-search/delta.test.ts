import { describe, expect, it } from 'vitest';
import { nearestNeighbours } from '../problem/neighbors.ts';
import { buildProblem } from '../problem/spec.ts';
import { Random } from '../random.ts';
import { Solution } from '../solution/solution.ts';
import { SearchContext } from './context.ts';
import { crossDelta, exchangeDelta, relocateDelta, twoOptDelta, twoOptStarDelta } from './delta.ts';

/**
 * Each closed form must equal the change of cost of the same move costed as
 * chains, on an asymmetric matrix with depots that differ per vehicle.
 */
describe('closed-form move costs', () => {
  const rng = new Random(5);
  const n = 30;
  const m = Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 0 : 1 + rng.int(100)));
  const p = buildProblem({
    size: n,
    durations: [m],
    jobs: Array.from({ length: n - 3 }, (_, i) => ({ location: i + 3 })),
    vehicles: [0, 1, 2].map((d) => ({ start: d, end: (d + 1) % 3 })),
  });
  const s = new Solution(p);
  const jobs = rng.shuffle(Array.from({ length: p.jobCount }, (_, j) => j));
  [jobs.slice(0, 9), jobs.slice(9, 20), jobs.slice(20)].forEach((r, v) => s.setJobs(v, r));
  const ctx = new SearchContext(p, s, nearestNeighbours(p, 5));
  const routes = s.routes;
  const one = (r: number) => ctx.a.cost(routes[r].vehicle) - routes[r].cost;
  const two = (ra: number, rb: number) => one(ra) + ctx.b.cost(routes[rb].vehicle) - routes[rb].cost;
  const pick = (r: number, min = 1) => min + rng.int(routes[r].size - min + 1);

  it('applies', () => expect(ctx.closedForm).toBe(true));

  it('relocate between routes and within one', () => {
    for (let k = 0; k < 300; k++) {
      const ru = rng.int(3);
      const rv = rng.int(3);
      const pu = pick(ru);
      const end = Math.min(routes[ru].size, pu + rng.int(3));
      const rev = rng.next() < 0.5;
      const q = rng.int(routes[rv].size + 1);
      if (ru === rv && q >= pu - 1 && q <= end) continue;
      ctx.a.clear();
      if (ru !== rv) {
        ctx.a.add(ru, 1, pu - 1).add(ru, end + 1, routes[ru].size);
        ctx.b.clear().add(rv, 1, q).add(ru, pu, end, rev).add(rv, q + 1, routes[rv].size);
        expect(relocateDelta(ctx, ru, pu, end, rev, rv, q)).toBeCloseTo(two(ru, rv), 9);
      } else {
        if (q < pu) ctx.a.add(ru, 1, q).add(ru, pu, end, rev).add(ru, q + 1, pu - 1).add(ru, end + 1, routes[ru].size);
        else ctx.a.add(ru, 1, pu - 1).add(ru, end + 1, q).add(ru, pu, end, rev).add(ru, q + 1, routes[ru].size);
        expect(relocateDelta(ctx, ru, pu, end, rev, rv, q)).toBeCloseTo(one(ru), 9);
      }
    }
  });

  it('exchange, cross-exchange and 2-opt* between routes', () => {
    for (let k = 0; k < 300; k++) {
      const ru = rng.int(3);
      const rv = (ru + 1 + rng.int(2)) % 3;
      const pu = pick(ru);
      const pv = pick(rv);
      const eu = Math.min(routes[ru].size, pu + rng.int(3));
      const ev = Math.min(routes[rv].size, pv + rng.int(3));
      ctx.a.clear().add(ru, 1, pu - 1).add(rv, pv, pv).add(ru, pu + 1, routes[ru].size);
      ctx.b.clear().add(rv, 1, pv - 1).add(ru, pu, pu).add(rv, pv + 1, routes[rv].size);
      expect(exchangeDelta(ctx, ru, pu, rv, pv)).toBeCloseTo(two(ru, rv), 9);
      ctx.a.clear().add(ru, 1, pu - 1).add(rv, pv, ev).add(ru, eu + 1, routes[ru].size);
      ctx.b.clear().add(rv, 1, pv - 1).add(ru, pu, eu).add(rv, ev + 1, routes[rv].size);
      expect(crossDelta(ctx, ru, pu, eu, rv, pv, ev)).toBeCloseTo(two(ru, rv), 9);
      const ku = pick(ru, 0);
      const kv = pick(rv, 0);
      ctx.a.clear().add(ru, 1, ku).add(rv, kv + 1, routes[rv].size);
      ctx.b.clear().add(rv, 1, kv).add(ru, ku + 1, routes[ru].size);
      expect(twoOptStarDelta(ctx, ru, ku, rv, kv)).toBeCloseTo(two(ru, rv), 9);
    }
  });

  it('2-opt', () => {
    for (let k = 0; k < 300; k++) {
      const r = rng.int(3);
      const i = pick(r);
      const j = pick(r);
      if (j <= i) continue;
      ctx.a.clear().add(r, 1, i - 1).add(r, i, j, true).add(r, j + 1, routes[r].size);
      expect(twoOptDelta(ctx, r, i, j)).toBeCloseTo(one(r), 9);
    }
  });
});
