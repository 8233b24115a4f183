/// <reference lib="dom" />
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { startFleet } from '../../server/demo/start-fleet.ts';
import { countColours, launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * MAP_STYLE_URL (SPEC §4): the wall on a basemap of the account's choosing instead of
 * the built-in one. The style here is served by a second origin, as a tile provider's
 * would be, and has neither glyphs nor sprite: the wall's own labels must not need them.
 */
const BASEMAP_RGB = [0x2a, 0x1b, 0x3d] as const;
const STYLE = {
  version: 8,
  sources: {},
  layers: [{ id: 'basemap-background', type: 'background', paint: { 'background-color': `rgb(${BASEMAP_RGB.join(',')})` } }],
};
const MOVING_RGB = [0x34, 0xd3, 0x99] as const;

let styleServer: Server;
/** The tile provider's outage: its style answers 503 while this is set. */
let styleDown = false;
let t: TestServer;
let fleet: ChildProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  styleServer = createServer((_req, res) => {
    if (styleDown) {
      res.writeHead(503, { 'access-control-allow-origin': '*' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(STYLE));
  });
  await new Promise<void>((resolve) => styleServer.listen(0, '127.0.0.1', resolve));
  const styleUrl = `http://127.0.0.1:${(styleServer.address() as AddressInfo).port}/style.json`;
  t = await startTestServer({ MAP_STYLE_URL: styleUrl }, undefined, { city: true });
  const devices = await seedDemo(t.server.dbh.db, t.server.auth, 6);
  await t.server.live.refreshDirectory();
  fleet = startFleet(devices, { ports: t.server.ports, dataDir: t.db.dataDir, intervalMs: 1000, log: t.server.log });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
}, 120_000);

afterAll(async () => {
  fleet?.kill('SIGTERM');
  await browser?.close();
  await t?.close();
  await new Promise((resolve) => styleServer?.close(resolve));
});

describe('the wall on a basemap from MAP_STYLE_URL', () => {
  it('draws the account’s basemap under the live collectors, with no console errors', { timeout: 90_000 }, async () => {
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    const canvas = page.locator('canvas.maplibregl-canvas');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    await expect
      .poll(async () => {
        const [basemap, moving] = await countColours(page, await canvas.screenshot(), [BASEMAP_RGB, MOVING_RGB]);
        // Mostly basemap (the built-in style's background is another colour), and collectors on it.
        return basemap > 100_000 && moving > 40;
      }, { timeout: 40_000 })
      .toBe(true);
    expect(errors).toEqual([]);
  });

  it('says so when the basemap cannot load, and Retry draws it once the provider is back', { timeout: 60_000 }, async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      styleDown = true;
      await logIn(other, t.baseUrl, ADMIN.email, ADMIN.password);
      const alert = other.getByRole('alert').filter({ hasText: 'No se pudo cargar el mapa.' });
      await alert.waitFor({ state: 'visible', timeout: 30_000 });
      styleDown = false;
      await alert.getByRole('button', { name: 'Reintentar' }).click();
      const canvas = other.locator('canvas.maplibregl-canvas');
      await canvas.waitFor({ state: 'visible', timeout: 30_000 });
      await expect.poll(async () => (await countColours(other, await canvas.screenshot(), [BASEMAP_RGB]))[0], { timeout: 30_000 }).toBeGreaterThan(100_000);
      expect(await alert.count()).toBe(0);
      // The failed attempt's map was removed, not left under the new one.
      expect(await other.locator('canvas.maplibregl-canvas').count()).toBe(1);
    } finally {
      styleDown = false;
      await other.close();
    }
  });
});
