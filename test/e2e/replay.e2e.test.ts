import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

// No DST since 2022: the replayed day is 06:00 UTC to 06:00 UTC.
const TIME_ZONE = 'America/Mexico_City';
/** The debtor's door; the collector drives up the meridian 300 m west of it. */
const HOME = { lat: 20.6767, lon: -103.3445 };
const ROAD_LON = -103.3475;

let t: TestServer;
let browser: Browser;
let centro: number;
let ana: number;
let day: string;
/** ana-phone's, to send another day's positions. */
let phoneToken: string;
/** 11:00 local on `day` plus `min` minutes. */
const at = (min: number) => new Date(Date.parse(`${day}T17:00:00Z`) + min * 60_000).toISOString();

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE });
  day = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(Date.now() - 2 * 86_400_000);
  centro = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana', centro);
  // Ana's check-ins come from the app, her positions from another device (a tracker would do the same): the replay
  // opens on the one that reported, not on the first of her devices.
  const app = await t.createDevice('ana-app', ana);
  const dev = await t.createDevice('ana-phone', ana);
  phoneToken = dev.token;
  const csv = `external_id,name,address,lat,lon,balance_due,days_past_due,team\nR-1,Rosa Díaz,Av. Juárez 100,${HOME.lat},${HOME.lon},1000,45,Centro\n`;
  const imported = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
  expect(imported.status).toBe(200);
  const accountId = (await t.api('GET', '/api/accounts?search=R-1')).body.accounts[0].id;
  const visit = await t.api('POST', '/api/visits', { accountId, date: day, collectorId: ana });
  expect(visit.status).toBe(201);
  const plan = await t.api('POST', '/api/plans/optimize', { date: day, teamId: centro, options: { iterations: 10, seed: 1 } });
  expect(plan.status).toBe(200);

  // Ten minutes driving north, eight parked at the door's corner, ten more minutes north.
  const track = [];
  for (let m = 0; m < 10; m++) track.push({ ts: at(m), lat: HOME.lat - (10 - m) * 0.001, lon: ROAD_LON });
  for (let m = 10; m <= 18; m++) track.push({ ts: at(m), lat: HOME.lat, lon: ROAD_LON });
  for (let m = 19; m <= 28; m++) track.push({ ts: at(m), lat: HOME.lat + (m - 18) * 0.001, lon: ROAD_LON });
  const phone = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'ana-phone', password: dev.token, reconnectPeriod: 0 });
  await phone.publishAsync('ronda/ana-phone/position', JSON.stringify(track), { qos: 1 });
  const checkin = { id: '00000000-0000-4000-8000-000000000001', visitId: visit.body.id, ts: at(14), ...HOME, outcome: 'paid' };
  await phone.endAsync();
  const inPocket = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'ana-app', password: app.token, reconnectPeriod: 0 });
  await inPocket.publishAsync('ronda/ana-app/checkin', JSON.stringify(checkin), { qos: 1 });
  await inPocket.endAsync();
  await vi.waitFor(async () => expect((await t.api('GET', `/api/checkins?collectorId=${ana}`)).body.checkins).toHaveLength(1), { timeout: 10_000 });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Opens the replay page as a user does: Ana, the replayed day, Show; waits for the visit's mark. */
