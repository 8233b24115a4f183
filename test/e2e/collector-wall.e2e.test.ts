import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { MARKER_RGB, countColours, launchBrowser, logIn, offersSection, watchErrors } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * A collector opens the dashboard on their phone: their own day, live. The wall says it is live
 * (it said "Conectando…" for good: the stream refused collectors), lists and draws them, and
 * their browser is sent nothing of the teammate reporting beside them.
 */
const ANA = { email: 'ana@test.local', name: 'Ana Ruiz', password: 'pw-123456' };
/** Their team's supervisor, whose wall is the team's. */
const SARA = { email: 'sara@test.local', name: 'Sara Vega', password: 'pw-123456' };

let t: TestServer;
let browser: Browser;
let reporting: NodeJS.Timeout;

beforeAll(async () => {
  t = await startTestServer({}, undefined, { city: true });
  const teamId = await createTeam(t, 'Centro');
  const ana = await createCollector(t, ANA.name, teamId);
  const beto = await createCollector(t, 'Beto Salas', teamId);
  const phones = [
    { deviceId: (await t.createDevice('ana-phone', ana)).id, uniqueId: 'ana-phone', collectorId: ana },
    { deviceId: (await t.createDevice('beto-phone', beto)).id, uniqueId: 'beto-phone', collectorId: beto },
  ];
  await t.server.auth.createUser({ email: ANA.email, name: ANA.name, password: ANA.password, role: 'collector', teamId, collectorId: ana });
  await t.server.auth.createUser({ email: SARA.email, name: SARA.name, password: SARA.password, role: 'supervisor', teamId });
  const [lon, lat] = (await t.api('GET', '/api/map/config')).body.center as [number, number];
  // Both phones report every second, a few streets apart, walking.
  let tick = 0;
  const report = () => {
    tick++;
    for (const [k, p] of phones.entries()) {
      void t.server.ingest.submitPositions(p, 'mqtt', [
        { kind: 'position', fixTime: new Date(), lat: lat + k * 0.004 + tick * 1e-5, lon: lon + k * 0.004, speedKph: 4, batteryPct: 80, valid: true, attributes: {} },
      ]);
    }
  };
  report();
  reporting = setInterval(report, 1000);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  clearInterval(reporting);
  await browser?.close();
  await t?.close();
});

/** What the page's live link received, over WebSocket or long-polling: socket.io's frames as text. */
function liveTraffic(page: Page): string[] {
  const received: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/live/') && r.request().method() === 'GET') void r.text().then((text) => received.push(text), () => undefined);
  });
  return received;
}

