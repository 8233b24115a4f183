import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../lib/spawn-worker.ts';
import { prepareDataDir } from './data-dir.ts';

export interface EmbeddedPostgres {
  /** A connection string for `pg`; the server accepts one connection at a time. */
  url: string;
  close(): Promise<void>;
}

/** Starts PGlite in its own thread. `dataDir` null = in memory (tests). Errors name DATA_DIR and what is wrong with it. */
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  if (dataDir) prepareDataDir(dataDir);
  const worker: Worker = spawnWorker(new URL('./pglite-host.ts', import.meta.url), { workerData: { dataDir } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} while starting`)));
    worker.once('message', (m: { type: 'ready'; port: number } | { type: 'failed'; reason: string }) => {
      if (m.type === 'ready') return resolve(m.port);
      reject(new Error(`DATA_DIR=${dataDir}: the embedded database cannot open its files there (${m.reason})`));
    });
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      const closed = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ type: 'close' });
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
    },
  };
}
