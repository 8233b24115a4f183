import { spawnWorker } from '../../lib/spawn-worker.ts';
import type { ProblemSpec } from './problem/spec.ts';
import type { SolveOptions, SolveResult } from './solve.ts';

/**
 * Runs solve() in a worker_threads Worker so the main event loop (ingest, live
 * stream) never waits on a solve. From TypeScript sources the worker registers
 * tsx first (server/lib/spawn-worker.ts explains why `--import tsx` is not
 * enough on Node 20). The matrices are copied (structured clone) once per solve.
 */
export function solveInWorker(spec: ProblemSpec, options: SolveOptions = {}): Promise<SolveResult> {
  const typescript = import.meta.url.endsWith('.ts');
  const worker = spawnWorker(new URL(typescript ? './solve.worker.ts' : './solve.worker.js', import.meta.url));
  return new Promise<SolveResult>((resolve, reject) => {
    worker.once('message', (reply: { ok: true; result: SolveResult } | { ok: false; error: string }) => {
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.error));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`solver worker exited with code ${code}`));
    });
    worker.postMessage({ spec, options });
  }).finally(() => void worker.terminate());
}
