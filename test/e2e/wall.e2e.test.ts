/// <reference lib="dom" />
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeOsmAndQuery } from '../../device-protocols/osmand/osmand-encoder.ts';
import { seedDemo } from '../../server/demo/seed-demo.ts';
import { seedPortfolio } from '../../server/demo/seed-portfolio.ts';
import { startFleet } from '../../server/demo/start-fleet.ts';
import { MARKER_RGB, countColours, launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { daytimeZone } from '../../server/demo/demo-day.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

const COLLECTORS = 12;
const MOVING_RGB = MARKER_RGB[3];
/** An SOS marker's red (STATE_COLORS.sos): the badge, its ring, a cluster holding it. Nothing else on the map uses it. */
const SOS_RGB = [0xdc, 0x26, 0x26];
/** The text of a collector's name label on the map (web/src/lib/map/label-images.ts). */
const LABEL_TEXT_RGB = [0xe2, 0xe8, 0xf0];

let t: TestServer;
let fleet: ChildProcess;
let browser: Browser;
let page: Page;
let errors: string[];
/** A demo collector (with a plan, so the deviation engine watches it) whose phone this test drives by hand. */
let probe: { uniqueId: string; token: string; collectorId: number; teamId: number; name: string };

beforeAll(async () => {
  // Mid-morning there, so the seeded day has hours of work left whenever this runs.
  const timeZone = daytimeZone();
  t = await startTestServer({ TIME_ZONE: timeZone }, undefined, { city: true });
  const devices = await seedDemo(t.server.dbh.db, t.server.auth, COLLECTORS, timeZone);
  await seedPortfolio(t.server.dbh.db, t.server.plans, { timeZone: t.server.config.TIME_ZONE, accountsPerTeam: 60, visitsPerCollector: 5, log: t.server.log });
  const [first, ...others] = devices;
  const collector = await t.server.dbh.db.selectFrom('collectors').select(['name', 'team_id']).where('id', '=', first.collectorId).executeTakeFirstOrThrow();
  probe = { uniqueId: first.uniqueId, token: first.token, collectorId: first.collectorId, teamId: collector.team_id!, name: collector.name };
  fleet = startFleet(others, { ports: t.server.ports, dataDir: t.db.dataDir, intervalMs: 1000, log: t.server.log });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors = watchErrors(page);
  await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
}, 180_000);

afterAll(async () => {
  fleet?.kill('SIGTERM');
  await browser?.close();
  await t?.close();
});

/** Pixels of the map canvas in any marker colour: the WebGL layer drew the collectors (the colours are far apart, so no pixel counts twice). */
async function markerPixels(png: Buffer): Promise<number> {
  return (await countColours(page, png, MARKER_RGB)).reduce((a, b) => a + b, 0);
}

/** Pixels of the SOS red on the map itself: the floating panels (the legend shows an SOS badge too) are hidden while it is taken. */
async function sosPixels(p: Page = page, clip?: { x: number; y: number; width: number; height: number }): Promise<number> {
  const hide = await p.addStyleTag({ content: '[data-testid=wall-controls] { visibility: hidden; }' });
  try {
    const png = clip ? await p.screenshot({ clip }) : await p.locator('canvas.maplibregl-canvas').screenshot();
    const [n] = await countColours(p, png, [SOS_RGB]);
    return n;
  } finally {
    await hide.evaluate((el) => (el as Element).remove());
  }
}

async function publishPosition(battery: number): Promise<void> {
  const demoCenter = (await t.api('GET', '/api/map/config')).body.center as [number, number];
  await publishFix(probe, { lat: demoCenter[1], lon: demoCenter[0], speed: 0, battery });
}

async function publishFix(phone: { uniqueId: string; token: string }, fix: { lat: number; lon: number; speed: number; battery: number }): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: phone.uniqueId, password: phone.token, reconnectPeriod: 0 });
  await client.publishAsync(`ronda/${phone.uniqueId}/position`, JSON.stringify({ ts: new Date().toISOString(), ...fix }), { qos: 1 });
  await client.endAsync();
}

