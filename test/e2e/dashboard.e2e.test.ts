import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { startFleet } from '../../server/demo/start-fleet.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let fleet: ChildProcess;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer({}, undefined, { city: true });
  const devices = await seedDemo(t.server.dbh.db, t.server.auth, 8);
  await t.server.live.refreshDirectory();
  fleet = startFleet(devices, { ports: t.server.ports, dataDir: t.db.dataDir, intervalMs: 1000, log: t.server.log });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  fleet?.kill('SIGTERM');
  await browser?.close();
  await t?.close();
});

describe('the dashboard in Chromium', () => {
  it('logs in and shows the demo collectors moving on the map and in the list', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);

    const canvas = page.locator('canvas.maplibregl-canvas');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    const rows = page.locator('li button .name');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(8);
    // Every collector reports within a few seconds of the fleet starting: none may still say "never".
    await expect.poll(async () => (await page.locator('li button .age').allTextContents()).filter((a) => /hace|ago|ahora|now/i.test(a)).length, { timeout: 30_000 }).toBe(8);

    const first = await canvas.screenshot();
    await page.waitForTimeout(3000);
    const second = await canvas.screenshot();
    expect(Buffer.compare(first, second)).not.toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows every section of the menu on a portrait tablet', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 820, height: 1180 } });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Mapa en vivo' }).waitFor();
    // An admin's five daily sections in the bar (the portfolio is theirs too), the set-up ones behind "Gestión".
    const shown = async () => (await nav.getByRole('link').all()).length;
    expect(await shown()).toBe(5);
    const gestion = nav.getByRole('button', { name: 'Gestión' });
    // None runs out of the sections row (top-bar.e2e.test.ts checks every width and role).
    const box = await page.locator('header nav').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    await gestion.click();
    for (const name of ['Equipo', 'Usuarios', 'Dispositivos']) await expect.poll(() => nav.getByRole('link', { name, exact: true }).isVisible()).toBe(true);
    expect(await shown()).toBe(8);
    // Changing one's password and signing out sit behind the initials, which stay in the bar at every width.
    await page.getByRole('button', { name: /^Sesión de / }).click();
    for (const name of ['Cambiar mi contraseña', 'Salir']) await expect.poll(() => page.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    await page.close();
  });

  it('shows the wall\'s figures whole on a phone, in one row over the map', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    const figures = page.locator('section.kpis strong');
    await expect.poll(() => figures.count(), { timeout: 30_000 }).toBe(4);
    // This server's day is small; a real team's figures are wider: the cards must hold those.
    const clipped = await figures.evaluateAll((els) => {
      const real = ['$129,050.00', '300 / 300', '25 / 25', '12'];
      els.forEach((el, i) => (el.textContent = real[i]));
      return els.filter((el) => {
        const card = el.parentElement!.getBoundingClientRect();
        return el.scrollWidth > el.clientWidth || el.getBoundingClientRect().right > card.right;
      }).map((el) => el.textContent);
    });
    expect(clipped).toEqual([]);
    // One row over the map, not two by two: those covered 135 px of a map 450 px tall.
    const bar = await page.locator('section.kpis').boundingBox();
    expect(bar!.height).toBeLessThan(70);
    await page.close();
  });

  it('shows the collector search box\'s hint whole beside the sort menu, on a laptop and a wide screen', { timeout: 60_000 }, async () => {
    for (const width of [1024, 1440]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
      const search = page.locator('input[type=search]');
      await search.waitFor();
      // A placeholder cannot be measured in the DOM: its text is measured in the input's own font.
      const fit = await search.evaluate((el: HTMLInputElement) => {
        const style = getComputedStyle(el);
        const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return { hint: el.placeholder, text: ctx.measureText(el.placeholder).width, room };
      });
      expect(fit.text, `${fit.hint} at ${width} px`).toBeLessThanOrEqual(fit.room);
      await page.close();
    }
  });

  it('signs out from the busy wall without an error, and the token no longer opens the API', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    let token = '';
    page.on('request', (r) => (token = r.headers().authorization ?? token));
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.locator('canvas.maplibregl-canvas').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByRole('button', { name: /^Sesión de / }).click();
    await page.getByRole('button', { name: 'Salir' }).click();
    await page.waitForURL((u) => u.pathname === '/login', { timeout: 10_000 });
    expect(token).toMatch(/^Bearer /);
    await expect.poll(async () => (await fetch(`${t.baseUrl}/api/teams`, { headers: { authorization: token } })).status, { timeout: 10_000 }).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('goes to the login when the session is ended elsewhere, instead of showing a wall that no longer updates', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.locator('li button .name').first().waitFor({ timeout: 30_000 });
    const { token } = await page.evaluate(() => JSON.parse(localStorage.getItem('ronda.session')!) as { token: string });
    // Signed out from another tab or device: the server ends this page's live link with the session,
    // and the page follows at once (the wall's next REST call, seconds later, would only find out then).
    expect((await fetch(`${t.baseUrl}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await page.waitForURL((u) => u.pathname === '/login', { timeout: 2_000 });
    await page.close();
  });

  it('answers an address that is no page with a page that says so and leads back to the map', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.baseUrl}/cobranza/vieja`);
    await page.getByRole('heading', { name: 'Esta página no existe.' }).waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'Volver al mapa' }).click();
    await page.locator('canvas.maplibregl-canvas').waitFor({ state: 'visible', timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