async function showAnasDay(page: Page): Promise<void> {
  await page.goto(`${t.baseUrl}/replay`);
  await page.locator(`form select option[value="${ana}"]`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator('form select').first().selectOption(String(ana));
  await page.locator('input[type=date]').fill(day);
  await page.getByRole('button', { name: 'Ver recorrido' }).click();
  await page.locator('.timeline .mark.visit').waitFor({ timeout: 20_000 });
}

describe('track replay', () => {
  it('marks the stop and the paid visit under the slider, seeks to them on a click, and counts the planned visit', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await showAnasDay(page);

    expect(await page.locator('.buttons select option').allTextContents()).toEqual(['1×', '5×', '15×', '30×', '60×']);
    const slider = page.locator('input[type=range]');
    expect(await slider.getAttribute('max')).toBe('28');

    // Parked from the 10th to the 18th point: a stop of 8 min starting at 11:10.
    const stop = page.locator('.timeline .mark.stop');
    expect(await stop.count()).toBe(1);
    expect(await stop.getAttribute('aria-label')).toMatch(/^Parada a las 11:10.*8 min$/);
    // Its left end: the visit's dot sits on the middle of the bar.
    await stop.click({ position: { x: 2, y: 9 } });
    expect(await slider.inputValue()).toBe('10');

    const visit = page.locator('.timeline .mark.visit');
    expect(await visit.getAttribute('data-outcome')).toBe('paid');
    expect(await visit.getAttribute('aria-label')).toMatch(/^Visita a las 11:14.*pagó$/);
    await visit.click();
    expect(await slider.inputValue()).toBe('14');

    // One visit planned, one made; the plan's key shows because the route was found.
    expect((await page.locator('.stats').innerText()).replace(/\s+/g, ' ')).toContain('Paradas 1 Visitas hechas 1 de 1');
    expect(await page.locator('.legend').innerText()).toContain('Ruta planeada');
    // The visit's colour is named: Ana's one check-in was paid.
    expect((await page.locator('.legend .item').allInnerTexts()).map((s) => s.trim())).toEqual(['Parada', 'Ruta planeada', 'Pagó']);
    expect(errors).toEqual([]);
  });

  it('puts the replayed day in the address, and that address opens the same day by itself', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await showAnasDay(page);
    const address = new URL(page.url());
    expect(Object.fromEntries(address.searchParams)).toEqual({ collector: String(ana), date: day, device: 'ana-phone' });

    // Shared or reloaded: no form to fill, the same track and marks.
    const other = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await logIn(other, t.baseUrl, ADMIN.email, ADMIN.password);
    await other.goto(address.href);
    await other.locator('.timeline .mark.visit').waitFor({ timeout: 20_000 });
    expect(await other.locator('input[type=date]').inputValue()).toBe(day);
    expect(await other.locator('input[type=range]').getAttribute('max')).toBe('28');
    // On a 1024 px screen the panel holds its controls: nothing runs past its right edge.
    await other.setViewportSize({ width: 1024, height: 768 });
    await other.locator('.here').waitFor();
    const overflow = await other.locator('.panel').evaluate((panel) => {
      const edge = panel.getBoundingClientRect().right;
      return Array.from(panel.querySelectorAll('.player *')).filter((el) => el.getBoundingClientRect().right > edge + 0.5).map((el) => el.className || el.tagName);
    });
    expect(overflow).toEqual([]);
    await Promise.all([page.close(), other.close()]);
  });

  it("replays a collector's day in their team's time zone, and their supervisor's metrics keep that clock", { timeout: 60_000 }, async () => {
    // Tijuana is two hours behind the dashboard's zone: 22:30–22:50 there is already the next day in Mexico City.
    const team = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Pacífico', timeZone: 'America/Tijuana' });
    const ines = await createCollector(t, 'Inés', team.body.id);
    const dev = await t.createDevice('ines-phone', ines);
    const evening = Date.parse(`${day}T22:30:00-08:00`);
    const track = Array.from({ length: 21 }, (_, m) => ({ ts: new Date(evening + m * 60_000).toISOString(), lat: 32.5 + m * 0.001, lon: -117.03 }));
    const phone = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'ines-phone', password: dev.token, reconnectPeriod: 0 });
    await phone.publishAsync('ronda/ines-phone/position', JSON.stringify(track), { qos: 1 });
    await phone.endAsync();

    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.baseUrl}/replay?collector=${ines}&date=${day}`);
    const slider = page.locator('input[type=range]');
    await slider.waitFor({ timeout: 20_000 });
    expect(await slider.getAttribute('max')).toBe('20');
    // The clock under the map reads Tijuana time, on the 24-hour clock as everywhere.
    expect(await page.locator('dl.here').innerText()).toMatch(/\b22:30:00\b/);
    // Inés had no visits, so no plan: the track shows alone, with no failed request in the console.
    expect(errors).toEqual([]);
    await page.close();

    // Her supervisor's dashboard keeps Tijuana's clock too: the metrics of that day say she started at 22:30.
    const supervisor = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const supervisorErrors = watchErrors(supervisor);
    await t.server.auth.createUser({ email: 'sup.pacifico@test.local', name: 'Supervisión Pacífico', password: 'pw-123456', role: 'supervisor', teamId: team.body.id });
    await logIn(supervisor, t.baseUrl, 'sup.pacifico@test.local', 'pw-123456');
    await supervisor.goto(`${t.baseUrl}/metrics?from=${day}&to=${day}`);
    const row = supervisor.locator('tr', { hasText: 'Inés' });
    await expect.poll(async () => (await row.count()) > 0 && (await row.innerText()), { timeout: 20_000 }).toMatch(/\b22:30\b/);
    expect(supervisorErrors).toEqual([]);
    await supervisor.close();

    // An admin's dashboard runs on the server's clock (Mexico City), yet each metrics row reads in its team's zone, as the CSV does: 22:30, not 00:30.
    const admin = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const adminErrors = watchErrors(admin);
    await logIn(admin, t.baseUrl, ADMIN.email, ADMIN.password);
    await admin.goto(`${t.baseUrl}/metrics?from=${day}&to=${day}&team=${team.body.id}`);
    const adminRow = admin.locator('tr', { hasText: 'Inés' });
    await expect.poll(async () => (await adminRow.count()) > 0 && (await adminRow.locator('[data-col="firstReport"]').innerText()), { timeout: 20_000 }).toBe('22:30');
    expect(adminErrors).toEqual([]);
    await admin.close();
  });

  it("opens on today of the chosen collector's team, not of the dashboard's zone, until a day is picked", { timeout: 120_000 }, async () => {
    const dayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
    // UTC+14 is on Mexico City's tomorrow from 4:00 there, UTC−12 on its yesterday until 6:00: one of them differs now.
    const zone = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((z) => dayIn(z) !== dayIn(TIME_ZONE))!;
    const team = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Lejos', timeZone: zone });
    expect(team.status).toBe(201);
    const lola = await createCollector(t, 'Lola', team.body.id);
    await t.createDevice('lola-phone', lola);

    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.baseUrl}/replay`);
    const date = page.locator('input[type=date]');
    await expect.poll(() => date.inputValue(), { timeout: 15_000 }).toBe(dayIn(TIME_ZONE));
    await page.locator('select').first().selectOption({ label: 'Lola' });
    await expect.poll(() => date.inputValue()).toBe(dayIn(zone));
    // A day picked stays picked whichever collector is chosen next.
    await date.fill(day);
    await page.locator('select').first().selectOption({ label: 'Ana' });
    expect(await date.inputValue()).toBe(day);
    await page.close();
  });

  it("never shows one collector's track under another's name: a new pick loads its own day by itself", { timeout: 120_000 }, async () => {
    const beto = await createCollector(t, 'Beto', await createTeam(t, 'Sur'));
    await t.createDevice('beto-phone', beto);
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await showAnasDay(page);
    const stats = page.locator('dl.stats');
    expect(await stats.count()).toBe(1);
    // Beto reported nothing that day: nothing of Ana's stays, and no button needs pressing to know it.
    await page.locator('form select').first().selectOption({ label: 'Beto' });
    await page.getByText('No hay posiciones ese día.').waitFor({ timeout: 15_000 });
    expect(await stats.count()).toBe(0);
    expect(await page.locator('.timeline .mark').count()).toBe(0);
    await page.locator('form select').first().selectOption({ label: 'Ana' });
    await page.locator('.timeline .mark.visit').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('collector')).toBe(String(ana));
    // No day after today to pick.
    expect(await page.locator('input[type=date]').getAttribute('max')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("offers a device the collector carried that day though it was handed on since, and replays its trail", { timeout: 120_000 }, async () => {
    // The day before `day`: Ana carried a tracker from 11:00 to 11:12 and her phone from 15:00 to 15:05; the tracker is Rita's now.
    const before = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(Date.parse(`${day}T12:00:00Z`) - 86_400_000);
    const local = (hhmm: string, min: number) => new Date(Date.parse(`${before}T${hhmm}:00-06:00`) + min * 60_000).toISOString();
    const tracker = await t.createDevice('ana-tracker', ana);
    const send = async (uniqueId: string, token: string, track: { ts: string; lat: number; lon: number }[]) => {
      const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0 });
      await device.publishAsync(`ronda/${uniqueId}/position`, JSON.stringify(track), { qos: 1 });
      await device.endAsync();
    };
    await send('ana-tracker', tracker.token, Array.from({ length: 13 }, (_, m) => ({ ts: local('11:00', m), lat: HOME.lat + m * 0.001, lon: ROAD_LON })));
    await send('ana-phone', phoneToken, Array.from({ length: 6 }, (_, m) => ({ ts: local('15:00', m), lat: HOME.lat, lon: ROAD_LON + m * 0.001 })));
    const span = `from=${local('00:00', 0)}&to=${local('00:00', 24 * 60)}`;
    await vi.waitFor(async () => expect((await t.api('GET', `/api/collectors/${ana}/devices-used?${span}`)).body.devices).toHaveLength(2), { timeout: 10_000 });
    const rita = await createCollector(t, 'Rita', centro);
    expect((await t.api('PATCH', '/api/devices/ana-tracker', { collectorId: rita })).status).toBe(200);

    await t.server.auth.createUser({ email: 'sup.centro@test.local', name: 'Supervisión Centro', password: 'pw-123456', role: 'supervisor', teamId: centro });
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, 'sup.centro@test.local', 'pw-123456');
    await page.goto(`${t.baseUrl}/replay?collector=${ana}&date=${before}`);
    const picker = page.getByLabel('Dispositivo');
    const slider = page.locator('input[type=range]');
    // The day's devices, the last to report first and when each did; then the one she holds now that did not.
    await expect.poll(() => picker.locator('option').allTextContents(), { timeout: 20_000 }).toEqual(['ana-phone · 15:00–15:05', 'ana-tracker · 11:00–11:12', 'ana-app']);
    expect(await picker.inputValue()).toBe('ana-phone');
    await expect.poll(() => slider.getAttribute('max'), { timeout: 20_000 }).toBe('5');

    await picker.selectOption('ana-tracker');
    await expect.poll(() => slider.getAttribute('max'), { timeout: 20_000 }).toBe('12');
    expect((await page.locator('.stats').innerText()).replace(/\s+/g, ' ')).toContain('Puntos 13');
    await slider.fill('12');
    expect(await page.locator('dl.here').innerText()).toMatch(/\b11:12:00\b/);

    // The address names the device picked: shared, it opens on the tracker's trail, not on the default phone's.
    const address = new URL(page.url());
    expect(Object.fromEntries(address.searchParams)).toEqual({ collector: String(ana), date: before, device: 'ana-tracker' });
    const shared = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await logIn(shared, t.baseUrl, 'sup.centro@test.local', 'pw-123456');
    await shared.goto(address.href);
    await expect.poll(() => shared.locator('input[type=range]').getAttribute('max'), { timeout: 20_000 }).toBe('12');
    expect(await shared.getByLabel('Dispositivo').inputValue()).toBe('ana-tracker');
    // Another day of hers: the link's device no longer holds, her default does.
    await shared.locator('input[type=date]').fill(day);
    await expect.poll(() => shared.getByLabel('Dispositivo').inputValue(), { timeout: 20_000 }).toBe('ana-phone');
    await shared.close();

    // Rita holds the tracker now, but that day's trail on it is Ana's, not hers.
    await page.locator('form select').first().selectOption({ label: 'Rita' });
    await page.getByText('No hay posiciones ese día.').waitFor({ timeout: 15_000 });
    expect(await picker.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
