import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * MapLibre takes its own words (the map's name, the zoom and compass buttons' names and tooltips)
 * once, when a map is made: switching to English left "Mapa de cobradores", "Acercar" and "Alejar"
 * on an English wall, board and replay, for a screen reader and in the tooltips, until the page was
 * loaded again.
 */
let t: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await startTestServer({}, undefined, { city: true });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The map's own names: its canvas's and its buttons', accessible name and tooltip alike. */
const mapWords = (p: Page) =>
  p.evaluate(() => {
    const named = (selector: string) => {
      const el = document.querySelector(selector);
      return el ? `${el.getAttribute('aria-label')} / ${el.getAttribute('title') ?? ''}` : null;
    };
    return {
      canvas: document.querySelector('canvas.maplibregl-canvas')?.getAttribute('aria-label') ?? null,
      zoomIn: named('.maplibregl-ctrl-zoom-in'),
      zoomOut: named('.maplibregl-ctrl-zoom-out'),
      compass: named('.maplibregl-ctrl-compass'),
    };
  });

const SPANISH = {
  canvas: 'Mapa de cobradores',
  zoomIn: 'Acercar / Acercar',
  zoomOut: 'Alejar / Alejar',
  compass: 'Arrastra para girar el mapa; clic para volver al norte / Arrastra para girar el mapa; clic para volver al norte',
};
const ENGLISH = {
  canvas: 'Collector map',
  zoomIn: 'Zoom in / Zoom in',
  zoomOut: 'Zoom out / Zoom out',
  compass: 'Drag to rotate the map, click to reset north / Drag to rotate the map, click to reset north',
};

describe('a map’s own words after the language is switched', () => {
  it('follow the switch both ways, without reloading', { timeout: 90_000 }, async () => {
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.locator('.maplibregl-ctrl-zoom-in').waitFor({ timeout: 30_000 });
    expect(await mapWords(page)).toEqual(SPANISH);

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => mapWords(page)).toEqual(ENGLISH);
    await expect.poll(() => page.getByRole('button', { name: 'Zoom in' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => mapWords(page)).toEqual(SPANISH);
    expect(errors).toEqual([]);
  });
});
