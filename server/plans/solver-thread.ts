import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../lib/spawn-worker.ts';
import type { ProblemSpec, SolveOptions, SolveResult } from '../routing/solver/index.ts';

type Waiter = { resolve(r: SolveResult): void; reject(e: Error): void };
type Reply =
  | { id: number; ok: true; result: SolveResult }
  | { id: number; ok: false; error: string }
  | { warmUp: 'done' }
  | { warmUp: 'failed'; error: string };

export interface SolverThreadOptions {
  /**
   * Each new worker first practises (solver-warm-up.ts, ~1 s of CPU at low priority),
   * so that the first re-plans a dispatcher asks for get the full search.
   */
  warmUp?: boolean;
  /** How the practice went: null when done, else why it failed (the thread serves solves either way). */
  onWarmUp?: (error: string | null) => void;
}

/**
 * Solves off the main thread (ingest and the live stream never wait on a
 * solve) in one worker started on first use and kept. Solves queue in the
 * worker one at a time: a 2-core server gains nothing from two at once.
 * A worker that dies fails what it had and is replaced on the next solve.
 */
export class SolverThread {
  private worker: { thread: Worker; pending: Map<number, Waiter> } | null = null;
  private nextId = 1;

  constructor(private readonly options: SolverThreadOptions = {}) {}

  /** Starts the worker now instead of on the first solve, so that its warm-up runs while nobody waits. */
  prepare(): void {
    if (!this.worker) this.start();
  }

  solve(spec: ProblemSpec, options: SolveOptions): Promise<SolveResult> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<SolveResult>((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.thread.postMessage({ id, spec, options });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.thread.terminate();
  }

  private start(): { thread: Worker; pending: Map<number, Waiter> } {
    const typescript = import.meta.url.endsWith('.ts');
    const thread = spawnWorker(new URL(typescript ? './solver-thread.worker.ts' : './solver-thread.worker.js', import.meta.url));
    // An idle solver must not keep the process alive.
    thread.unref();
    const worker = { thread, pending: new Map<number, Waiter>() };
    thread.on('message', (reply: Reply) => {
      if ('warmUp' in reply) {
        this.options.onWarmUp?.(reply.warmUp === 'done' ? null : reply.error);
        return;
      }
      const p = worker.pending.get(reply.id);
      if (!p) return;
      worker.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(reply.error));
    });
    // 'error' is followed by 'exit': each waiter is failed once, only this worker's.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of worker.pending.values()) p.reject(err);
      worker.pending.clear();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`solver thread exited with code ${code}`)));
    if (this.options.warmUp) thread.postMessage({ warmUp: true });
    this.worker = worker;
    return worker;
  }
}
