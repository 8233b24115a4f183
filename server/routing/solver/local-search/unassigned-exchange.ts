import { bestInsertion, insertAt, insertGreedy, type Insertion } from '../construction/insertion.ts';
import type { Solution } from '../solution/solution.ts';

/**
 * VROOM's "unassigned exchange", as a last pass: an unassigned job takes the place of a
 * routed job of lower priority when it fits in that route once the other is out (the best
 * gain in priority, then the least added cost); the job it displaced goes wherever it still
 * fits. Ruin and recreate finds most of these exchanges, not all: a 330-visit day left
 * priority-18 visits out while priority-10 ones fitting the same place were served.
 * Returns whether anything changed.
 */
export function exchangeUnassigned(s: Solution): boolean {
  const p = s.problem;
  const insertion: Insertion = { cost: Infinity, position: -1 };
  let changed = false;
  for (let pass = true; pass; ) {
    pass = false;
    const pending = s
      .unassigned()
      .filter((u) => p.isBreak[u] === 0)
      .sort((a, b) => p.jobPriority[b] - p.jobPriority[a] || a - b);
    for (const u of pending) {
      let best = { gain: 0, cost: Infinity, route: -1, out: -1, at: -1 };
      for (let r = 0; r < s.routes.length; r++) {
        const route = s.routes[r];
        if (p.compatible[u * p.vehicleCount + route.vehicle] === 0) continue;
        const jobs = route.jobs;
        const before = route.cost;
        for (let i = route.fixed; i < jobs.length; i++) {
          const j = jobs[i];
          const gain = p.jobPriority[u] - p.jobPriority[j];
          if (p.isBreak[j] === 1 || gain <= 0 || gain < best.gain) continue;
          s.setJobs(r, jobs.slice(0, i).concat(jobs.slice(i + 1)));
          bestInsertion(p, route, u, undefined, 0, insertion);
          const cost = route.cost + insertion.cost - before;
          if (insertion.position >= 0 && (gain > best.gain || cost < best.cost)) best = { gain, cost, route: r, out: j, at: insertion.position };
        }
        s.setJobs(r, jobs);
      }
      if (best.route < 0) continue;
      const route = s.routes[best.route];
      s.setJobs(best.route, route.jobs.filter((j) => j !== best.out));
      insertAt(s, best.route, u, best.at);
      insertGreedy(s, [best.out], undefined, 0);
      changed = pass = true;
    }
  }
  return changed;
}
