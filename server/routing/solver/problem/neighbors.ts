import type { Problem } from './problem.ts';

/**
 * Granular neighbourhoods (Toth & Vigo 2003; Vidal's HGS correlation): for every
 * job, its k most related jobs, related meaning close in cost and with windows
 * that allow one to follow the other. Moves are only tried between a job and its
 * neighbours, which keeps a local-search pass near-linear in the job count.
 */
export function nearestNeighbours(p: Problem, k: number): Int32Array[] {
  const J = p.jobCount;
  const C = p.costs[0] ?? new Float64Array(p.side * p.side);
  const D = p.durations[0] ?? C;
  const side = p.side;
  // Breaks have no place of their own: nobody's neighbour, and with none of their own.
  const count = Math.max(0, Math.min(k, p.userJobCount - 1));
  const out: Int32Array[] = [];
  const score = new Float64Array(J);
  // The `count` best so far, ascending by score, ties by index (what a stable sort keeps).
  const best = new Int32Array(count);
  for (let a = 0; a < J; a++) {
    if (p.isBreak[a] === 1) {
      out.push(new Int32Array(0));
      continue;
    }
    const la = p.jobLocation[a];
    const ea = p.windowStart[p.windowOffset[a]];
    const lateA = p.windowEnd[p.windowOffset[a + 1] - 1];
    for (let b = 0; b < J; b++) {
      const lb = p.jobLocation[b];
      const eb = p.windowStart[p.windowOffset[b]];
      const lateB = p.windowEnd[p.windowOffset[b + 1] - 1];
      const travel = D[la * side + lb];
      // Waiting if b is served right after a, and lateness (infeasibility) if it cannot be.
      const wait = Math.max(eb - p.jobService[a] - travel - lateA, 0);
      const late = Math.max(ea + p.jobService[a] + travel - lateB, 0);
      score[b] = a === b || p.isBreak[b] === 1 ? Infinity : C[la * side + lb] + 0.2 * (Number.isFinite(wait) ? wait : 0) + (Number.isFinite(late) ? late : 0);
    }
    out.push(selectBest(score, best));
  }
  return out;
}

/**
 * The indices of the `best.length` lowest scores, ascending, ties by index: a bounded
 * insertion instead of sorting every job for every job (1,000 jobs: 250 ms → a few).
 */
function selectBest(score: Float64Array, best: Int32Array): Int32Array {
  const k = best.length;
  let size = 0;
  for (let b = 0; b < score.length; b++) {
    const s = score[b];
    if (size === k && !(s < score[best[k - 1]])) continue;
    let i = size < k ? size++ : k - 1;
    while (i > 0 && s < score[best[i - 1]]) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = b;
  }
  return best.slice(0, size);
}
