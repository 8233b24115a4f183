/// <reference lib="dom" />
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';

type Box = { x: number; y: number; width: number; height: number };
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MARKER_RGB, countColours, launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * A supervisor on a phone: the list under the alerts had no room left for a single row, and a
 * collector tapped there landed in the middle of the map, under their card (270 of its 450 px).
 */
let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer({}, undefined, { city: true });
  const [lon, lat] = (await t.api('GET', '/api/map/config')).body.center as [number, number];
  const teamId = (await t.api('POST', '/api/teams', { name: 'Norte' })).body.id as number;
  const collectorId = (await t.api('POST', '/api/collectors', { name: 'Ana Cerca', teamId })).body.id as number;
  // Her teammates, without phones yet: the list has rows to show.
  for (const name of ['Beto Salas', 'Carla Núñez', 'Dora Vega', 'Eloy Mora']) await t.api('POST', '/api/collectors', { name, teamId });
  const { token } = await t.createDevice('phone-ana', collectorId);
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'phone-ana', password: token, reconnectPeriod: 0 });
  await client.publishAsync('ronda/phone-ana/position', JSON.stringify({ ts: new Date().toISOString(), lat, lon, speed: 0, battery: 80 }), { qos: 1 });
  await client.endAsync();
  const db = t.server.dbh.db;
  await vi.waitFor(async () => expect(await db.selectFrom('positions').select('device_time').where('collector_id', '=', collectorId).executeTakeFirst()).toBeDefined(), {
    timeout: 10_000,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the wall on a phone', () => {
  it('shows the collectors\' rows under the alerts: the side column scrolls to them', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    const rows = page.locator('section.panel li button');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(5);
    await rows.last().scrollIntoViewIfNeeded();
    // Whole on screen and not under the list's own title, counts and search: the column's 40 % of the screen holds four or five.
    const seen = await rows.evaluateAll((buttons) =>
      buttons.filter((b) => {
        const r = b.getBoundingClientRect();
        const x = r.left + r.width / 2;
        return r.top >= 0 && r.bottom <= innerHeight && [r.top + 2, r.bottom - 2].every((y) => b.contains(document.elementFromPoint(x, y)));
      }).length,
    );
    expect(seen).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  /** Marker pixels within `clip` (the card's own dot is outside it). */
  const markerPixels = async (page: Page, clip: { x: number; y: number; width: number; height: number }) =>
    (await countColours(page, await page.screenshot({ clip }), MARKER_RGB)).reduce((a, b) => a + b, 0);

  async function tapAna(page: Page): Promise<{ map: Box; card: Box }> {
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.locator('canvas.maplibregl-canvas').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByRole('button', { name: /Ana Cerca/ }).first().tap();
    const card = page.locator('aside.card');
    await card.waitFor();
    return { map: (await page.locator('canvas.maplibregl-canvas').boundingBox())!, card: (await card.boundingBox())! };
  }

  it('shows the collector tapped in the list between the figures and their card', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const errors = watchErrors(page);
    const { map, card } = await tapAna(page);
    const figures = (await page.locator('section.kpis').boundingBox())!;
    expect(card.x + card.width).toBeLessThanOrEqual(390);
    const top = figures.y + figures.height;
    // Room left for the map: at least a fifth of it.
    expect(card.y - top, JSON.stringify({ map, figures, card })).toBeGreaterThan(map.height / 5);
    await expect.poll(() => markerPixels(page, { x: map.x, y: top, width: map.width, height: card.y - top }), { timeout: 10_000 }).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('leaves the map\'s zoom and compass buttons uncovered beside the card, upright and sideways', { timeout: 60_000 }, async () => {
    for (const viewport of [{ width: 390, height: 844 }, { width: 844, height: 390 }]) {
      const page = await browser.newPage({ viewport, hasTouch: true, isMobile: true });
      const errors = watchErrors(page);
      await tapAna(page);
      // The control under each button's middle is the button itself, not the card over it.
      const covered = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.maplibregl-ctrl-zoom-in, .maplibregl-ctrl-zoom-out, .maplibregl-ctrl-compass'))
          .filter((b) => {
            const r = b.getBoundingClientRect();
            return !b.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
          })
          .map((b) => b.getAttribute('aria-label')),
      );
      expect(covered, `${viewport.width}×${viewport.height}`).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('turned sideways, where the card covers the map\'s middle, shows the collector beside it', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 844, height: 390 }, hasTouch: true, isMobile: true });
    const errors = watchErrors(page);
    const { map, card } = await tapAna(page);
    const right = card.x + card.width;
    expect(right, 'the card covers the middle').toBeGreaterThan(map.x + map.width / 2);
    await expect.poll(() => markerPixels(page, { x: right, y: map.y, width: map.x + map.width - right, height: map.height }), { timeout: 10_000 }).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    await page.close();
  });
});
