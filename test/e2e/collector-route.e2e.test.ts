import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanOut } from '../../server/contract/plan.ts';
import { daytimeZone } from '../../server/demo/demo-day.ts';
import { DEMO_COLLECTOR_LOGIN, DEMO_PASSWORD, seedDemo } from '../../server/demo/seed-demo.ts';
import { localDate, seedPortfolio } from '../../server/demo/seed-portfolio.ts';
import { saveTeamSettings } from '../../server/plans/plan.repository.ts';
import { createCollector } from '../../server/operations/testing/fixtures.ts';
import { countColours, launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * A collector reads their day in order on their own wall: the optimizer's stops with their ETAs, the next
 * one marked, what they collected at each, and a visit the dispatcher moves to a teammate leaves the list live, with no reload.
 */
const TIME_ZONE = daytimeZone();
const NEWCOMER = { email: 'nuevo@ronda.local', name: 'Nuevo Cobrador', password: 'pw-123456' };

let t: TestServer;
let browser: Browser;
let date: string;
let dispatcher: string;
let collectorId: number;

const planNow = async (): Promise<PlanOut> => {
  const r = await t.api('GET', `/api/plans/${date}`, undefined, dispatcher);
  expect(r.status).toBe(200);
  return r.body;
};
const clockOf = (iso: string) => new Intl.DateTimeFormat('es-MX', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.parse(iso));
/** What each row of the list says, top to bottom: number, debtor, time and state. */
const rows = (page: Page) =>
  page
    .getByRole('region', { name: 'Tu ruta de hoy', exact: true })
    .locator('ol > li')
    .evaluateAll((els) =>
      els.map((li) => [li.querySelector('.number')?.textContent?.trim(), li.querySelector('.name')?.textContent?.trim(), li.querySelector('time')?.textContent?.trim(), li.querySelector('.state')?.textContent?.trim()].join(' | ')),
    );
/** What the list should say for the plan's open stops of the collector (none is done yet in this test). */
const expected = (plan: PlanOut) =>
  plan.routes
    .find((r) => r.collectorId === collectorId)!
    .stops.map((s, k) => [String(k + 1), s.accountName, clockOf(s.eta), k === 0 ? 'Siguiente' : 'Pendiente'].join(' | '));

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE }, undefined, { city: true });
  await seedDemo(t.server.dbh.db, t.server.auth, 8, TIME_ZONE);
  for (const team of (await t.api('GET', '/api/teams')).body.teams) await saveTeamSettings(t.server.dbh.db, team.id, { maxVisitsPerCollector: 7 });
  await seedPortfolio(t.server.dbh.db, t.server.plans, { timeZone: TIME_ZONE, accountsPerTeam: 30, visitsPerCollector: 4, log: t.server.log });
  date = localDate(TIME_ZONE);
  const login = await t.api('POST', '/api/auth/login', { email: 'despacho@ronda.local', password: DEMO_PASSWORD }, null);
  dispatcher = login.body.token;
  const collector = await t.api('POST', '/api/auth/login', { email: DEMO_COLLECTOR_LOGIN, password: DEMO_PASSWORD }, null);
  collectorId = collector.body.user.collectorId;
  // A collector of the same team who joined after the day was planned: no route of theirs.
  const newcomer = await createCollector(t, NEWCOMER.name, login.body.user.teamId);
  await t.server.auth.createUser({ ...NEWCOMER, role: 'collector', teamId: login.body.user.teamId, collectorId: newcomer });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("a collector's route on their wall in Chromium", () => {
  it('shows a stop on the map, numbered as in the list, when they choose it there', { timeout: 120_000 }, async () => {
    const mine = (await planNow()).routes.find((r) => r.collectorId === collectorId)!;
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, DEMO_COLLECTOR_LOGIN, DEMO_PASSWORD);
    const section = page.getByRole('region', { name: 'Tu ruta de hoy', exact: true });
    await expect.poll(() => rows(page), { timeout: 30_000 }).toEqual(expected(await planNow()));
    const canvas = (await page.locator('canvas.maplibregl-canvas').boundingBox())!;
    // The middle of the map: where the chosen stop's pin lands (the list's button flies there).
    const middle = { x: canvas.x + canvas.width / 2 - 8, y: canvas.y + canvas.height / 2 - 8, width: 16, height: 16 };
    // An open visit's pin there: VISIT_COLORS `assigned` (#cbd5e1, operations-layers.ts), drawn at 0.9 opacity over the
    // streets or the route, so only near that colour; the dark streets and the route are far from it.
    const PIN: [number, number, number] = [0xcb, 0xd5, 0xe1];
    const pinAtMiddle = async () => (await countColours(page, await page.screenshot({ clip: middle, scale: 'css' }), [PIN], 60))[0];
    // Their stops' pins carry the list's numbers: a numbered pin is 10 px in radius whatever its priority, so its colour
    // reaches 8–10 px from its centre, where an unnumbered pin (at most 8 px, then its dark or orange edge) has none;
    // and its number is dark (#05080f) within the middle, inside the pin (the map's background is #0b1220, out of tolerance).
    const cx = Math.round(canvas.x + canvas.width / 2);
    const cy = Math.round(canvas.y + canvas.height / 2);
    const rim = async () => {
      let n = 0;
      for (const [dx, dy] of [[8, -1], [-10, -1], [-1, 8], [-1, -10]]) {
        n += (await countColours(page, await page.screenshot({ clip: { x: cx + dx, y: cy + dy, width: 2, height: 2 }, scale: 'css' }), [PIN], 60))[0];
      }
      return n;
    };
    const digits = async () => (await countColours(page, await page.screenshot({ clip: { x: cx - 6, y: cy - 6, width: 12, height: 12 }, scale: 'css' }), [[0x05, 0x08, 0x0f]], 20))[0];
    // The last stop, then the first: two places, so a map that stayed put cannot pass both.
    for (const stop of [mine.stops.at(-1)!, mine.stops[0]]) {
      expect(stop.status).toBe('assigned');
      await section.locator(`li[data-visit-id="${stop.visitId}"] button`).click();
      await expect.poll(pinAtMiddle, { timeout: 30_000, message: stop.accountName }).toBeGreaterThan(20);
      await expect.poll(rim, { timeout: 10_000, message: `${stop.accountName}: a numbered pin` }).toBeGreaterThanOrEqual(8);
      expect(await digits(), `${stop.accountName}: its number`).toBeGreaterThan(4);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists their stops in the plan order with their ETAs, and drops a visit moved to a teammate live', { timeout: 150_000 }, async () => {
    const plan = await planNow();
    const mine = plan.routes.find((r) => r.collectorId === collectorId)!;
    expect(mine.stops.length, 'the demo plans a few visits for them').toBeGreaterThanOrEqual(3);

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, DEMO_COLLECTOR_LOGIN, DEMO_PASSWORD);
    await expect.poll(() => rows(page), { timeout: 30_000 }).toEqual(expected(plan));
    // Between their alerts and their status, as a real ordered list; the next stop is marked for assistive technology too.
    const order = await page.locator('aside.side > section h2').allInnerTexts();
    expect(order.map((h) => h.trim())).toEqual(['Eventos abiertos', 'Tu ruta de hoy', 'Tu estado']);
    const section = page.getByRole('region', { name: 'Tu ruta de hoy', exact: true });
    expect(await section.locator('li[aria-current=step] .name').innerText()).toBe(mine.stops[0].accountName);
    expect(await section.locator('li').nth(1).locator('.address').innerText()).toBe(mine.stops[1].address);
    const high = mine.stops.filter((s) => s.priority >= 70).map((s) => s.accountName);
    expect((await section.locator('li', { hasText: 'Prioridad alta' }).locator('.name').allInnerTexts()).sort()).toEqual(high.sort());

    // The dispatcher gives their second stop to the teammate with the lightest route; the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const moved = mine.stops[1];
    const to = plan.routes.filter((r) => r.collectorId !== collectorId).sort((a, b) => a.stops.length - b.stops.length)[0].collectorId;
    const answer = await t.api('POST', `/api/plans/${date}/reassign`, { moves: [{ visitId: moved.visitId, toCollectorId: to, version: moved.visitVersion }] }, dispatcher);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const after = await planNow();
    expect(after.routes.find((r) => r.collectorId === collectorId)!.stops.map((s) => s.visitId)).not.toContain(moved.visitId);
    await expect.poll(() => rows(page), { timeout: 30_000 }).toEqual(expected(after));
    expect((await rows(page)).join('\n')).not.toContain(moved.accountName);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // They record their first two stops (the debtor refused at one, nobody home at the other): done and not done, in
    // words, and the third is next; live too. Only names and states: a re-plan may follow a check-in.
    const [first, second, third] = after.routes.find((r) => r.collectorId === collectorId)!.stops;
    for (const [k, [stop, outcome]] of ([[first, 'refused'], [second, 'absent']] as const).entries()) {
      const checkin = { id: randomUUID(), visitId: stop.visitId, ts: new Date(Date.now() - (60 - k * 30) * 1000).toISOString(), lat: stop.lat, lon: stop.lon, outcome };
      const recorded = await t.api('POST', '/api/checkins', checkin, dispatcher);
      expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    }
    const states = async () => (await rows(page)).slice(0, 3).map((r) => r.split(' | ').filter((_, i) => i !== 2).join(' | '));
    await expect
      .poll(states, { timeout: 30_000 })
      .toEqual([`1 | ${first.accountName} | Realizada`, `2 | ${second.accountName} | No realizada`, `3 | ${third.accountName} | Siguiente`]);
    expect(await section.locator('header .side-section-count').innerText()).toBe(`2 de ${after.routes.find((r) => r.collectorId === collectorId)!.stops.length}`);

    // The dispatcher's board numbers their day as their list does, after a re-plan of their route too (which restarts
    // the plan's own sequence at its first open stop): "go to stop 3" is one visit to both.
    const relocked = await t.api('POST', `/api/plans/${date}/reassign`, { lock: [third.visitId] }, dispatcher);
    expect(relocked.status, JSON.stringify(relocked.body)).toBe(200);
    const board = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const boardErrors = watchErrors(board);
    await logIn(board, t.baseUrl, 'despacho@ronda.local', DEMO_PASSWORD);
    await board.goto(`${t.baseUrl}/board`);
    const replanned = (relocked.body as PlanOut).routes.find((r) => r.collectorId === collectorId)!.stops;
    expect(replanned[0].sequence, 'the re-plan numbers its own stops from 1').toBe(1);
    const numbersOnBoth = async () => {
      const listed = new Map((await rows(page)).map((r) => r.split(' | ')).map(([n, name]) => [name, n]));
      const onBoard = await Promise.all(replanned.map((s) => board.locator(`li.visit-card[data-visit-id="${s.visitId}"] .seq`).innerText().catch(() => '')));
      return replanned.map((s, k) => `${s.accountName}: ${onBoard[k]} / ${listed.get(s.accountName)}`);
    };
    await expect.poll(numbersOnBoth, { timeout: 30_000 }).toEqual(replanned.map((s, k) => `${s.accountName}: ${k + 3} / ${k + 3}`));
    expect(boardErrors).toEqual([]);
    await board.close();

    // The debtor who refused pays after all, in two goes: the stop says what they collected there, live.
    for (const amount of [120, 30.5]) {
      const paid = await t.api('POST', '/api/payments', { id: randomUUID(), visitId: first.visitId, ts: new Date().toISOString(), amount, currency: 'MXN', method: 'cash' }, dispatcher);
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    }
    const paidAt = (visitId: number) => section.locator(`li[data-visit-id="${visitId}"] .paid`);
    await expect.poll(() => paidAt(first.visitId).innerText().catch(() => ''), { timeout: 30_000 }).toBe('Cobrado $150.50');
    expect(await paidAt(second.visitId).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // In English too.
    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: 'Your route today', exact: true });
    expect(await english.locator('li[aria-current=step] .state').innerText()).toBe('Next');
    expect(await english.locator(`li[data-visit-id="${first.visitId}"] .paid`).innerText()).toBe('Collected MX$150.50');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so when they have no route today, and is not on the dispatcher’s wall', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, NEWCOMER.email, NEWCOMER.password);
    const section = page.getByRole('region', { name: 'Tu ruta de hoy', exact: true });
    await expect.poll(() => section.locator('.side-section-note').innerText().catch(() => ''), { timeout: 30_000 }).toBe('Aún no tienes ruta para hoy.');
    expect(await section.locator('li').count()).toBe(0);
    await page.close();

    const team = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const teamErrors = watchErrors(team);
    await logIn(team, t.baseUrl, 'despacho@ronda.local', DEMO_PASSWORD);
    await team.locator('li button .name').first().waitFor({ timeout: 30_000 });
    expect((await team.locator('aside.side > section h2').allInnerTexts()).map((h) => h.trim())).toEqual(['Eventos abiertos', 'Cobradores']);
    expect([...errors, ...teamErrors]).toEqual([]);
    await team.close();
  });
});