describe('the dashboard of a collector in Chromium', () => {
  it('shows their own day live on the wall, and nothing of a teammate', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    const traffic = liveTraffic(page);
    await logIn(page, t.baseUrl, ANA.email, ANA.password);

    await expect.poll(() => page.getByTestId('status-badge').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    expect(await page.getByTestId('status-badge').first().innerText()).toContain('En vivo');
    const rows = page.locator('li button .name');
    await expect.poll(() => rows.allInnerTexts(), { timeout: 30_000 }).toEqual([ANA.name]);
    // Their age moves with their phone's reports: the list follows the stream.
    await expect.poll(async () => /hace|ahora/i.test(await page.locator('li button .age').first().innerText()), { timeout: 30_000 }).toBe(true);
    const canvas = page.locator('canvas.maplibregl-canvas');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(async () => (await countColours(page, await canvas.screenshot(), MARKER_RGB)).reduce((a, b) => a + b, 0), { timeout: 30_000 }).toBeGreaterThan(40);

    // Seconds of both phones reporting: the stream carried hers, never his.
    await page.waitForTimeout(3000);
    expect(traffic.some((frame) => frame.includes('"ana-phone"'))).toBe(true);
    expect(traffic.filter((frame) => frame.includes('beto-phone'))).toEqual([]);
    expect(await page.getByTestId('stale-banner').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("leaves the team wall's filters off their own day, and keeps them on their supervisor's", { timeout: 60_000 }, async () => {
    for (const [who, filters] of [[ANA, 0], [SARA, 1]] as const) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const errors = watchErrors(page);
      await logIn(page, t.baseUrl, who.email, who.password);
      const controls = page.getByTestId('wall-controls');
      // The legend stays: it explains their own route and visits. The filters are drawn with it, the team
      // menu once the list has loaded: by then they would be there.
      await controls.getByRole('list', { name: 'Leyenda del mapa' }).waitFor();
      await page.locator('li button .name').first().waitFor({ timeout: 30_000 });
      expect(await controls.getByRole('checkbox', { name: 'Solo esta zona' }).count(), who.name).toBe(filters);
      if (filters === 0) expect(await controls.locator('input, select').count(), 'no filter of any kind').toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("names the figures for their own day and keeps the team list's tools off their list of one, and on their supervisor's", { timeout: 60_000 }, async () => {
    for (const [who, team] of [[ANA, false], [SARA, true]] as const) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const errors = watchErrors(page);
      await logIn(page, t.baseUrl, who.email, who.password);
      const list = page.getByRole('region', { name: team ? 'Cobradores' : 'Tu estado', exact: true });
      await expect.poll(() => list.locator('li button .name').allInnerTexts(), { timeout: 30_000 }).toEqual(team ? [ANA.name, 'Beto Salas'] : [ANA.name]);
      const kpis = (name: string) => page.getByRole('region', { name, exact: true }).count();
      expect.soft([await kpis('Indicadores del equipo'), await kpis('Indicadores de tu día')], who.name).toEqual(team ? [1, 0] : [0, 1]);
      const tools = {
        count: await list.getByText(/^\d+ de \d+$/).count(),
        states: await list.locator('[data-testid^=summary-]').count(),
        search: await list.getByRole('searchbox', { name: 'Buscar por nombre' }).count(),
        sort: await list.getByRole('combobox', { name: 'Ordenar por' }).count(),
      };
      // The supervisor's chips: moving, at a visit, idle, offline, deviation and low battery (SOS only while one is open).
      expect.soft(tools, who.name).toEqual(team ? { count: 1, states: 6, search: 1, sort: 1 } : { count: 0, states: 0, search: 0, sort: 0 });
      // Their own row still says how they are: state, battery and last report.
      const own = list.locator('li button', { hasText: ANA.name });
      expect(await own.locator('.state').innerText()).toBe('En movimiento');
      expect((await own.getByTitle('Batería').innerText()).trim()).toBe('80%');
      expect(await own.locator('.age').getAttribute('title')).toMatch(/^Último reporte: /);
      if (!team) {
        await page.getByRole('button', { name: 'English' }).click();
        expect(await kpis('Your day in figures')).toBe(1);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("speaks of them, not of a team, and gives the side column to their alerts and their route; their supervisor's wall is the team's", { timeout: 90_000 }, async () => {
    for (const [who, team] of [[ANA, false], [SARA, true]] as const) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const errors = watchErrors(page);
      await logIn(page, t.baseUrl, who.email, who.password);
      await page.locator('li button .name').first().waitFor({ timeout: 30_000 });
      const card = page.getByTestId('kpi-active');
      const words = async () => (await card.locator(':scope > *').allInnerTexts()).map((w) => w.trim());
      const title = async () => (await page.locator('#collectors-title').innerText()).trim();
      // Their card says whether they are reporting (their phone reports every second), not "1 / 1".
      await expect.poll(words, { timeout: 30_000 }).toEqual(team ? ['Cobradores activos', '2 / 2', 'reportando ahora'] : ['Tu ubicación', 'En línea', 'reportando ahora']);
      expect(await title(), who.name).toBe(team ? 'Cobradores' : 'Tu estado');

      // The feed over the list: the team's keeps 38 % of the column for its feed; a collector's list of
      // one is as tall as its header and row, and the feed and their route (collector-route.e2e) have the rest.
      const heights = await page.evaluate(() => {
        const h = (selector: string) => document.querySelector(selector)?.getBoundingClientRect().height ?? 0;
        return { side: h('aside.side'), feed: h('[data-testid=event-feed]'), route: h('[data-testid=own-route]'), list: h('section[aria-labelledby=collectors-title]') };
      });
      if (team) {
        expect(Math.abs(heights.feed - 0.38 * heights.side), JSON.stringify(heights)).toBeLessThan(2);
      } else {
        expect(heights.list, JSON.stringify(heights)).toBeLessThan(130);
        expect(heights.feed + heights.route + heights.list, JSON.stringify(heights)).toBeGreaterThan(heights.side - 2);
      }

      // In English too, and read in full from a phone to a laptop.
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(words).toEqual(team ? ['Active collectors', '2 / 2', 'reporting now'] : ['Your location', 'Online', 'reporting now']);
      expect(await title()).toBe(team ? 'Collectors' : 'Your status');
      const cut: string[] = [];
      for (const width of [390, 800, 1366]) {
        await page.setViewportSize({ width, height: width < 640 ? 844 : 768 });
        for (const text of await page.locator('[data-testid^=kpi-] :is(.name, strong, .sub)').evaluateAll((els) =>
          els.filter((el) => el.scrollWidth > el.clientWidth || el.getBoundingClientRect().right > el.closest('.kpi')!.getBoundingClientRect().right).map((el) => el.textContent),
        ))
          cut.push(`${width}px: ${text}`);
      }
      expect(cut, who.name).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("offers the sections of their own day, and says the dispatcher's board is not theirs", { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ANA.email, ANA.password);
    for (const section of ['Mapa en vivo', 'Recorridos', 'Métricas']) expect(await offersSection(page, section), section).toBe(true);
    expect(await offersSection(page, 'Despacho')).toBe(false);
    // Their replay and metrics ask the API only what it answers a collector (a refusal logs a console error).
    for (const path of ['/replay', '/metrics']) {
      await page.goto(`${t.baseUrl}${path}`);
      await page.getByRole('navigation').getByRole('link', { name: 'Mapa en vivo' }).waitFor();
      await page.waitForTimeout(2500);
      // Their replay has them chosen and today's track open: there is no one else to pick.
      if (path === '/replay') {
        expect(await page.locator('form select').first().evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text)).toBe(ANA.name);
        await expect.poll(() => page.locator('input[type=range]').count(), { timeout: 20_000 }).toBe(1);
      }
    }

    await page.goto(`${t.baseUrl}/board`);
    const denied = page.getByTestId('board-denied');
    await denied.waitFor();
    expect(await denied.innerText()).toContain('Tu día (tu ruta, tus visitas y tus alertas) está en el mapa.');
    expect(errors).toEqual([]);
    await page.close();
  });
});
