import type { Random } from '../random.ts';
import type { Solution } from '../solution/solution.ts';
import { bestInsertion, insertAt, type Insertion } from './insertion.ts';

/**
 * Regret-2 insertion (Potvin & Rousseau 1993): repeatedly insert the job whose
 * cheapest insertion would cost most more if it had to take its second-cheapest
 * route. Jobs of higher priority go first (issue 4: lower priorities are the
 * ones dropped). Best places per (job, route) are cached and only the route
 * just changed is re-evaluated. `noise` perturbs the regrets to diversify seeds.
 */
export function insertRegret(s: Solution, jobs: readonly number[], rng: Random, noise: number): number[] {
  const p = s.problem;
  const R = s.routes.length;
  const pending = jobs.slice();
  const cost = new Float64Array(pending.length * R);
  const pos = new Int32Array(pending.length * R);
  const best: Insertion = { cost: Infinity, position: -1 };
  const jitter = Float64Array.from(pending, () => 1 + noise * rng.next());
  const refresh = (i: number, r: number) => {
    bestInsertion(p, s.routes[r], pending[i], undefined, 0, best);
    cost[i * R + r] = best.cost;
    pos[i * R + r] = best.position;
  };
  for (let i = 0; i < pending.length; i++) for (let r = 0; r < R; r++) refresh(i, r);
  const left: number[] = [];
  const alive = new Uint8Array(pending.length).fill(1);
  let remaining = pending.length;
  while (remaining > 0) {
    let topPriority = -1;
    for (let i = 0; i < pending.length; i++) if (alive[i] && p.jobPriority[pending[i]] > topPriority) topPriority = p.jobPriority[pending[i]];
    let pick = -1;
    let pickRegret = -Infinity;
    let pickCost = Infinity;
    let pickRoute = -1;
    for (let i = 0; i < pending.length; i++) {
      if (!alive[i] || p.jobPriority[pending[i]] !== topPriority) continue;
      let c1 = Infinity;
      let c2 = Infinity;
      let r1 = -1;
      for (let r = 0; r < R; r++) {
        const c = cost[i * R + r];
        if (c < c1) {
          c2 = c1;
          c1 = c;
          r1 = r;
        } else if (c < c2) c2 = c;
      }
      if (r1 < 0) {
        alive[i] = 0;
        remaining--;
        left.push(pending[i]);
        continue;
      }
      // A job with one feasible route left is urgent: its regret is unbounded.
      const regret = c2 === Infinity ? Infinity : (c2 - c1) * jitter[i];
      if (regret > pickRegret || (regret === pickRegret && c1 < pickCost)) {
        pick = i;
        pickRegret = regret;
        pickCost = c1;
        pickRoute = r1;
      }
    }
    if (pick < 0) continue;
    insertAt(s, pickRoute, pending[pick], pos[pick * R + pickRoute]);
    alive[pick] = 0;
    remaining--;
    for (let i = 0; i < pending.length; i++) if (alive[i]) refresh(i, pickRoute);
  }
  return left;
}
