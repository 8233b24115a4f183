/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import type { ServerProcess } from '../../../test/support/server-process.ts';

/**
 * Long tasks (> 50 ms on the main thread), the wall's `ronda:live-update`
 * measures and rAF frame times, recorded from the first script on. Plain
 * source text: a function would go through tsx, whose name helpers
 * (`__name`) do not exist in the page.
 */
const RECORDER = `
  window.__bench = { longTasks: [], liveUpdates: [], frames: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // The wall clears its measures from the timeline as it makes them; an observer still gets each one.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'ronda:live-update') window.__bench.liveUpdates.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'measure' });
  function frame(t) {
    window.__bench.frames.push(t);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
`;

/**
 * A 1600×900 page already signed in as the server's bench admin: the session
 * the dashboard keeps in localStorage (web/src/lib/session.svelte.ts) is put
 * there before any script runs, so what is timed starts at the wall itself,
 * not at the login form.
 */
export async function signedInPage(browser: Browser, server: ServerProcess): Promise<Page> {
  const user = await server.api('GET', '/api/auth/me');
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  await context.addInitScript((session) => localStorage.setItem('ronda.session', session), JSON.stringify({ token: server.token, user }));
  await context.addInitScript(RECORDER);
  return context.newPage();
}

export interface PageTimings {
  longTasks: { start: number; ms: number }[];
  /** `ronda:live-update` measures: main-thread time of each frame that applied live positions. */
  liveUpdates: { start: number; ms: number }[];
  /** rAF timestamps (ms since navigation start). */
  frames: number[];
}

export function pageTimings(page: Page): Promise<PageTimings> {
  return page.evaluate(() => (window as unknown as { __bench: PageTimings }).__bench);
}

/** Longest gap between consecutive frames within [from, to) (page ms). */
export function maxFrameGap(frames: readonly number[], from: number, to: number): number {
  let max = 0;
  for (let i = 1; i < frames.length; i++) {
    if (frames[i - 1] < from || frames[i] >= to) continue;
    max = Math.max(max, frames[i] - frames[i - 1]);
  }
  return max;
}

export function stats(values: readonly number[]): { n: number; p50: number; p95: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN);
  return { n: s.length, p50: at(50), p95: at(95), max: s.length ? s[s.length - 1] : NaN };
}

export const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '—');
