import { afterAll, describe, expect, it } from 'vitest';
import { buildProblem, solve, type ProblemSpec } from '../routing/solver/index.ts';
import { SolverThread } from './solver-thread.ts';

/** 60 jobs on a 10 × 10 grid of places, 3 vehicles from a corner depot: enough work to keep a thread busy. */
function spec(): ProblemSpec {
  const n = 61;
  const xy = (i: number) => (i === 0 ? [0, 0] : [((i * 7) % 10) * 10, ((i * 3) % 10) * 10]);
  const durations = Array.from({ length: n * n }, (_, k) => {
    const [a, b] = [xy(Math.floor(k / n)), xy(k % n)];
    return Math.round(Math.hypot(a[0] - b[0], a[1] - b[1]));
  });
  return {
    size: n,
    durations: [durations],
    jobs: Array.from({ length: 60 }, (_, i) => ({ location: i + 1, service: 5, windows: i % 4 === 0 ? [[0, 300] as const] : undefined })),
    vehicles: [0, 1, 2].map(() => ({ start: 0, end: 0, shift: [0, 2000] as const, maxTasks: 25 })),
  };
}

describe('SolverThread', () => {
  const thread = new SolverThread();
  afterAll(() => thread.close());

  it('gives the same plan as solving on this thread, for a seed and an iteration budget', async () => {
    const options = { iterations: 40, seed: 5 };
    const remote = await thread.solve(spec(), options);
    const local = solve(buildProblem(spec()), options);
    expect(remote.routes).toEqual(local.routes);
    expect(remote.objective).toEqual(local.objective);
  });

  it('leaves the main event loop free while it solves', async () => {
    // A 1 s solve: were it on this thread, no timer could fire until it ended.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const result = await thread.solve(spec(), { timeLimitMs: 1000, seed: 1 });
    clearInterval(timer);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1000);
    expect(ticks).toBeGreaterThan(20);
  });

  it('warms up on its practice days before the first solve, and answers the same after', async () => {
    const outcomes: (string | null)[] = [];
    const warmed = new SolverThread({ warmUp: true, onWarmUp: (error) => outcomes.push(error) });
    try {
      warmed.prepare();
      const options = { iterations: 40, seed: 5 };
      const remote = await warmed.solve(spec(), options);
      // The worker takes messages in order: the practice's outcome came before this answer.
      expect(outcomes).toEqual([null]);
      const local = solve(buildProblem(spec()), options);
      expect(remote.routes).toEqual(local.routes);
    } finally {
      await warmed.close();
    }
  });

  it('fails a solve it cannot do with the reason, and keeps serving', async () => {
    const broken = { ...spec(), durations: [] };
    await expect(thread.solve(broken, { iterations: 1 })).rejects.toThrow('profile 0: the duration matrix has 0 entries, expected 61×61');
    const next = await thread.solve(spec(), { iterations: 5, seed: 2 });
    expect(next.objective.served).toBe(60);
  });
});
