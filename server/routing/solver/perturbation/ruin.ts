import type { Random } from '../random.ts';
import type { Solution } from '../solution/solution.ts';

/**
 * Ruin step of ruin-and-recreate (Schrimpf et al. 2000). Two ways, chosen at
 * random: SISR string removal (Christiaens & Vanden Berghe 2020) — strings of
 * consecutive jobs cut from the routes passing near a seed job — and radial
 * removal of the seed and its nearest jobs. Frozen jobs are never removed.
 * Returns the removed jobs.
 */
export function ruin(s: Solution, related: readonly Int32Array[], rng: Random, average: number, maxString: number): number[] {
  const assigned: number[] = [];
  for (let j = 0; j < s.problem.jobCount; j++) if (s.routeOf[j] >= 0 && s.posOf[j] > s.routes[s.routeOf[j]].fixed) assigned.push(j);
  if (assigned.length === 0) return [];
  const seed = assigned[rng.int(assigned.length)];
  const removed: number[] = [];
  if (rng.next() < 0.5) removeRadial(s, related[seed], seed, 1 + rng.int(2 * average), removed);
  else removeStrings(s, related[seed], seed, rng, average, maxString, removed);
  return removed;
}

function movable(s: Solution, j: number): boolean {
  const r = s.routeOf[j];
  return r >= 0 && s.posOf[j] > s.routes[r].fixed;
}

function removeRadial(s: Solution, near: Int32Array, seed: number, count: number, removed: number[]): void {
  const take = [seed, ...near].filter((j) => movable(s, j)).slice(0, count);
  const byRoute = new Map<number, Set<number>>();
  for (const j of take) {
    const r = s.routeOf[j];
    if (!byRoute.has(r)) byRoute.set(r, new Set());
    byRoute.get(r)!.add(j);
    removed.push(j);
  }
  for (const [r, gone] of byRoute) {
    s.setJobs(r, s.routes[r].jobs.filter((j) => !gone.has(j)));
  }
  for (const j of take) s.routeOf[j] = -1;
}

function removeStrings(
  s: Solution, near: Int32Array, seed: number, rng: Random, average: number, maxString: number, removed: number[],
): void {
  let used = 0;
  let jobs = 0;
  for (const r of s.routes) {
    if (r.size > 0) {
      used++;
      jobs += r.size;
    }
  }
  const lsMax = Math.max(1, Math.min(maxString, jobs / Math.max(1, used)));
  const ksMax = Math.max(1, (4 * average) / (1 + lsMax) - 1);
  const ks = Math.floor(rng.next() * ksMax) + 1;
  const ruined = new Set<number>();
  for (const c of [seed, ...near]) {
    if (ruined.size >= ks) break;
    const r = s.routeOf[c];
    if (r < 0 || ruined.has(r) || !movable(s, c)) continue;
    ruined.add(r);
    const route = s.routes[r];
    const movableCount = route.size - route.fixed;
    const lMax = Math.min(movableCount, lsMax);
    const len = Math.floor(rng.next() * lMax) + 1;
    // The string holds c at a random offset and stays within the movable part.
    const pc = s.posOf[c];
    let first = pc - rng.int(len);
    first = Math.max(route.fixed + 1, Math.min(first, route.size - len + 1));
    const kept = route.jobs.slice();
    const cut = kept.splice(first - 1, len);
    s.setJobs(r, kept);
    for (const j of cut) {
      s.routeOf[j] = -1;
      removed.push(j);
    }
  }
}
