import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhonePlan, PlanOut } from '../../server/contract/plan.ts';
import { DEMO_PASSWORD, seedDemo } from '../../server/demo/seed-demo.ts';
import { localDate, seedPortfolio } from '../../server/demo/seed-portfolio.ts';
import { saveTeamSettings } from '../../server/plans/plan.repository.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { daytimeZone } from '../../server/demo/demo-day.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

const TIME_ZONE = daytimeZone();
const SECOND_DISPATCHER = { email: 'despacho2@ronda.local', name: 'Segunda Despachadora', password: 'ronda-2' };
const SCREENSHOT = 'docs/screenshots/board.png';

let t: TestServer;
let browser: Browser;
let date: string;
let dispatcher: string;
let teamId: number;
const pages: Page[] = [];
const phones = new Map<number, { uniqueId: string; token: string }>();

const planNow = async (): Promise<PlanOut> => {
  const r = await t.api('GET', `/api/plans/${date}`, undefined, dispatcher);
  expect(r.status).toBe(200);
  return r.body;
};
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const stopsOf = (plan: PlanOut, collectorId: number) => plan.routes.find((r) => r.collectorId === collectorId)!.stops.map((s) => s.visitId);
const clockOf = (iso: string) => new Intl.DateTimeFormat('es-MX', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(iso));
const card = (page: Page, visitId: number) => page.locator(`li[data-visit-id="${visitId}"]`);
const column = (page: Page, collectorId: number) => page.locator(`section[data-collector-id="${collectorId}"]`);
/** The visit ids a collector's column lists, top to bottom. */
const columnIds = async (page: Page, collectorId: number) =>
  (await column(page, collectorId).locator('li[data-visit-id]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.visitId))));

async function openBoard(email: string, password: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  pages.push(page);
  const errors = watchErrors(page);
  page.setDefaultTimeout(15_000);
  await logIn(page, t.baseUrl, email, password);
  await page.goto(`${t.baseUrl}/board`);
  await page.locator('section[data-collector-id]').first().waitFor({ timeout: 30_000 });
  return { page, errors };
}

/** A phone for `collectorId`, registered before any move: plans are published to the devices a collector has then. */
async function addPhone(collectorId: number): Promise<void> {
  const uniqueId = `board-phone-${collectorId}`;
  phones.set(collectorId, { uniqueId, token: (await t.createDevice(uniqueId, collectorId)).token });
}

/** The retained plan the collector's phone receives when it subscribes now (SPEC §5). */
async function retainedPlan(collectorId: number): Promise<PhonePlan> {
  const { uniqueId, token } = phones.get(collectorId)!;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0 });
  try {
    const got = new Promise<PhonePlan>((resolve) => client.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))));
    await client.subscribeAsync(`ronda/${uniqueId}/plan`, { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}

/**
 * Where the board's map draws a point after its first fit to the plan's pins
 * (BoardMapLayer: fitBounds, 30 px padding, zoom at most 15): Web Mercator with
 * 512 px tiles, centred on the bounds' centre.
 */
function fittedProjection(points: { lon: number; lat: number }[], width: number, height: number): (lon: number, lat: number) => [number, number] {
  const mx = (lon: number) => (lon + 180) / 360;
  const my = (lat: number) => (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2;
  const xs = points.map((p) => mx(p.lon));
  const ys = points.map((p) => my(p.lat));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min(512 * 2 ** 15, (width - 60) / (x1 - x0), (height - 60) / (y1 - y0));
  return (lon, lat) => [width / 2 + (mx(lon) - (x0 + x1) / 2) * scale, height / 2 + (my(lat) - (y0 + y1) / 2) * scale];
}

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE }, undefined, { city: true });
  await seedDemo(t.server.dbh.db, t.server.auth, 8, TIME_ZONE);
  // At most 7 visits a route: the day's 24 visits of each team spread over all four collectors.
  for (const team of (await t.api('GET', '/api/teams')).body.teams) await saveTeamSettings(t.server.dbh.db, team.id, { maxVisitsPerCollector: 7 });
  await seedPortfolio(t.server.dbh.db, t.server.plans, { timeZone: TIME_ZONE, accountsPerTeam: 40, visitsPerCollector: 6, log: t.server.log });
  date = localDate(TIME_ZONE);
  const login = await t.api('POST', '/api/auth/login', { email: 'despacho@ronda.local', password: DEMO_PASSWORD }, null);
  dispatcher = login.body.token;
  teamId = login.body.user.teamId;
  await t.server.auth.createUser({ ...SECOND_DISPATCHER, role: 'dispatcher', teamId });
  for (const route of (await planNow()).routes) await addPhone(route.collectorId);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the dispatcher board in Chromium', () => {
  it('moves visits between collectors by keyboard and by drag and drop; both plans and phones change', { timeout: 120_000 }, async () => {
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    const first = await planNow();
    expect(first.teamId).toBe(teamId);
    const [a, b] = first.routes.map((r) => r.collectorId);
    await expect.poll(() => page.locator('section[data-collector-id]').count()).toBe(first.routes.length);
    expect(await columnIds(page, a)).toEqual(stopsOf(first, a));

    // Keyboard: focus the visit, Enter selects it, Tab reaches "move to", Tab again the Move button.
    const kbVisit = stopsOf(first, a)[0];
    await card(page, kbVisit).locator('button.main').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const menu = card(page, kbVisit).locator('select');
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    await menu.selectOption(String(b));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await expect.poll(() => columnIds(page, b), { timeout: 10_000 }).toContain(kbVisit);
    expect(await columnIds(page, a)).not.toContain(kbVisit);
    // The keyboard user lands on the moved visit in its new column.
    await expect.poll(() => column(page, b).locator(`li[data-visit-id="${kbVisit}"] button.main`).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('status').filter({ hasText: /^Plan actualizado y enviado/ }).waitFor();
    const second = await planNow();
    expect(second.version).toBe(first.version + 1);
    expect(stopsOf(second, b)).toContain(kbVisit);
    expect(stopsOf(second, a)).not.toContain(kbVisit);
    // The board shows the new order with its new ETAs, and what the move cost each route.
    expect(await columnIds(page, b)).toEqual(stopsOf(second, b));
    for (const collectorId of [a, b]) expect(await column(page, collectorId).locator('header').textContent()).toMatch(/Cambio: [+−±][\d.,]+ km, regreso [+−±]\d+ min/);
    const movedStop = second.routes.find((r) => r.collectorId === b)!.stops.find((s) => s.visitId === kbVisit)!;
    const eta = new Intl.DateTimeFormat('es-MX', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(movedStop.eta));
    expect(await card(page, kbVisit).locator('.eta').textContent()).toBe(eta);

    // Drag and drop: a visit of B onto A's column.
    const dndVisit = stopsOf(second, b).find((id) => id !== kbVisit)!;
    await card(page, dndVisit).dragTo(column(page, a).locator('ol'));
    await expect.poll(() => columnIds(page, a), { timeout: 10_000 }).toContain(dndVisit);
    expect(await columnIds(page, b)).not.toContain(dndVisit);
    const third = await planNow();
    expect(third.version).toBe(second.version + 1);
    expect(stopsOf(third, a)).toContain(dndVisit);
    expect(stopsOf(third, b)).not.toContain(dndVisit);
    expect(await columnIds(page, a)).toEqual(stopsOf(third, a));

    // Each collector's phone holds the new plan, retained.
    for (const collectorId of [a, b]) {
      const phone = await retainedPlan(collectorId);
      expect(phone).toMatchObject({ date, version: third.version, collectorId });
      expect(phone.visits.map((v) => v.visitId)).toEqual(stopsOf(third, collectorId));
    }

    // Selecting a visit in the list rings it on the map and opens its actions: the screenshot for the README.
    await card(page, stopsOf(third, a)[1]).locator('button.main').click();
    await page.locator('canvas.maplibregl-canvas').waitFor({ state: 'visible' });
    await page.waitForTimeout(800);
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(errors).toEqual([]);
  });

  it('reorders with Alt+↑/↓ and by drag and drop, locks, unlocks and cancels a visit, assigns a new one, in Spanish and then English', { timeout: 90_000 }, async () => {
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    const before = await planNow();
    const route = before.routes.find((r) => r.stops.length >= 3)!;
    const d = route.collectorId;
    const [s0, s1, s2] = stopsOf(before, d);

    // Arrows travel between cards: down the column, then across to the next column's first visit.
    const focusedVisit = () => page.evaluate(() => Number((document.activeElement?.closest('li[data-visit-id]') as HTMLElement | null)?.dataset.visitId));
    await card(page, s0).locator('button.main').focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedVisit()).toBe(s1);
    const next = before.routes[before.routes.indexOf(route) + 1] ?? null;
    if (next?.stops.length) {
      await page.keyboard.press('ArrowRight');
      expect(await focusedVisit()).toBe(next.stops[0].visitId);
    }

    await card(page, s0).locator('button.main').focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => columnIds(page, d), { timeout: 10_000 }).toEqual([s1, s0, ...stopsOf(before, d).slice(2)]);
    expect(stopsOf(await planNow(), d).slice(0, 2)).toEqual([s1, s0]);
    // The moved visit is locked in its new place, so the next change to the route keeps the order up to it.
    await card(page, s0).locator('.visit-tag.locked').waitFor({ timeout: 10_000 });
    // The card keeps the focus: the next press moves it back up.
    await expect.poll(() => card(page, s0).locator('button.main').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => columnIds(page, d), { timeout: 10_000 }).toEqual(stopsOf(before, d));

    // Drag and drop within the column: the last visit dropped on the top half of the first goes first.
    const order = stopsOf(before, d);
    const last = order[order.length - 1];
    await card(page, last).dragTo(card(page, s0), { targetPosition: { x: 40, y: 6 } });
    await expect.poll(() => columnIds(page, d), { timeout: 10_000 }).toEqual([last, ...order.slice(0, -1)]);
    expect(stopsOf(await planNow(), d)).toEqual([last, ...order.slice(0, -1)]);

    // The reorders locked s0 and the visit dragged first: the dispatcher releases s0, then locks it again.
    const stopOf = async (visitId: number) => (await planNow()).routes.flatMap((r) => r.stops).find((s) => s.visitId === visitId)!;
    expect((await stopOf(last)).locked).toBe(true);
    await card(page, s0).locator('button.main').click();
    await card(page, s0).getByRole('button', { name: 'Liberar' }).click();
    await card(page, s0).locator('.visit-tag.locked').waitFor({ state: 'detached', timeout: 10_000 });
    expect((await stopOf(s0)).locked).toBe(false);
    await card(page, s0).getByRole('button', { name: 'Fijar en su lugar' }).click();
    await card(page, s0).locator('.visit-tag.locked').waitFor({ timeout: 10_000 });
    expect((await stopOf(s0)).locked).toBe(true);

    await card(page, s2).locator('button.main').click();
    await card(page, s2).getByRole('button', { name: 'Cancelar visita' }).click();
    await card(page, s2).getByRole('button', { name: 'Sí, cancelar' }).click();
    await card(page, s2).waitFor({ state: 'detached', timeout: 10_000 });
    expect((await t.api('GET', `/api/visits/${s2}`, undefined, dispatcher)).body.status).toBe('cancelled');
    expect((await planNow()).routes.flatMap((r) => r.stops).map((s) => s.visitId)).not.toContain(s2);

    // A visit created after the plan waits in the unassigned column (live `visit` event) and can be given to a collector.
    const account = (await t.api('GET', '/api/accounts?limit=1', undefined, dispatcher)).body.accounts[0];
    const created = await t.api('POST', '/api/visits', { accountId: account.id, date }, dispatcher);
    expect(created.status).toBe(201);
    const fresh = page.locator('section[aria-labelledby="board-unassigned"]').locator(`li[data-visit-id="${created.body.id}"]`);
    await fresh.getByText('Nueva: todavía no está en el plan').waitFor({ timeout: 10_000 });
    // The order the dispatcher set, up to the last locked visit: the move below must not undo it.
    const set = (await planNow()).routes.find((r) => r.collectorId === d)!.stops;
    const kept = set.slice(0, set.map((s) => s.locked).lastIndexOf(true) + 1).map((s) => s.visitId);
    expect(kept).toEqual(expect.arrayContaining([last, s0]));
    await fresh.locator('button.main').click();
    await fresh.locator('select').selectOption(String(d));
    await fresh.getByRole('button', { name: 'Mover', exact: true }).click();
    await expect.poll(() => columnIds(page, d), { timeout: 10_000 }).toContain(created.body.id);
    expect(stopsOf(await planNow(), d)).toContain(created.body.id);
    expect((await columnIds(page, d)).slice(0, kept.length)).toEqual(kept);
    await fresh.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Dispatch board');
    expect(await page.getByRole('link', { name: 'Dispatch', exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('lets an admin, who has no team of their own, pick the team; a click on a map pin selects the visit in the list', { timeout: 60_000 }, async () => {
    const { page, errors } = await openBoard(ADMIN.email, ADMIN.password);
    const teams = (await t.api('GET', '/api/teams')).body.teams as { id: number; name: string }[];
    const other = teams.find((team) => team.id !== teamId)!;
    const picker = page.getByLabel('Equipo');
    await picker.selectOption(String(other.id));
    const theirs = (await t.api('GET', `/api/plans/${date}?teamId=${other.id}`)).body as PlanOut;
    const columns = () => page.locator('section[data-collector-id]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.collectorId)));
    await expect.poll(columns, { timeout: 10_000 }).toEqual(theirs.routes.map((r) => r.collectorId));

    // The team and day chosen are in the address: a reload, and the browser's back button, come back to them.
    expect(new URL(page.url()).searchParams.get('team')).toBe(String(other.id));
    expect(new URL(page.url()).searchParams.get('date')).toBe(date);
    await page.reload();
    await expect.poll(columns, { timeout: 30_000 }).toEqual(theirs.routes.map((r) => r.collectorId));
    expect(await picker.inputValue()).toBe(String(other.id));
    await page.getByRole('link', { name: 'Métricas', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/metrics');
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/board');
    await expect.poll(columns, { timeout: 30_000 }).toEqual(theirs.routes.map((r) => r.collectorId));
    expect(await picker.inputValue()).toBe(String(other.id));

    // A click on a pin of the map selects its visit in the list.
    const canvas = page.locator('aside canvas.maplibregl-canvas');
    await canvas.waitFor({ state: 'visible' });
    await page.waitForTimeout(500);
    const box = (await canvas.boundingBox())!;
    const stops = theirs.routes.flatMap((r) => r.stops);
    // The first fit covers the visits waiting for a collector too.
    const waiting = ((await t.api('GET', `/api/visits?date=${date}&teamId=${other.id}&status=planned`)).body.visits as { collectorId: number | null; lat: number | null; lon: number | null }[])
      .filter((v) => v.collectorId === null && v.lat !== null && v.lon !== null)
      .map((v) => ({ lon: v.lon!, lat: v.lat! }));
    const toPixel = fittedProjection([...stops, ...waiting], box.width, box.height);
    const pixels = stops.map((s) => toPixel(s.lon, s.lat));
    // A pin at least 20 px from any other, so the click cannot land on a neighbour.
    const i = pixels.findIndex(([x, y], j) => pixels.every(([x2, y2], k) => k === j || Math.hypot(x - x2, y - y2) > 20));
    expect(i).toBeGreaterThanOrEqual(0);
    await canvas.click({ position: { x: pixels[i][0], y: pixels[i][1] } });
    await expect.poll(() => card(page, stops[i].visitId).locator('button.main').getAttribute('aria-pressed'), { timeout: 5_000 }).toBe('true');
    expect(errors).toEqual([]);
  });

  it('shows a manager the plan read-only: no drag, no actions', { timeout: 60_000 }, async () => {
    const { page, errors } = await openBoard('gerencia@ronda.local', DEMO_PASSWORD);
    await page.getByText('Solo lectura: tu rol no puede cambiar el plan.').waitFor();
    const first = page.locator('section[data-collector-id] li[data-visit-id]').first();
    await first.locator('button.main').click();
    expect(await first.locator('button.main').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('li[data-visit-id] select').count()).toBe(0);
    expect(await page.locator('li[draggable="true"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps the map above the lanes on a phone, never over the first lines of the columns', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await logIn(page, t.baseUrl, 'despacho@ronda.local', DEMO_PASSWORD);
    await page.goto(`${t.baseUrl}/board`);
    await page.locator('section[data-collector-id]').first().waitFor({ timeout: 30_000 });
    const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
    const map = await box('aside.side > *');
    expect(map.height).toBeGreaterThanOrEqual(240);
    expect(map.y + map.height).toBeLessThanOrEqual((await box('.lanes')).y);
    await page.close();
  });

  it('says how many columns are out of view on each side, and its buttons bring them into view', { timeout: 60_000 }, async () => {
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    // This team's four routes fit 1920 px: a laptop's screen does not hold them.
    await page.setViewportSize({ width: 1280, height: 800 });
    const columns = page.locator('.columns > section');
    const inView = async () => {
      const lanes = (await page.locator('.columns').boundingBox())!;
      const boxes = await columns.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
      return boxes.map((b) => b.left >= lanes.x - 1 && b.right <= lanes.x + lanes.width + 1);
    };
    const all = await columns.count();
    const seen = (await inView()).filter(Boolean).length;
    expect(seen, 'a board wider than the screen').toBeLessThan(all);
    const right = page.getByRole('button', { name: /columnas más a la derecha/ });
    expect(await right.getAttribute('aria-label')).toBe(`Ver ${all - seen} columnas más a la derecha`);
    expect(await page.getByRole('button', { name: /columnas más a la izquierda/ }).count()).toBe(0);
    // A column that widens (the waiting one when a visit is cancelled) pushes others out of view without a resize or scroll.
    const widen = (width: string) => columns.first().evaluate((el, w) => void ((el as HTMLElement).style.width = w), width);
    const says = async () => {
      const whole = (await inView()).filter(Boolean).length;
      return { fewer: whole < seen, right: (await right.getAttribute('aria-label')) === `Ver ${all - whole} columnas más a la derecha` };
    };
    await widen('900px');
    await expect.poll(says).toEqual({ fewer: true, right: true });
    await widen('');
    await expect.poll(() => right.getAttribute('aria-label')).toBe(`Ver ${all - seen} columnas más a la derecha`);
    for (let i = 0; i < all && (await right.count()) > 0; i++) {
      await right.click();
      await page.waitForTimeout(600); // the smooth scroll
    }
    expect(await right.count()).toBe(0);
    expect((await inView()).at(-1), 'the last column whole').toBe(true);
    const left = page.getByRole('button', { name: /columnas más a la izquierda/ });
    await left.waitFor();
    await left.click();
    await expect.poll(async () => (await inView()).at(-1)).toBe(false);
    await right.waitFor();
    // A finger is told what a tap does, not about keys and dragging.
    const touch = await browser.newPage({ viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true });
    await logIn(touch, t.baseUrl, 'despacho@ronda.local', DEMO_PASSWORD);
    await touch.goto(`${t.baseUrl}/board`);
    await touch.getByText('Toca una visita para moverla a otra columna, cambiar su orden, cancelarla o fijarla.').waitFor({ timeout: 30_000 });
    expect(await touch.getByText(/Con el teclado/).count()).toBe(0);
    await touch.close();
    expect(errors).toEqual([]);
  });

  it('keeps the buttons to the columns out of view off the cards, at 1366×768 and 1920×1080', { timeout: 60_000 }, async () => {
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    const columns = page.locator('.columns');
    const arrows = page.getByRole('button', { name: /columnas más a la (derecha|izquierda)/ });
    for (const [width, height] of [[1366, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      // This team's columns fit 1920 px: the first made wide, there are columns out of view on both sides once scrolled half way.
      await page.locator('.columns > section').first().evaluate((el) => void ((el as HTMLElement).style.width = '1400px'));
      await columns.evaluate((el) => void (el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2));
      await expect.poll(() => arrows.count()).toBe(2);
      const row = (await columns.boundingBox())!;
      for (const arrow of await arrows.all()) {
        const b = (await arrow.boundingBox())!;
        const overlaps = b.x < row.x + row.width && b.x + b.width > row.x && b.y < row.y + row.height && b.y + b.height > row.y;
        expect(overlaps, `${await arrow.getAttribute('aria-label')} at ${width}×${height}: ${JSON.stringify(b)} over the columns ${JSON.stringify(row)}`).toBe(false);
        // Still on screen, beside the row it scrolls.
        expect(b.x + b.width).toBeLessThanOrEqual(row.x + row.width + 1);
        expect(b.y + b.height).toBeLessThanOrEqual(height);
      }
      await page.locator('.columns > section').first().evaluate((el) => void ((el as HTMLElement).style.width = ''));
    }
    expect(errors).toEqual([]);
  });

  it('marks a visit the collector has not reached ten minutes after its ETA as late', { timeout: 60_000 }, async () => {
    const route = (await planNow()).routes.find((r) => r.stops.length > 0)!;
    const first = route.stops[0];
    const at = Date.parse(first.eta) + 15 * 60_000;
    expect(localDate(TIME_ZONE, new Date(at))).toBe(date); // mid-morning in TIME_ZONE: still today there
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.clock.setFixedTime(at);
    await logIn(page, t.baseUrl, 'despacho@ronda.local', DEMO_PASSWORD);
    await page.goto(`${t.baseUrl}/board`);
    const late = card(page, first.visitId).locator('.late');
    await late.waitFor({ timeout: 30_000 });
    expect(await late.textContent()).toBe('+15 min');
    expect(await late.getAttribute('title')).toBe('Sin llegar 15 min después de la hora planeada');
    await page.close();
  });

  it('shows a visit recorded before the board opened as done, not as open and late', { timeout: 60_000 }, async () => {
    // The last route: the tests after this one work on the first open stops of the first.
    const route = (await planNow()).routes.filter((r) => r.stops.length > 2).at(-1)!;
    const first = route.stops[0];
    const at = Date.parse(first.eta) + 15 * 60_000;
    // The collector found nobody home: recorded after the plan was made, before this board opens.
    const checkin = { id: randomUUID(), visitId: first.visitId, ts: new Date(Date.now() - 60_000).toISOString(), lat: first.lat, lon: first.lon, outcome: 'absent' };
    expect((await t.api('POST', '/api/checkins', checkin, dispatcher)).status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.clock.setFixedTime(at);
    await logIn(page, t.baseUrl, 'despacho@ronda.local', DEMO_PASSWORD);
    await page.goto(`${t.baseUrl}/board`);
    await expect.poll(() => card(page, first.visitId).getAttribute('class'), { timeout: 30_000 }).toMatch(/\bdone\b/);
    expect(await card(page, first.visitId).locator('.late').count()).toBe(0);

    // Reordering that route: the order sent is of the visits still open (the done one was sent too, and the
    // server refused the whole order as another dispatcher's edit).
    const errors = watchErrors(page);
    const [, second, third] = route.stops.map((s) => s.visitId);
    const sent = page.waitForRequest((r) => r.url().endsWith(`/api/plans/${date}/reassign`));
    await card(page, second).locator('button.main').focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect((await sent).postDataJSON().reorder.visitIds).toEqual([third, second, ...route.stops.slice(3).map((s) => s.visitId)]);
    await page.getByRole('status').filter({ hasText: /^Plan actualizado y enviado/ }).waitFor({ timeout: 10_000 });
    const after = await planNow();
    expect(stopsOf(after, route.collectorId).slice(0, 2)).toEqual([third, second]);
    // The re-plan routes the open visits only; the one done stays in the column, first, as not made and when.
    const done = after.routes.find((r) => r.collectorId === route.collectorId)!.done!;
    expect(done.map((d) => [d.visitId, d.status])).toEqual([[first.visitId, 'missed']]);
    await expect.poll(() => columnIds(page, route.collectorId), { timeout: 10_000 }).toEqual([first.visitId, ...stopsOf(after, route.collectorId)]);
    expect(await card(page, first.visitId).locator('.visit-tag').textContent()).toBe('No realizada');
    expect(await card(page, first.visitId).locator('.done-at').textContent()).toBe(clockOf(checkin.ts));
    expect(await page.getByRole('alert').count()).toBe(0);
    // So does a board opened afterwards.
    const fresh = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    await expect.poll(() => columnIds(fresh.page, route.collectorId), { timeout: 10_000 }).toEqual([first.visitId, ...stopsOf(after, route.collectorId)]);
    expect(fresh.errors).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers to plan only a day that has visits and is not over, without failed requests', { timeout: 60_000 }, async () => {
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    const dateInput = page.locator('input[type=date]');
    const button = page.getByRole('button', { name: 'Planificar el día' });
    // A day ahead with no visits: nothing to plan, and no plan asked for (its 404 would be a console error).
    await dateInput.fill(addDays(date, 30));
    await dateInput.dispatchEvent('change');
    await page.getByText('No hay visitas para este día: nada que planificar.').waitFor();
    expect(await button.count()).toBe(0);
    expect(errors).toEqual([]);
    // Yesterday had a visit but no plan: it is history now.
    const yesterday = addDays(date, -1);
    const account = (await t.api('GET', '/api/accounts?limit=1', undefined, dispatcher)).body.accounts[0].id;
    expect((await t.api('POST', '/api/visits', { accountId: account, date: yesterday }, dispatcher)).status).toBe(201);
    await dateInput.fill(yesterday);
    await dateInput.dispatchEvent('change');
    await page.getByText('Este día ya pasó y no tuvo plan.').waitFor();
    expect(await button.count()).toBe(0);
    // What the day had is listed all the same.
    const listed = page.locator('.day-visits tbody tr');
    await expect.poll(() => listed.allInnerTexts()).toEqual([expect.stringMatching(/Sin cobrador\s+\d+\s+Por asignar/)]);
    // Tomorrow with two visits and no plan yet, one of them assigned by hand: both listed, then the button plans them.
    const tomorrow = addDays(date, 1);
    const [collector] = (await t.api('GET', '/api/collectors', undefined, dispatcher)).body.collectors;
    const accounts = (await t.api('GET', '/api/accounts?limit=2', undefined, dispatcher)).body.accounts;
    expect((await t.api('POST', '/api/visits', { accountId: accounts[0].id, date: tomorrow }, dispatcher)).status).toBe(201);
    expect((await t.api('POST', '/api/visits', { accountId: accounts[1].id, date: tomorrow, collectorId: collector.id }, dispatcher)).status).toBe(201);
    await dateInput.fill(tomorrow);
    await dateInput.dispatchEvent('change');
    await page.getByRole('heading', { name: 'Visitas de este día: 2 (1 sin cobrador)' }).waitFor();
    const rows = await listed.allInnerTexts();
    // Unassigned first, then by collector; the visit assigned by hand names its collector.
    expect([rows[0].startsWith(accounts[0].name), rows[0].includes('Sin cobrador')]).toEqual([true, true]);
    expect([rows[1].startsWith(accounts[1].name), rows[1].includes(collector.name), rows[1].includes('Asignada')]).toEqual([true, true, true]);
    await button.click();
    await page.locator('section[data-collector-id] li[data-visit-id]').first().waitFor();
    // The day chosen survives a reload.
    await page.reload();
    await page.locator('section[data-collector-id] li[data-visit-id]').first().waitFor({ timeout: 30_000 });
    expect(await dateInput.inputValue()).toBe(tomorrow);
    // The days with visits but no plan yet were asked for their plans as a list: none, not a 404.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a move chosen before another dispatcher changed the visit, says who did, and lets the dispatcher try again', { timeout: 90_000 }, async () => {
    const { page, errors } = await openBoard(SECOND_DISPATCHER.email, SECOND_DISPATCHER.password);
    const before = await planNow();
    const withStops = before.routes.filter((r) => r.stops.some((s) => s.status === 'assigned' || s.status === 'planned'));
    const from = withStops[0].collectorId;
    const contested = withStops[0].stops.find((s) => s.status === 'assigned' || s.status === 'planned')!;
    const [chosen, elsewhere] = before.routes.map((r) => r.collectorId).filter((id) => id !== from);
    // The dispatcher opens the visit's card; meanwhile another dispatcher moves it elsewhere.
    await card(page, contested.visitId).locator('button.main').click();
    const moved = await t.api('POST', `/api/plans/${date}/reassign`, { moves: [{ visitId: contested.visitId, toCollectorId: elsewhere, version: contested.visitVersion }] }, dispatcher);
    expect(moved.status).toBe(200);
    await expect.poll(() => columnIds(page, elsewhere), { timeout: 10_000 }).toContain(contested.visitId);
    // The card followed the visit and is still open: the dispatcher goes on with the move they had in mind.
    await card(page, contested.visitId).locator('select').selectOption(String(chosen));
    await card(page, contested.visitId).getByRole('button', { name: 'Mover', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'cambió esta visita' });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('Despacho Centro (despacho) cambió esta visita a las');
    const after = await planNow();
    expect(after.version).toBe(moved.body.version);
    expect(stopsOf(after, elsewhere)).toContain(contested.visitId);
    // Having seen the change, the same choice again is applied.
    await card(page, contested.visitId).locator('select').selectOption(String(chosen));
    await card(page, contested.visitId).getByRole('button', { name: 'Mover', exact: true }).click();
    await expect.poll(async () => stopsOf(await planNow(), chosen), { timeout: 10_000 }).toContain(contested.visitId);
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });

  it('says why a move the plan cannot keep was refused, in the board language, and changes nothing', { timeout: 90_000 }, async () => {
    const { page, errors } = await openBoard(SECOND_DISPATCHER.email, SECOND_DISPATCHER.password);
    const before = await planNow();
    const withStops = before.routes.filter((r) => r.stops.some((s) => s.status === 'assigned' || s.status === 'planned'));
    const from = withStops[0].collectorId;
    const visit = withStops[0].stops.find((s) => s.status === 'assigned' || s.status === 'planned')!;
    const to = before.routes.map((r) => r.collectorId).find((id) => id !== from)!;
    // Only its own collector has the skill the visit now needs.
    expect((await t.api('PUT', `/api/plans/settings/collectors/${from}`, { skills: ['legal'] }, dispatcher)).status).toBe(204);
    expect((await t.api('PUT', `/api/plans/settings/visits/${visit.visitId}`, { skills: ['legal'] }, dispatcher)).status).toBe(204);
    await card(page, visit.visitId).locator('button.main').click();
    await card(page, visit.visitId).locator('select').selectOption(String(to));
    await card(page, visit.visitId).getByRole('button', { name: 'Mover', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'habilidad' });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('No se pudo aplicar el cambio: el cobrador no tiene la habilidad que pide la visita.');
    expect((await planNow()).version).toBe(before.version);
    expect(await columnIds(page, from)).toContain(visit.visitId);
    expect((await t.api('PUT', `/api/plans/settings/visits/${visit.visitId}`, { skills: [] }, dispatcher)).status).toBe(204);
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  });

  it("tells the dispatcher whose edit lost to another's, and reloads the winning plan", { timeout: 90_000 }, async () => {
    const one = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    const two = await openBoard(SECOND_DISPATCHER.email, SECOND_DISPATCHER.password);
    // A change made elsewhere (here through the API) reaches both open boards by the live `plan` event.
    const start = await planNow();
    const [a, b] = start.routes.map((r) => r.collectorId);
    const elsewhere = start.routes.find((r) => r.collectorId === b)!.stops[0];
    const moved = await t.api('POST', `/api/plans/${date}/reassign`, { moves: [{ visitId: elsewhere.visitId, toCollectorId: a, version: elsewhere.visitVersion }] }, dispatcher);
    expect(moved.status).toBe(200);
    for (const { page } of [one, two]) await expect.poll(() => columnIds(page, a), { timeout: 5_000 }).toEqual(stopsOf(moved.body, a));

    // Room on both routes the contested visit is sent to: a move onto a full route is refused, nothing else giving way.
    await saveTeamSettings(t.server.dbh.db, teamId, { maxVisitsPerCollector: 12 });
    const before = await planNow();
    const c = before.routes.find((r) => r.collectorId !== a && r.collectorId !== b && r.stops.length > 0)!.collectorId;
    const contested = stopsOf(before, c)[0];
    for (const [{ page }, target] of [
      [one, a],
      [two, b],
    ] as const) {
      await card(page, contested).locator('button.main').click();
      await card(page, contested).locator('select').selectOption(String(target));
    }
    // Both press "Move" having opened the card on the same version of the visit: the server applies
    // one, refuses the other, even when the first move reaches the second board before its click.
    await Promise.all([one, two].map(({ page }) => card(page, contested).getByRole('button', { name: 'Mover', exact: true }).click()));

    const lostAlert = (page: Page) => page.getByRole('alert').filter({ hasText: 'cambió esta visita' });
    // One of the two boards says it lost; by then both requests are answered.
    await expect.poll(async () => (await lostAlert(one.page).count()) + (await lostAlert(two.page).count()), { timeout: 10_000 }).toBe(1);
    const after = await planNow();
    expect(after.version).toBe(before.version + 1);
    const winner = stopsOf(after, a).includes(contested) ? a : b;
    const [won, lost, winnerName] = winner === a ? [one, two, 'Despacho Centro'] : [two, one, SECOND_DISPATCHER.name];
    expect(await lostAlert(lost.page).textContent()).toContain(`${winnerName} (despacho) cambió esta visita a las`);
    expect(await won.page.getByRole('alert').count()).toBe(0);
    // Both boards end on the winning plan: the visit in the winner's chosen column.
    for (const { page } of [one, two]) await expect.poll(() => columnIds(page, winner), { timeout: 10_000 }).toEqual(stopsOf(after, winner));
    expect(await columnIds(lost.page, c)).not.toContain(contested);

    expect(won.errors).toEqual([]);
    // The refused request's 409 is logged by Chromium itself; nothing else may be.
    expect(lost.errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });

  it('names the visits a change took off a route that can no longer hold them, and shows whose they were', { timeout: 90_000 }, async () => {
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    const before = await planNow();
    const isOpen = (s: { status: string }) => s.status === 'assigned';
    const giving = before.routes.find((r) => r.stops.filter(isOpen).length >= 3)!;
    const receiving = before.routes.find((r) => r.collectorId !== giving.collectorId)!;
    // The giving collector's shift now ends in a quarter of an hour: their re-plan cannot hold what they have left.
    const end = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now() + 15 * 60_000);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${giving.collectorId}`, { shift: { start: '06:00', end } }, dispatcher)).status).toBe(204);
    try {
      const moved = giving.stops.filter(isOpen).at(-1)!;
      await card(page, moved.visitId).locator('button.main').click();
      await card(page, moved.visitId).locator('select').selectOption(String(receiving.collectorId));
      await card(page, moved.visitId).getByRole('button', { name: 'Mover', exact: true }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'sin asignar' });
      await alert.waitFor({ timeout: 10_000 });
      const after = await planNow();
      const fell = after.unassigned.filter((u) => u.fromCollectorId === giving.collectorId);
      expect(fell.length).toBeGreaterThan(0);
      const text = (await alert.textContent())!;
      expect(text).toMatch(/^Plan actualizado, pero .+ ya no caben? en la ruta de su cobrador y (quedó|quedaron) sin asignar/);
      for (const u of fell) expect(text).toContain(`${u.accountName} (de ${giving.collectorName})`);
      // The unassigned column says it too, on each card.
      for (const u of fell) {
        const waiting = page.locator('section[aria-labelledby="board-unassigned"]').locator(`li[data-visit-id="${u.visitId}"]`);
        await waiting.getByText(`Salió de la ruta de ${giving.collectorName}: ya no cabía`).waitFor({ timeout: 10_000 });
      }
      expect(stopsOf(after, receiving.collectorId)).toContain(moved.visitId);
    } finally {
      expect((await t.api('PUT', `/api/plans/settings/collectors/${giving.collectorId}`, { shift: null }, dispatcher)).status).toBe(204);
    }
    expect(errors).toEqual([]);
  });

  it("sets the team's shift and even share in the plan settings dialog, at 1366 px; the day then planned gives every collector visits", { timeout: 90_000 }, async () => {
    const settingsUrl = `/api/plans/settings/teams/${teamId}`;
    const before = (await t.api('GET', settingsUrl, undefined, dispatcher)).body;
    const { page, errors } = await openBoard('despacho@ronda.local', DEMO_PASSWORD);
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      const dialog = page.getByRole('dialog', { name: 'Ajustes para planificar el día' });
      const openSettings = page.getByRole('button', { name: 'Ajustes del plan' });

      // The office picked on today's plan map: the dialog steps aside, and comes back with the place clicked.
      await openSettings.click();
      await dialog.getByRole('button', { name: 'Elegir en el mapa' }).click();
      await page.getByRole('status').filter({ hasText: 'Haz clic en el mapa del plan donde está la oficina.' }).waitFor();
      expect(await dialog.isVisible()).toBe(false);
      const canvas = page.locator('aside canvas.maplibregl-canvas');
      await page.waitForTimeout(500);
      const mapBox = (await canvas.boundingBox())!;
      await canvas.click({ position: { x: mapBox.width / 2, y: mapBox.height / 2 } });
      await dialog.waitFor();
      const stops = (await planNow()).routes.flatMap((r) => r.stops);
      const mid = (xs: number[]) => (Math.min(...xs) + Math.max(...xs)) / 2;
      // The fit also covers the visits waiting for a collector: near the middle of the routed ones, not on it.
      expect(Math.abs(Number(await dialog.getByLabel('Latitud').inputValue()) - mid(stops.map((s) => s.lat)))).toBeLessThan(0.03);
      expect(Math.abs(Number(await dialog.getByLabel('Longitud').inputValue()) - mid(stops.map((s) => s.lon)))).toBeLessThan(0.03);
      await dialog.getByRole('button', { name: 'Cancelar' }).click();
      expect((await t.api('GET', settingsUrl, undefined, dispatcher)).body).toEqual(before);

      const day = addDays(date, 3);
      expect((await t.api('POST', '/api/visits/generate', { date: day, teamId }, dispatcher)).body.created).toBeGreaterThan(0);
      const dateInput = page.locator('input[type=date]');
      await dateInput.fill(day);
      await dateInput.dispatchEvent('change');
      const plan = page.getByRole('button', { name: 'Planificar el día' });
      await plan.waitFor();

      await openSettings.click();
      const start = dialog.getByLabel('Inicio del turno');
      const end = dialog.getByLabel('Fin del turno');
      // What the team has now, read back.
      expect(await start.inputValue()).toBe(before.shift.start);
      expect(await dialog.getByLabel('Máximo de visitas por cobrador').inputValue()).toBe(String(before.maxVisitsPerCollector));
      // A shift ending before it starts is named on the field, and nothing is saved.
      await start.fill('08:00');
      await end.fill('07:00');
      await dialog.getByLabel('Máximo de visitas por cobrador').fill('25');
      await dialog.getByRole('checkbox', { name: 'Repartir las visitas por igual' }).check();
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await dialog.getByText('El turno termina después de empezar, el mismo día.').waitFor();
      expect(await end.getAttribute('aria-invalid')).toBe('true');
      expect((await t.api('GET', settingsUrl, undefined, dispatcher)).body).toEqual(before);
      // The whole dialog fits the screen.
      const box = (await dialog.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1366);
      await end.fill('18:00');
      await dialog.getByRole('button', { name: 'Guardar' }).click();
      await page.getByRole('status').filter({ hasText: 'Ajustes del plan guardados.' }).waitFor();
      expect(await dialog.isVisible()).toBe(false);
      expect((await t.api('GET', settingsUrl, undefined, dispatcher)).body).toEqual({ ...before, shift: { start: '08:00', end: '18:00' }, maxVisitsPerCollector: 25, evenShare: true });

      await plan.click();
      const columns = page.locator('section[data-collector-id]');
      await columns.first().waitFor({ timeout: 30_000 });
      const collectors = (await t.api('GET', '/api/collectors', undefined, dispatcher)).body.collectors as { teamId: number }[];
      expect(await columns.count()).toBe(collectors.filter((c) => c.teamId === teamId).length);
      for (const section of await columns.all()) expect(await section.locator('li[data-visit-id]').count()).toBeGreaterThan(0);

      // Planned, the day can be planned again with other settings, after a warning: dismissed, nothing happens.
      const planOf = async () => (await t.api('GET', `/api/plans/${day}`, undefined, dispatcher)).body as PlanOut;
      const first = await planOf();
      expect((await t.api('PUT', settingsUrl, { maxVisitsPerCollector: 3, evenShare: false }, dispatcher)).status).toBe(204);
      const replan = page.getByRole('button', { name: 'Replanificar el día' });
      // The app's own dialog, never the browser's confirm() box (in the browser's language, unlike the page).
      const native: string[] = [];
      page.on('dialog', (d) => void (native.push(d.message()), d.dismiss()));
      const ask = page.getByRole('dialog', { name: /las rutas de cada cobrador pueden cambiar/ });
      await replan.click();
      await ask.waitFor();
      // Focus moves into it, on the safe answer, and Escape cancels: nothing is planned.
      expect(await ask.evaluate((el) => el.contains(document.activeElement) && document.activeElement?.textContent)).toBe('Cancelar');
      await page.keyboard.press('Escape');
      await ask.waitFor({ state: 'hidden' });
      expect((await planOf()).version).toBe(first.version);
      // "Cancelar" cancels too; the buttons speak the page's language, and follow it.
      await replan.click();
      await ask.getByRole('button', { name: 'Cancelar' }).click();
      await ask.waitFor({ state: 'hidden' });
      expect((await planOf()).version).toBe(first.version);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Re-plan the day' }).click();
      const askEn = page.getByRole('dialog', { name: /any collector's route may change/ });
      expect(await askEn.getByRole('button').allTextContents()).toEqual(['Cancel', 'Re-plan the day']);
      await askEn.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Español' }).click();
      await replan.click();
      await ask.getByRole('button', { name: 'Replanificar el día' }).click();
      await page.getByText(`Plan v${first.version + 1}`).waitFor({ timeout: 30_000 });
      expect(native).toEqual([]);
      const again = await planOf();
      expect(Math.max(...again.routes.map((r) => r.stops.length))).toBeLessThanOrEqual(3);
      expect(errors).toEqual([]);
    } finally {
      expect((await t.api('PUT', settingsUrl, before, dispatcher)).status).toBe(204);
      await page.close();
    }
  });
});
