import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { BACKGROUND_NICENESS } from './thread-priority.ts';

/** Nice value of each thread of this process, from /proc (field 19 of stat). */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

describe.runIf(process.platform === 'linux')('background threads yield the CPU to the thread serving devices', () => {
  it('runs the embedded database thread at a lower priority and leaves the main thread alone', async () => {
    const before = niceByThread();
    const pg = await startEmbeddedPostgres(null);
    try {
      const lowered = [...niceByThread()].filter(([tid, nice]) => !before.has(tid) && nice === BACKGROUND_NICENESS);
      expect(lowered).toHaveLength(1);
      expect(niceByThread().get(process.pid)).toBe(0);
    } finally {
      await pg.close();
    }
  });
});
