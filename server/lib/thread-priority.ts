import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

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
export function lowerThreadPriority(niceness: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
