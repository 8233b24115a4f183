/// <reference lib="dom" />
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import type { ServerProcess } from '../../../test/support/server-process.ts';
import { DEMO_CITY_CENTER } from '../../../simulators/demo-city/index.ts';
import { maxFrameGap, ms, pageTimings, signedInPage } from './page-session.ts';
import { registerFleet } from './register-fleet.ts';

export interface ReplayOptions {
  points: number;
  /** Seconds of playback at the highest rate. */
  seconds: number;
  timeZone: string;
}

/** yyyy-mm-dd of `at` in `timeZone`. */
function dayIn(timeZone: string, at: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Epoch ms of local midnight starting `day` in `timeZone` (offset read back from Intl, DST-safe away from the switch hour). */
function midnight(day: string, timeZone: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(guess);
  const v = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const shown = Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'));
  return guess - (shown - guess);
}

/** One fix a second for a whole day, a slow Lissajous ride around the demo city (≤ 4 km/h: never trips the speed filter). */
function dayTrack(start: number, n: number) {
  const [lon0, lat0] = DEMO_CITY_CENTER;
  return Array.from({ length: n }, (_, i) => ({
    ts: start + i * 1000,
    lat: Number((lat0 + 0.03 * Math.sin(i / 3000)).toFixed(6)),
    lon: Number((lon0 + 0.04 * Math.sin(i / 4100)).toFixed(6)),
    speed: 3,
  }));
}

export async function benchReplay(server: ServerProcess, browser: Browser, o: ReplayOptions): Promise<void> {
  console.log(`\n== replay: ${o.points} points of one day, highest rate, ${o.seconds} s ==`);
  const [device] = await registerFleet(server, 'Bench replay', 1, 'replay');
  const day = dayIn(o.timeZone, Date.now() - 86_400_000);
  const track = dayTrack(midnight(day, o.timeZone), o.points);
  const t0 = Date.now();
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { username: device.uniqueId, password: device.token });
  // Buffered history, as a phone resends after a day without coverage (SPEC §5: one object or an array).
  for (let i = 0; i < track.length; i += 2000) await client.publishAsync(`ronda/${device.uniqueId}/position`, JSON.stringify(track.slice(i, i + 2000)), { qos: 1 });
  await client.endAsync();
  console.log(`  seeded ${track.length} points for ${day} over MQTT in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const page = await signedInPage(browser, server);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.baseUrl}/replay?collector=${device.collectorId}`);
  // Opened cold (no wall visited first), the page loses the linked collector when the
  // collector list arrives after it, so pick it again; the seeded day is yesterday.
  await page.waitForFunction((id) => !!document.querySelector(`form select option[value="${id}"]`), device.collectorId, { timeout: 60_000 });
  await page.locator('form select').first().selectOption(String(device.collectorId));
  const submit = page.locator('form button[type=submit]');
  await page.waitForFunction(() => (document.querySelector('form button[type=submit]') as HTMLButtonElement | null)?.disabled === false, undefined, { timeout: 60_000 });
  await page.locator('input[type=date]').fill(day);
  const play = page.locator('.buttons button.play');
  const loadStart = await page.evaluate(() => performance.now());
  await submit.click();
  await play.waitFor({ state: 'visible', timeout: 60_000 });
  await page.waitForFunction(() => !(document.querySelector('.buttons button.play') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 60_000 });
  const loaded = await page.evaluate(() => performance.now());
  const rates = await page.locator('.buttons select option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const highest = rates.sort((a, b) => Number(b) - Number(a))[0];
  await page.locator('.buttons select').selectOption(highest);
  const playStart = await page.evaluate(() => performance.now());
  await play.click();
  await page.waitForTimeout(o.seconds * 1000);
  const playEnd = await page.evaluate(() => performance.now());
  const t = await pageTimings(page);
  const loadTasks = t.longTasks.filter((l) => l.start >= loadStart && l.start < playStart);
  const playTasks = t.longTasks.filter((l) => l.start >= playStart && l.start < playEnd);
  const longest = (ls: { ms: number }[]) => ms(Math.max(0, ...ls.map((l) => l.ms)));
  console.log(`  load the day       ${ms(loaded - loadStart)} click → ready, ${loadTasks.length} long tasks (longest ${longest(loadTasks)})`);
  console.log(`  playback ×${highest}      ${playTasks.length} long tasks > 50 ms (longest ${longest(playTasks)}), max frame gap ${ms(maxFrameGap(t.frames, playStart, playEnd))} (target: no stall)`);
  console.log(`  page errors        ${errors.length ? errors.join('; ') : 'none'}`);
  await page.context().close();
}
