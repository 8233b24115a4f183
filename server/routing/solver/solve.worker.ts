/**
 * Worker-thread entry: receives a ProblemSpec and options, builds the problem,
 * solves it and posts the result back, so a solve never blocks the main event
 * loop (ingest and the live stream keep running).
 */
import { parentPort } from 'node:worker_threads';
import { buildProblem, type ProblemSpec } from './problem/spec.ts';
import { solve, type SolveOptions } from './solve.ts';

parentPort!.once('message', (message: { spec: ProblemSpec; options: SolveOptions }) => {
  try {
    parentPort!.postMessage({ ok: true, result: solve(buildProblem(message.spec), message.options) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).message });
  }
});
