/// <reference lib="dom" />
import type { ChildProcess } from 'node:child_process';
import mqtt from 'mqtt';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoDevice } from '../../server/demo/seed-demo.ts';
import { startFleet } from '../../server/demo/start-fleet.ts';
import { launchBrowser, watchErrors } from '../support/browser.ts';
import { restartablePorts } from '../support/restartable-port.ts';
import { createStorage, startServerProcess, type ServerProcess, type Storage } from '../support/server-process.ts';

const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
let storage: Storage;
let server: ServerProcess;
let fleet: ChildProcess;
let browser: Browser;
let teamId: number;

beforeAll(async () => {
  storage = await createStorage(kind);
  // Ports the kernel gives no one else while the server is down between a test's stop and start.
  const [httpPort, mqttPort] = await restartablePorts(2);
  server = await startServerProcess(kind, { PORT: String(httpPort), MQTT_PORT: String(mqttPort) }, storage);
  ({ id: teamId } = await server.api('POST', '/api/teams', { name: 'Reconexión' }));
  const devices: DemoDevice[] = [];
  for (let i = 1; i <= 3; i++) {
    const { id: collectorId } = await server.api('POST', '/api/collectors', { name: `Cobrador ${i}`, teamId });
    const uniqueId = `reconnect-phone-${i}`;
    const { token } = await server.api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId });
    devices.push({ uniqueId, token, collectorId, kind: 'phone' });
  }
  // Phones only: the fleet needs no tracker ports, and mqtt.js redials the same MQTT port after the restart.
  const ports = { mqtt: server.mqttPort, gt06: 0, teltonika: 0, h02: 0, osmand: 0 };
  fleet = startFleet(devices, { ports, dataDir: storage.dataDir, intervalMs: 1000, log: pino({ level: 'silent' }) });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  fleet?.kill('SIGTERM');
  await browser?.close();
  await server?.stop('SIGTERM');
  await storage?.drop();
});

/** Page time of every frame in which the wall applied live positions (its `ronda:live-update` measures). */
const LIVE_FRAMES = `
  window.__liveFrames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'ronda:live-update') window.__liveFrames.push(e.startTime);
  }).observe({ type: 'measure' });
`;
const lastLiveFrame = (page: Page) => page.evaluate(() => (window as unknown as { __liveFrames: number[] }).__liveFrames.at(-1) ?? -1);

/** A collector with a phone of their own on `server`, to report as the test needs. */
async function addProbe(name: string, uniqueId: string, team = teamId): Promise<{ uniqueId: string; token: string; collectorId: number }> {
  const { id: collectorId } = await server.api('POST', '/api/collectors', { name, teamId: team });
  const { token } = await server.api('POST', '/api/devices', { uniqueId, name, collectorId });
  return { uniqueId, token, collectorId };
}

/** One position of `probe`'s, fixed at `ts`, over MQTT as a phone sends it. */
async function report(probe: { uniqueId: string; token: string }, battery: number, ts = Date.now()): Promise<void> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, { username: probe.uniqueId, password: probe.token, reconnectPeriod: 0, connectTimeout: 10_000 });
  await c.publishAsync(`ronda/${probe.uniqueId}/position`, JSON.stringify({ ts, lat: 20.67, lon: -103.35, speed: 0, battery }), { qos: 1 });
  await c.endAsync();
}

/**
 * A kiosk wall on `server`, signed in (the admin unless `login` says who) with the session the
 * dashboard keeps in localStorage (it lives in the database, so it survives restarts).
 */
