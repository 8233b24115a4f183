import { describe, expect, it } from 'vitest';
import { buildProblem, type JobSpec } from '../problem/spec.ts';
import { Random } from '../random.ts';
import { Route } from '../solution/route.ts';
import { Solution } from '../solution/solution.ts';
import { Chain } from './chain.ts';

/**
 * The O(1)/O(piece) chain evaluation must agree with timing the chain's job list
 * from scratch (Route.update) on every random recombination of route pieces:
 * different depots, shifts, windows (some split), capacities, max tasks, skills.
 */
describe('Chain', () => {
  it('agrees with a from-scratch evaluation on random recombinations', () => {
    compareOnRandomChains(false);
  });

  // Breaks carry the location of whatever precedes them, so pieces that start with one must be re-timed where they land.
  it('agrees with a from-scratch evaluation when routes hold breaks', () => {
    compareOnRandomChains(true);
  });
});

function compareOnRandomChains(withBreaks: boolean): void {
  const rng = new Random(11);
  const n = 40;
  const points = Array.from({ length: n }, () => [rng.int(100), rng.int(100)]);
  const m = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) m[a * n + b] = Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]);
  const jobs: JobSpec[] = Array.from({ length: n - 3 }, (_, i) => {
    const open = rng.int(400);
    return {
      location: i + 3,
      service: 5 + rng.int(10),
      delivery: [1 + rng.int(9)],
      windows: i % 4 === 0 ? undefined : i % 7 === 0 ? [[open, open + 40], [open + 150, open + 220]] : [[open, open + 120]],
      skills: i % 9 === 0 ? [2] : undefined,
    };
  });
  const p = buildProblem({
    size: n,
    durations: [m],
    jobs,
    vehicles: [
      { start: 0, end: 0, shift: [0, 700], capacity: [60], skills: [2], breaks: withBreaks ? [{ windows: [[150, 350]], service: 30 }] : undefined },
      { start: 1, end: 2, shift: [50, 600], capacity: [45], maxTasks: 9, breaks: withBreaks ? [{ service: 15 }, { windows: [[200, 260], [400, 420]], service: 20 }] : undefined },
      { start: 2, shift: [0, 800], capacity: [80], skills: [2] },
    ],
  });
  const s = new Solution(p);
  // Random orders, feasible or not (the chain must judge either way); only
  // skills are respected, as the solver never puts a job on an unskilled vehicle.
  const order = rng.shuffle(Array.from({ length: p.userJobCount }, (_, j) => j));
  const skilled = order.filter((j) => jobs[j].skills);
  const plain = order.filter((j) => !jobs[j].skills);
  const breaksOf = (v: number) => Array.from({ length: p.jobCount }, (_, j) => j).filter((j) => p.isBreak[j] && p.compatible[j * p.vehicleCount + v]);
  // Breaks at random places of their own vehicle's route, consecutive ones included.
  const withBreaksOf = (v: number, list: number[]) => {
    const out = list.slice();
    for (const b of breaksOf(v)) out.splice(rng.int(out.length + 1), 0, b);
    return out;
  };
  s.setJobs(0, withBreaksOf(0, [...skilled.slice(0, 3), ...plain.slice(0, 9)]));
  s.setJobs(1, withBreaksOf(1, plain.slice(9, 21)));
  s.setJobs(2, [...skilled.slice(3), ...plain.slice(21)]);
  const chain = new Chain(p, s);
  let feasible = 0;
  let feasibleWithBreaks = 0;
  let checked = 0;
  for (let t = 0; t < 20000; t++) {
    chain.clear();
    let reversedBreak = false;
    for (let k = 1 + rng.int(4); k > 0; k--) {
      const r = rng.int(3);
      const from = 1 + rng.int(s.routes[r].size);
      const to = Math.min(s.routes[r].size, from + rng.int(5));
      const reversed = rng.next() < 0.3;
      chain.add(r, from, to, reversed);
      if (reversed && s.routes[r].jobs.slice(from - 1, to).some((j) => p.isBreak[j])) reversedBreak = true;
    }
    const list = chain.jobs();
    if (new Set(list).size !== list.length) continue;
    const v = rng.int(3);
    const reference = new Route(p, v);
    reference.jobs = list;
    // By design a reversed piece never carries a break (the break would change sides of a leg).
    const expected =
      !reversedBreak &&
      reference.update() &&
      list.length <= p.maxTasks[v] &&
      reference.delivery(0) <= p.capacity[v] &&
      list.every((j) => p.compatible[j * p.vehicleCount + v] === 1);
    expect(chain.feasible(v)).toBe(expected);
    if (!reversedBreak) expect(chain.cost(v)).toBeCloseTo(reference.cost, 9);
    checked++;
    if (expected) feasible++;
    if (expected && list.some((j) => p.isBreak[j])) feasibleWithBreaks++;
  }
  // Both outcomes occur often enough for the comparison to mean something.
  expect(checked).toBeGreaterThan(10000);
  expect(feasible).toBeGreaterThan(500);
  if (withBreaks) expect(feasibleWithBreaks).toBeGreaterThan(100);
}
