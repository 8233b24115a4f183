import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { ServerProcess } from '../../../test/support/server-process.ts';
import { maxFrameGap, ms, pageTimings, signedInPage, stats } from './page-session.ts';
import { registerFleet } from './register-fleet.ts';

export interface WallOptions {
  collectors: number;
  /** Seconds of live updates observed after the first frame. */
  seconds: number;
}

/** Live positions at 1 Hz per collector from a separate process (bench:ingest's load generator). */
function startLoad(server: ServerProcess, devices: { uniqueId: string; token: string }[], durationS: number): { child: ChildProcess; connected: Promise<void> } {
  // Through a file: 2,000 device tokens are more than one command-line argument may hold.
  const dir = mkdtempSync(join(tmpdir(), 'ronda-wall-'));
  const spec = join(dir, 'load.json');
  writeFileSync(spec, JSON.stringify({ mqttPort: server.mqttPort, devices, rate: devices.length, warmupS: 0, durationS, windowS: 10 }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/ingest-load.ts', `@${spec}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The file holds device tokens: gone once the load process has read it (it says "connected") or has ended.
  const removeSpec = () => rmSync(dir, { recursive: true, force: true });
  child.once('exit', removeSpec);
  const connected = new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.type === 'connected') {
          removeSpec();
          resolve();
        }
        if (msg.type === 'window') console.log(`  load t=${msg.t}s sent=${msg.sent} acked=${msg.acked} publish→commit p50=${msg.p50} ms p99=${msg.p99} ms`);
      }
    });
    child.once('exit', (code) => reject(new Error(`load process exited with ${code} before connecting`)));
  });
  return { child, connected };
}

export async function benchWall(server: ServerProcess, browser: Browser, o: WallOptions): Promise<void> {
  console.log(`\n== wall: ${o.collectors} collectors at 1 Hz, ${o.seconds} s observed ==`);
  const t0 = Date.now();
  const devices = await registerFleet(server, 'Bench wall', o.collectors, 'wall');
  console.log(`  registered ${devices.length} collectors + devices in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const load = startLoad(server, devices, o.seconds + 120);
  try {
    await load.connected;
    // Every collector has reported at least once before the wall opens (1 Hz each).
    await new Promise((r) => setTimeout(r, 3000));
    const page = await signedInPage(browser, server);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.baseUrl}/`);
    const firstFrame = await page.waitForFunction(() => performance.getEntriesByName('ronda:first-live-frame')[0]?.startTime, undefined, { timeout: 60_000 });
    const firstAt = (await firstFrame.jsonValue()) as number;
    await page.waitForTimeout(o.seconds * 1000);
    const end = await page.evaluate(() => performance.now());
    const t = await pageTimings(page);
    const inWindow = t.liveUpdates.filter((u) => u.start >= firstAt);
    const per = stats(inWindow.map((u) => u.ms));
    const longTasks = t.longTasks.filter((l) => l.start >= firstAt);
    console.log(`  initial load       navigation → first live frame ${ms(firstAt)} (target ≤ 2000 ms)`);
    console.log(`  per live update    p50 ${ms(per.p50)}, p95 ${ms(per.p95)}, max ${ms(per.max)} over ${per.n} updates in ${((end - firstAt) / 1000).toFixed(0)} s (target p95 ≤ 16 ms)`);
    console.log(`  long tasks         ${longTasks.length} after the first frame (longest ${ms(Math.max(0, ...longTasks.map((l) => l.ms)))}, ${ms(longTasks.reduce((s, l) => s + l.ms, 0))} in all)`);
    console.log(`  max frame gap      ${ms(maxFrameGap(t.frames, firstAt, end))}`);
    console.log(`  page errors        ${errors.length ? errors.join('; ') : 'none'}`);
    await page.context().close();
  } finally {
    load.child.kill('SIGTERM');
  }
}