async function openKiosk(login?: { token: string; user: unknown }) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const session = login ?? { token: server.token, user: await server.api('GET', '/api/auth/me') };
  await context.addInitScript((s) => localStorage.setItem('ronda.session', s), JSON.stringify(session));
  await context.addInitScript(LIVE_FRAMES);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.baseUrl}/?kiosk`);
  const badge = page.getByTestId('status-badge');
  await badge.waitFor({ timeout: 30_000 });
  await expect.poll(() => badge.getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
  return { context, page, errors, badge };
}

describe('the wall across server restarts', () => {
  it('goes reconnecting, then live again with positions flowing once the server is back on the same port', { timeout: 150_000 }, async () => {
    // Kiosk mode, as a wall screen runs: no top bar, the link status on the wall itself.
    const { context, page, errors, badge } = await openKiosk();
    expect(await page.locator('header.bar').count()).toBe(0);
    await expect.poll(() => lastLiveFrame(page), { timeout: 30_000 }).toBeGreaterThan(0);

    const { httpPort, mqttPort } = server;
    await server.stop('SIGKILL');
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 30_000 }).toMatch(/^(reconnecting|stale)$/);
    // Across the map too, where a wall seen from across the room shows it.
    const banner = page.getByTestId('stale-banner');
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true);
    const downAt = await page.evaluate(() => performance.now());

    // Same ports: the page's socket.io client and the phones redial the address they know.
    server = await startServerProcess(kind, { PORT: String(httpPort), MQTT_PORT: String(mqttPort) }, storage);
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    await expect.poll(() => lastLiveFrame(page), { timeout: 30_000 }).toBeGreaterThan(downAt);
    expect(await banner.isVisible()).toBe(false);
    // The reconnect itself logs nothing but the browser's own failed-request lines while the server was down.
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource|net::/.test(e))).toEqual([]);
    await context.close();
  });

  it('says it is reconnecting all through an orderly restart 10 s long, then shows the state it missed and goes on live', { timeout: 150_000 }, async () => {
    const name = 'Sonda Reinicio';
    const probe = await addProbe(name, 'reconnect-probe');
    await report(probe, 77);
    const { context, page, errors, badge } = await openKiosk();
    const battery = page.locator('section[aria-labelledby=collectors-title] li button').filter({ hasText: name }).locator('.battery');
    await expect.poll(() => battery.textContent(), { timeout: 30_000 }).toMatch(/77/);

    // SIGTERM: how systemd, Docker or a deploy restarts it, closing every connection in order.
    const { httpPort, mqttPort } = server;
    await server.stop('SIGTERM');
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 15_000 }).toBe('reconnecting');
    const banner = page.getByTestId('stale-banner');
    for (let s = 0; s < 10; s++) {
      await page.waitForTimeout(1000);
      expect(await badge.getAttribute('data-state')).toBe('reconnecting');
      expect(await badge.textContent()).toContain('Reconectando');
      expect(await banner.isVisible()).toBe(true);
    }
    expect(new URL(page.url()).search).toBe('?kiosk');

    // The wall's network is out while the server comes back, the probe reports and is renamed: only the snapshot can
    // bring that report, and only reloading the list on it that name (its `collectors` event went to no one).
    await context.setOffline(true);
    server = await startServerProcess(kind, { PORT: String(httpPort), MQTT_PORT: String(mqttPort) }, storage);
    await report(probe, 42);
    const renamed = 'Sonda Renombrada';
    expect(await server.api('PATCH', `/api/collectors/${probe.collectorId}`, { name: renamed })).toMatchObject({ name: renamed });
    await page.waitForTimeout(1000);
    expect(await battery.textContent()).toMatch(/77/);
    const backAt = await page.evaluate(() => performance.now());
    await context.setOffline(false);
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    const row = page.locator('section[aria-labelledby=collectors-title] li button').filter({ hasText: renamed });
    await expect.poll(() => row.locator('.battery').textContent(), { timeout: 10_000 }).toMatch(/42/);
    expect(await battery.count()).toBe(0);
    await expect.poll(() => lastLiveFrame(page), { timeout: 30_000 }).toBeGreaterThan(backAt);
    expect(await banner.isVisible()).toBe(false);
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED|Failed to load resource|net::/.test(e))).toEqual([]);
    await context.close();
  });

  it("formats in its team's currency and time zone as they are after a reconnection, though they changed while the link was down", { timeout: 150_000 }, async () => {
    const { id: team } = await server.api('POST', '/api/teams', { name: 'Divisa', timeZone: 'America/Mexico_City', currency: 'MXN' });
    const name = 'Sonda Divisa';
    const probe = await addProbe(name, 'currency-probe', team);
    // A fix a minute old, to the second: the row's "last report" writes its time of day in the team's zone.
    const fixAt = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    await report(probe, 60, fixAt);
    const supervisor = { email: 'divisa@test.local', password: 'pw-123456' };
    await server.api('POST', '/api/users', { ...supervisor, name: 'Supervisora Divisa', role: 'supervisor', teamId: team });
    const { context, page, errors, badge } = await openKiosk(await server.api('POST', '/api/auth/login', supervisor));
    const collected = page.getByTestId('kpi-collected').locator('strong');
    const reportedAt = page.locator('section[aria-labelledby=collectors-title] li button').filter({ hasText: name }).locator('.age');
    const clockIn = (timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(fixAt);
    // Intl may put a no-break space between an amount and its currency.
    const words = async (text: Promise<string | null>) => (await text)?.replace(/[\s\u00a0]+/g, ' ');
    await expect.poll(() => words(collected.textContent()), { timeout: 30_000 }).toBe('$0.00');
    await expect.poll(() => reportedAt.getAttribute('title'), { timeout: 30_000 }).toContain(clockIn('America/Mexico_City'));

    // The team changes while the wall cannot hear of it: its `team` event goes to no one.
    const { httpPort, mqttPort } = server;
    await server.stop('SIGTERM');
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 15_000 }).toBe('reconnecting');
    await context.setOffline(true);
    server = await startServerProcess(kind, { PORT: String(httpPort), MQTT_PORT: String(mqttPort) }, storage);
    expect(await server.api('PATCH', `/api/teams/${team}`, { currency: 'EUR', timeZone: 'Asia/Tokyo' })).toMatchObject({ currency: 'EUR', timeZone: 'Asia/Tokyo' });
    await context.setOffline(false);
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    await expect.poll(() => words(collected.textContent()), { timeout: 10_000 }).toBe('0,00 €');
    expect(await reportedAt.getAttribute('title')).toContain(clockIn('Asia/Tokyo'));
    expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED|Failed to load resource|net::/.test(e))).toEqual([]);
    await context.close();
  });
});