/** A collector hired while the wall is open: created, given a phone, and reporting from `at`; resolves once the report is sent. */
async function hire(name: string, at: { lat: number; lon: number }): Promise<void> {
  const collectorId = (await t.api('POST', '/api/collectors', { name, teamId: probe.teamId })).body.id as number;
  const uniqueId = `hired-${collectorId}`;
  const { token } = await t.createDevice(uniqueId, collectorId);
  await publishFix({ uniqueId, token }, { ...at, speed: 20, battery: 80 });
}

/** The list's rows in the DOM: it draws those in view (and a few more), not all of a long list. */
const listRows = (p: Page) => p.locator('section[aria-labelledby=collectors-title] li button');
/** Collectors in view, from the KPI bar's "active / all". */
const activeTotal = async (p: Page) => (await p.getByTestId('kpi-active').locator('strong').textContent())?.replace(/^.*\/\s*/, '');

describe('the map wall in Chromium with a live demo fleet', () => {
  it('draws the collectors on a WebGL map, moving, with the day’s KPIs', { timeout: 120_000 }, async () => {
    const canvas = page.locator('canvas.maplibregl-canvas');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    const rows = page.locator('li button .name');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(COLLECTORS);
    // The demo's visits are loaded: "done / planned" has a plan behind it.
    await expect.poll(() => page.getByTestId('kpi-visits').locator('strong').textContent(), { timeout: 30_000 }).toMatch(/^\d+ \/ [1-9]\d*$/);
    await expect.poll(async () => markerPixels(await canvas.screenshot()), { timeout: 30_000 }).toBeGreaterThan((COLLECTORS - 1) * 40);
    // The map's own controls speak the dashboard's language.
    expect(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title')).toBe('Acercar');

    const first = await canvas.screenshot();
    await page.waitForTimeout(3000);
    const second = await canvas.screenshot();
    expect(Buffer.compare(first, second)).not.toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows a deviation in the open-events feed and acknowledges it', { timeout: 60_000 }, async () => {
    await publishPosition(5); // under the low-battery rule's 15 %
    const item = page.getByTestId('event').filter({ hasText: probe.name }).filter({ hasText: 'Batería baja' });
    await item.waitFor({ timeout: 20_000 });
    // A weak battery is an alert, not a route deviation: the row keeps the collector's state and marks the battery.
    const row = listRows(page).filter({ hasText: probe.name });
    await row.getByTestId('low-battery').waitFor({ timeout: 10_000 });
    expect(await row.locator('.team').textContent()).not.toContain('En desvío');
    // Counted in the list's summary beside idle and offline (SPEC §1: who is idle / offline / low battery).
    const lowCount = page.getByTestId('summary-low-battery');
    expect(await lowCount.locator('.label').textContent()).toBe('Batería baja');
    await expect.poll(async () => Number(await lowCount.locator('strong').textContent()), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);

    // The team's dispatcher sees it too, with no button, and is told who acknowledges.
    await t.server.auth.createUser({ email: 'despacho.wall@test.local', name: 'Despacho Wall', password: 'pw-123456', role: 'dispatcher', teamId: probe.teamId });
    const dispatcher = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const dispatcherErrors = watchErrors(dispatcher);
    await logIn(dispatcher, t.baseUrl, 'despacho.wall@test.local', 'pw-123456');
    const seen = dispatcher.getByTestId('event').filter({ hasText: probe.name }).filter({ hasText: 'Batería baja' });
    await seen.waitFor({ timeout: 20_000 });
    expect(await seen.getByRole('button', { name: 'Enterado' }).count()).toBe(0);
    expect(await dispatcher.getByTestId('ack-hint').textContent()).toBe('Los supervisores marcan los eventos como vistos.');
    expect(dispatcherErrors).toEqual([]);
    await dispatcher.close();

    await item.getByRole('button', { name: 'Enterado' }).click();
    // The admin's role in Spanish, as the rest of the screen.
    await expect.poll(() => item.locator('.acked').textContent(), { timeout: 10_000 }).toBe('Visto por Admin (administración)');
    // The note goes under the event, which keeps its one line with name and time.
    const [what, acked] = await Promise.all([item.locator('.what').boundingBox(), item.locator('.acked').boundingBox()]);
    expect(acked!.y).toBeGreaterThanOrEqual(what!.y + what!.height - 1);
    expect(await item.locator('.who').textContent()).toMatch(new RegExp(`^${probe.name} · `));

    const { body } = await t.api('GET', `/api/events?collectorId=${probe.collectorId}&open=true&type=low_battery`);
    expect(body.events).toHaveLength(1);
    expect(body.events[0].acknowledgedBy).not.toBeNull();
    expect(errors).toEqual([]);
  });

  // Each look for the red badge is a WebGL screenshot counted pixel by pixel (~3 s on a quiet machine, 20 s
  // at busy CI moments): its waits have their own limits, the whole needs more than the usual minute.
  it("puts a phone's SOS at the top of the feed and on the collector's marker, row and count, until it is acknowledged", { timeout: 150_000 }, async () => {
    expect(await sosPixels()).toBe(0);
    const demoCenter = (await t.api('GET', '/api/map/config')).body.center as [number, number];
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: probe.uniqueId, password: probe.token, reconnectPeriod: 0 });
    const fix = { ts: new Date().toISOString(), lat: demoCenter[1], lon: demoCenter[0], speed: 0, battery: 5, attrs: { alarm: 'sos' } };
    await client.publishAsync(`ronda/${probe.uniqueId}/position`, JSON.stringify(fix), { qos: 1 });
    await client.endAsync();
    const sos = page.getByTestId('event').filter({ hasText: probe.name }).filter({ hasText: 'SOS: botón de pánico' });
    await sos.waitFor({ timeout: 20_000 });
    // Critical first: nothing less severe above it.
    expect(await sos.getAttribute('class')).toContain('critical');
    const feed = await page.getByTestId('event').evaluateAll((items) => items.map((li) => `${li.className} ${(li as HTMLElement).dataset.eventType}`));
    expect(feed.slice(0, feed.findIndex((item) => item.includes('alarm'))).every((item) => item.includes('critical'))).toBe(true);

    // The collector is in SOS everywhere the supervisor looks (SPEC §1 live map wall), over their low battery and stop:
    // their row heads the list, tinted and named so; the summary counts them; the marker is the red SOS badge.
    const row = listRows(page).filter({ hasText: probe.name });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 5_000 }).toBe('sos');
    expect(await row.locator('.team').textContent()).toMatch(/· SOS$/);
    expect(await listRows(page).first().textContent()).toContain(probe.name);
    const sosCount = page.getByTestId('summary-sos');
    await expect.poll(() => sosCount.locator('strong').textContent(), { timeout: 5_000 }).toBe('1');
    expect(await sosCount.locator('.label').textContent()).toBe('SOS');
    expect(await page.getByTestId('legend-sos').textContent()).toBe('SOSBotón de pánico');
    await expect.poll(() => sosPixels(), { timeout: 10_000 }).toBeGreaterThan(150);

    await sos.getByRole('button', { name: 'Enterado' }).click();
    // Acknowledging an alarm closes it: it leaves the feed, and the list of open events.
    await sos.waitFor({ state: 'detached', timeout: 10_000 });
    // And the collector is back to their own state: no SOS row, count or marker.
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 5_000 }).not.toBe('sos');
    await expect.poll(() => sosCount.count(), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => sosPixels(), { timeout: 10_000 }).toBe(0);
    const { body } = await t.api('GET', `/api/events?collectorId=${probe.collectorId}&type=alarm`);
    expect(body.events).toMatchObject([{ severity: 'critical', closedAt: expect.any(String), acknowledgedBy: expect.any(String), details: { kind: 'sos', protocol: 'mqtt' } }]);
    expect(errors).toEqual([]);
  });

  it('puts a new payment at the head of the ticker and adds it to the collected KPI', { timeout: 60_000 }, async () => {
    const collected = page.getByTestId('kpi-collected').locator('strong');
    const amountOf = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));
    const before = amountOf(await collected.textContent());
    const account = await t.server.dbh.db.selectFrom('accounts').select('id').where('team_id', '=', probe.teamId).orderBy('id').executeTakeFirstOrThrow();
    const id = randomUUID();
    const res = await t.api('POST', '/api/payments', { id, accountId: account.id, ts: new Date().toISOString(), amount: 1234.5, currency: 'MXN', method: 'cash' });
    expect(res.status).toBe(201);

    const entry = page.locator(`[data-testid=payment][data-payment-id="${id}"]`);
    await entry.waitFor({ timeout: 10_000 });
    expect(await entry.locator('strong').textContent()).toBe('$1,234.50');
    expect(await page.getByTestId('payment').first().getAttribute('data-payment-id')).toBe(id);
    await expect.poll(async () => amountOf(await collected.textContent()), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 1234.5);
    expect(errors).toEqual([]);
  });

  it('saves the README screenshot at 1080p once trails, an event and a payment are on it', { timeout: 60_000 }, async () => {
    // Trails: the wall keeps a point every 15 s per collector, so give them a few.
    await page.waitForTimeout(20_000);
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: 'docs/screenshots/wall.png' });
    expect(errors).toEqual([]);
  });

  describe('collectors hired while it is open', () => {
    /** Far north-east of the fleet: framing the whole fleet puts it in the map's top-right corner. */
    let northEast: { lat: number; lon: number };
    let farName: string;

    beforeAll(async () => {
      const fleetFixes = async () => {
        const { body } = await t.api('GET', '/api/collectors');
        return (body.collectors as { last: { lat: number; lon: number } | null }[]).flatMap((c) => (c.last ? [c.last] : []));
      };
      // The demo fleet (everyone but the probe) has reported.
      await vi.waitFor(async () => expect((await fleetFixes()).length).toBeGreaterThanOrEqual(COLLECTORS - 1), { timeout: 30_000, interval: 500 });
      const fixes = await fleetFixes();
      const [minLat, maxLat] = [Math.min(...fixes.map((f) => f.lat)), Math.max(...fixes.map((f) => f.lat))];
      const [minLon, maxLon] = [Math.min(...fixes.map((f) => f.lon)), Math.max(...fixes.map((f) => f.lon))];
      // About twice as wide as tall on screen, as the 1366 × 768 kiosk's map is, so the corner is a corner.
      const lat = maxLat + 0.005;
      const groundWidthDeg = (2 * (lat - minLat)) / Math.cos((lat * Math.PI) / 180);
      northEast = { lat, lon: Math.max(maxLon + 0.005, minLon + groundWidthDeg) };
    });

    it('lists a new collector within seconds of their first report, even right after another one', { timeout: 60_000 }, async () => {
      farName = 'Nueva Lejana';
      await hire(farName, northEast);
      await expect.poll(() => listRows(page).filter({ hasText: farName }).count(), { timeout: 15_000 }).toBe(1);
      // The list has just reloaded for the first one: the second must not wait for a slow reload period.
      // SPEC §1 says under 2 s; the slack is for a loaded CI machine, the old reload period was 30 s.
      const demoCenter = (await t.api('GET', '/api/map/config')).body.center as [number, number];
      await hire('Nuevo Cercano', { lat: demoCenter[1], lon: demoCenter[0] });
      const reportedAt = Date.now();
      await expect.poll(() => listRows(page).filter({ hasText: 'Nuevo Cercano' }).count(), { timeout: 10_000 }).toBe(1);
      expect(Date.now() - reportedAt).toBeLessThan(10_000);
      await expect.poll(() => activeTotal(page), { timeout: 5_000 }).toBe(String(COLLECTORS + 2));
      expect(errors).toEqual([]);
    });

    it('shows a collector renamed while it is open, without a page reload', { timeout: 30_000 }, async () => {
      const { body } = await t.api('GET', '/api/collectors');
      const { id } = (body.collectors as { id: number; name: string }[]).find((c) => c.name === 'Nuevo Cercano')!;
      expect((await t.api('PATCH', `/api/collectors/${id}`, { name: 'Nuevo Renombrado' })).status).toBe(200);
      // The live `collectors` event reloads the list; the renamed collector's next report may be minutes away.
      await expect.poll(() => listRows(page).filter({ hasText: 'Nuevo Renombrado' }).count(), { timeout: 10_000 }).toBe(1);
      expect(await listRows(page).filter({ hasText: 'Nuevo Cercano' }).count()).toBe(0);
      expect(await activeTotal(page)).toBe(String(COLLECTORS + 2));

      // Their card offers to call them once they have a phone, given while it is open.
      await listRows(page).filter({ hasText: 'Nuevo Renombrado' }).click();
      const card = page.getByRole('complementary', { name: 'Nuevo Renombrado' });
      await card.waitFor();
      expect(await card.getByTestId('card-phone').count()).toBe(0);
      expect((await t.api('PATCH', `/api/collectors/${id}`, { phone: '+52 33 1234 5678' })).status).toBe(200);
      const call = card.getByTestId('card-phone').getByRole('link', { name: '+52 33 1234 5678' });
      await call.waitFor({ timeout: 10_000 });
      expect(await call.getAttribute('href')).toBe('tel:+523312345678');
      await card.getByRole('button', { name: 'Cerrar' }).click();
      expect(errors).toEqual([]);
    });

    it('keeps the collector a person picks in view, even in the first seconds of the wall', { timeout: 90_000 }, async () => {
      // The 1080p wall is done; two live WebGL maps at once starve each other's frames on a small machine.
      await page.close();
      const early = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const earlyErrors = watchErrors(early);
      await logIn(early, t.baseUrl, ADMIN.email, ADMIN.password);
      await early.getByRole('searchbox').fill(farName);
      const far = listRows(early).filter({ hasText: farName });
      await far.waitFor({ timeout: 20_000 });
      const openedAt = Date.now();
      await far.click();
      // "Only this zone": the list and the KPIs count who is on screen, so they tell what the map is framing.
      await early.getByLabel('Solo esta zona').check();
      await expect.poll(async () => Number(await activeTotal(early)), { timeout: 30_000 }).toBeLessThan(COLLECTORS);
      // The wall re-frames the fleet 10 s after its first frame (before `openedAt`), unless someone chose where to look.
      await early.waitForTimeout(Math.max(3_000, openedAt + 15_000 - Date.now()));
      expect(await listRows(early).filter({ hasText: farName }).count()).toBe(1);
      expect(Number(await activeTotal(early))).toBeLessThan(COLLECTORS);
      expect(earlyErrors).toEqual([]);
      await early.close();
    });

    it('frames the fleet in kiosk mode clear of the legend column, name labels included', { timeout: 90_000 }, async () => {
      const kiosk = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const kioskErrors = watchErrors(kiosk);
      await logIn(kiosk, t.baseUrl, ADMIN.email, ADMIN.password);
      await kiosk.goto(`${t.baseUrl}/?kiosk`);
      const controls = kiosk.getByTestId('wall-controls');
      await controls.waitFor({ timeout: 20_000 });
      await expect.poll(() => activeTotal(kiosk), { timeout: 20_000 }).toBe(String(COLLECTORS + 2));
      // Past the settling re-frame (10 s after the first).
      await kiosk.waitForTimeout(14_000);
      // What is under the status, the filters and the legend: no moving collector (the far one moves) and no
      // name label (the far one's is drawn right of it, towards the legend). Only those colours: a missed
      // visit's pin shares the deviation red, and a label's age the idle yellow.
      const panels = await controls.locator(':scope > *').all();
      const boxes = (await Promise.all(panels.map((p) => p.boundingBox()))).flatMap((b) => (b && b.width > 0 && b.height > 0 ? [b] : []));
      expect(boxes.length).toBeGreaterThanOrEqual(3);
      await kiosk.addStyleTag({ content: '[data-testid=wall-controls] { visibility: hidden; }' });
      for (const clip of boxes) expect(await countColours(kiosk, await kiosk.screenshot({ clip }), [MOVING_RGB, LABEL_TEXT_RGB])).toEqual([0, 0]);
      expect(kioskErrors).toEqual([]);
      await kiosk.close();
    });
  });

  it("finds an SOS where the collector was last seen when their tracker has no fix and the wall has no marker for them", { timeout: 90_000 }, async () => {
    const demoCenter = (await t.api('GET', '/api/map/config')).body.center as [number, number];
    // Last seen here by a phone they no longer carry: a valid fix, then the phone is disabled, so its report gives no marker.
    const lastSeen = { lat: demoCenter[1] - 0.006, lon: demoCenter[0] - 0.006 };
    const name = 'Sin Señal';
    const collectorId = (await t.api('POST', '/api/collectors', { name, teamId: probe.teamId })).body.id as number;
    const phoneId = `phone-${collectorId}`;
    const { token } = await t.createDevice(phoneId, collectorId);
    await publishFix({ uniqueId: phoneId, token }, { ...lastSeen, speed: 0, battery: 60 });
    const db = t.server.dbh.db;
    await vi.waitFor(async () => expect(await db.selectFrom('positions').select('device_time').where('collector_id', '=', collectorId).executeTakeFirst()).toBeDefined(), { timeout: 10_000 });
    expect((await t.api('PATCH', `/api/devices/${phoneId}`, { active: false })).status).toBe(200);
    const trackerId = `tracker-${collectorId}`;
    await t.createDevice(trackerId, collectorId);

    const wall = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const wallErrors = watchErrors(wall);
    await logIn(wall, t.baseUrl, ADMIN.email, ADMIN.password);
    const row = listRows(wall).filter({ hasText: name });
    await wall.getByRole('searchbox').fill(name);
    await row.waitFor({ timeout: 20_000 });
    await wall.locator('canvas.maplibregl-canvas').waitFor({ state: 'visible', timeout: 30_000 });

    // The new tracker's panic button, with no GPS lock: its fix is refused, the alarm kept at the last known one.
    const junk = encodeOsmAndQuery(trackerId, { time: new Date(), lat: demoCenter[1] + 1, lon: demoCenter[0] + 1 });
    expect((await fetch(`http://127.0.0.1:${t.server.ports.osmand}/?${junk}&valid=false&alarm=sos`)).status).toBe(200);
    const { body } = await t.api('GET', `/api/events?collectorId=${collectorId}&type=alarm&open=true`);
    expect(body.events).toMatchObject([{ details: { kind: 'sos', position: 'last_known', lat: lastSeen.lat, lon: lastSeen.lon } }]);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('sos');

    // Choosing the alarm in the feed takes the map to where the collector was last seen, and an SOS is drawn there.
    await wall.getByTestId('event').filter({ hasText: name }).locator('.what').click();
    const canvas = (await wall.locator('canvas.maplibregl-canvas').boundingBox())!;
    const centre = { x: canvas.x + canvas.width / 2 - 60, y: canvas.y + canvas.height / 2 - 60, width: 120, height: 120 };
    await expect.poll(() => sosPixels(wall, centre), { timeout: 15_000 }).toBeGreaterThan(150);
    expect(wallErrors).toEqual([]);
    await wall.close();
  });
});
