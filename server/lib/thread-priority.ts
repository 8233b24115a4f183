import { randomFill } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { promisify } from 'node:util';

/** Nice value of background worker threads: well below the device thread (0), still scheduled when cores are free. */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the scheduling priority of the calling thread only (Linux keeps a nice
 * value per thread; /proc/thread-self names the thread's id). Worker threads
 * that do heavy background work — the embedded database, the route solver —
 * call it so that, when the cores are busy, the thread serving devices gets
 * the CPU first and acknowledgements never wait behind a long query or solve.
 * Elsewhere (or when the kernel refuses) it does nothing and says so.
 */
export async function lowerThreadPriority(niceness: number): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  // libuv starts the process's shared thread pool (file, DNS, crypto work of every
  // thread) on first use, and a new thread inherits its creator's nice value: on
  // Node 22 a worker was that first user, and all four pool threads ran at
  // background priority. A crypto job always goes through the pool, so after it
  // the pool exists, at whatever priority it had or at ours, still normal.
  await promisify(randomFill)(new Uint8Array(1));
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
