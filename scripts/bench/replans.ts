/**
 * Warm re-plan quality as a distribution (issue 4): `npm run bench:replans [-- --plans 6]
 * [-- --seeds 6] [-- --budget 150]`.
 *
 * bench:routing's warm table is six single draws: one plan, one cold re-solve, one re-plan
 * each, and a 5 s solve's cost moves by ~0.3 % with the seed or with where the clock stops.
 * Here each of `--plans` plans (5 s, seeds 1…N) gets both changes (5 visits cancelled,
 * 5 moved), two cold re-solves (5 s, two seeds) and `--seeds` warm re-plans (`--budget` ms
 * CPU, different seeds): how often a re-plan lands within 0.5 % of the cold re-solve, and
 * which changes miss whatever the seed. One thread, CPU-time budgets.
 */
import { readFileSync } from 'node:fs';
import { checkSolution } from '../../server/routing/checker/check.ts';
import { buildProblem } from '../../server/routing/solver/problem/spec.ts';
import { solve } from '../../server/routing/solver/solve.ts';
import { parseVroom } from '../../server/routing/vroom/input.ts';
import { toVroomOutput } from '../../server/routing/vroom/output.ts';
import type { VroomInput } from '../../server/routing/vroom/types.ts';
import { changeDay } from './field-changes.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} wants a positive integer`);
  return value;
};
const plans = option('plans', 6);
const seeds = option('seeds', 6);
const budget = option('budget', 150);
const WITHIN = 0.5;

const field: VroomInput = JSON.parse(readFileSync(new URL('../../../shared/benchmarks/vroom-json/field_160.json', import.meta.url), 'utf8'));
const fieldProblem = buildProblem(parseVroom(field));
const pct = (x: number) => `${x > -0.005 ? '+' : '−'}${Math.abs(x).toFixed(2)} %`;

console.log(`## Warm re-plans on field_160: ${plans} plans × 2 changes × ${seeds} re-plan seeds, ${budget} ms CPU each; cold 5 s, two seeds\n`);
console.log('| plan seed | change | plan | cold (two seeds) | warm vs the first cold, per re-plan seed | within 0.5 % |');
console.log('| --- | --- | ---: | ---: | --- | ---: |');
const gaps: number[] = [];
const gapsVsMean: number[] = [];
/** The second cold re-solve against the first: how far two 5 s solves of one day land apart. */
const coldGaps: number[] = [];
let violations = 0;
let iterations = 0;
for (let planSeed = 1; planSeed <= plans; planSeed++) {
  const plan = solve(fieldProblem, { seed: planSeed, timeLimitMs: 5000, cpuClock: true });
  for (const change of ['cancel', 'move'] as const) {
    const { changed, initial } = changeDay(field, plan.routes, planSeed, change);
    const problem = buildProblem(parseVroom(changed));
    const colds = [planSeed, 100 + planSeed].map((seed) => solve(problem, { seed, timeLimitMs: 5000, cpuClock: true }).objective.cost);
    coldGaps.push(Math.abs(colds[1] / colds[0] - 1) * 100);
    const row: number[] = [];
    for (let k = 0; k < seeds; k++) {
      const warm = solve(problem, { seed: k === 0 ? planSeed : 1000 * planSeed + k, timeLimitMs: budget, initial, cpuClock: true });
      violations += checkSolution(changed, toVroomOutput(problem, changed, warm), { tolerance: 1e-6 }).length;
      iterations += warm.iterations;
      const gap = (warm.objective.cost / colds[0] - 1) * 100;
      row.push(gap);
      gaps.push(gap);
      gapsVsMean.push((warm.objective.cost / ((colds[0] + colds[1]) / 2) - 1) * 100);
    }
    const within = row.filter((g) => g <= WITHIN).length;
    console.log(`| ${planSeed} | ${change} 5 | ${plan.objective.cost} | ${colds.join(' / ')} | ${row.map(pct).join(', ')} | ${within}/${seeds} |`);
  }
}
const summary = (xs: number[]) => {
  const sorted = xs.slice().sort((a, b) => a - b);
  const average = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `average ${pct(average)}, median ${pct(sorted[Math.floor(sorted.length / 2)])}, worst ${pct(sorted.at(-1)!)}, ` +
    `${xs.filter((g) => g <= WITHIN).length} of ${xs.length} within ${WITHIN} %`;
};
console.log(`\nWarm vs the same-seed cold re-solve: ${summary(gaps)}`);
console.log(`Warm vs the mean of the two cold re-solves: ${summary(gapsVsMean)}`);
console.log(`How far apart the two cold re-solves land (the same target, one 5 s solve against another): ${summary(coldGaps)}`);
console.log(`${Math.round(iterations / gaps.length)} iterations per re-plan on average; ${violations} checker violations in the warm solutions`);
