/**
 * A long-lived solver thread: it stays up, so a dispatcher's reassignment does
 * not pay a thread start and the TypeScript load (1.5–2.5 s here) per solve,
 * and its code stays JIT-warm.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority, BACKGROUND_NICENESS } from '../lib/thread-priority.ts';
import { buildProblem, solve, type ProblemSpec, type SolveOptions } from '../routing/solver/index.ts';
import { warmUpSolver } from './solver-warm-up.ts';

await lowerThreadPriority(BACKGROUND_NICENESS);

type Message = { id: number; spec: ProblemSpec; options: SolveOptions } | { warmUp: true };

parentPort!.on('message', (message: Message) => {
  if ('warmUp' in message) {
    // A practice that fails costs only speed: the thread goes on serving solves.
    try {
      warmUpSolver();
      parentPort!.postMessage({ warmUp: 'done' });
    } catch (error) {
      parentPort!.postMessage({ warmUp: 'failed', error: (error as Error).message });
    }
    return;
  }
  try {
    parentPort!.postMessage({ id: message.id, ok: true, result: solve(buildProblem(message.spec), message.options) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, ok: false, error: (error as Error).message });
  }
});
