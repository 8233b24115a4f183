import { mkdirSync } from 'node:fs';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGt06Login } from '../../device-protocols/gt06/gt06-encoder.ts';
import { RawTcp } from '../../server/ingest/listeners/testing/raw-tcp.ts';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, noSidewaysScroll, offersSection, openSection, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';

const SCREENSHOT = 'docs/screenshots/devices.png';
const PASSWORD = 'pw-123456';
const SUPERVISOR = { email: 'sara@test.local', name: 'Sara Supervisora' };
const DISPATCHER = { email: 'diego@test.local', name: 'Diego Despacho' };
const IMEI = '359339081234567';
/** DEVICE_HOST: the devices reach the server by another name than the dashboard's (127.0.0.1 here). */
const DEVICE_HOST = 'gps.example.com';

let t: TestServer;
let teamId: number;
let ana: number;
let beto: number;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer({ DEVICE_HOST });
  teamId = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana Ruiz', teamId);
  beto = await createCollector(t, 'Beto Soto', teamId);
  await t.server.auth.createUser({ ...SUPERVISOR, password: PASSWORD, role: 'supervisor', teamId });
  await t.server.auth.createUser({ ...DISPATCHER, password: PASSWORD, role: 'dispatcher', teamId });
  await t.createDevice('repuesto-1', null);
  await t.createDevice('beto-phone', beto);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Chromium logs every refused request as a console error; these refusals are the test's own. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of (400|409)/.test(e));
const row = (page: Page, uniqueId: string) => page.locator(`tr[data-device="${uniqueId}"]`);
const setting = async (page: Page, name: string) => (await page.locator(`[data-testid=token-card] dd[data-setting=${name}]`).innerText()).trim();
const mqttLogin = (username: string, password: string) =>
  mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username, password, clientId: `${username}-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0 });
const refusedCode = (username: string, password: string) =>
  mqttLogin(username, password).then(
    async (c) => (await c.endAsync(), null),
    (e: Error & { code?: number }) => e.code ?? e.message,
  );
/** The page at 1366 px shows everything without sideways scrolling. */

async function open(email: string, password: string, viewport = { width: 1366, height: 768 }) {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await logIn(page, t.baseUrl, email, password);
  return { page, errors };
}

describe('the devices page in Chromium', () => {
  it("lets a supervisor register a phone, shows its token once, and lists it reporting once it logs in to MQTT with it; hands out, disables and rotates with confirmation", { timeout: 120_000 }, async () => {
    const { page, errors } = await open(SUPERVISOR.email, PASSWORD);
    // The section the page adds still leaves every one of the top bar's in view on a 1024 px tablet.
    await page.setViewportSize({ width: 1024, height: 768 });
    const nav = page.getByRole('navigation');
    await nav.getByRole('button', { name: 'Gestión' }).waitFor();
    const fit = await nav.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    await page.setViewportSize({ width: 1366, height: 768 });
    await openSection(page, 'Dispositivos');
    await row(page, 'repuesto-1').waitFor({ timeout: 30_000 });
    // A supervisor reads the unknown ids too (none yet), to register a tracker from the id it sends.
    await page.getByRole('heading', { name: 'Dispositivos desconocidos vistos' }).waitFor();
    expect(await page.getByText('Ningún dispositivo desconocido ha intentado conectarse.').count()).toBe(1);

    const form = page.getByRole('form', { name: 'Registrar dispositivo' });
    await form.getByLabel('Id único').fill('ana-phone');
    await form.getByLabel('Nombre').fill('Teléfono de Ana');
    await form.getByLabel('Protocolo').selectOption('mqtt');
    await form.getByLabel('Cobrador').selectOption({ label: 'Ana Ruiz' });
    await form.getByRole('button', { name: 'Registrar' }).click();

    const card = page.getByTestId('token-card');
    await card.waitFor();
    expect(await card.innerText()).toContain('Guarda el token ahora: no se volverá a mostrar');
    // The host devices reach, not the dashboard's; the port the server bound (0 in the config).
    expect(await setting(page, 'host')).toBe(DEVICE_HOST);
    expect(await setting(page, 'mqttPort')).toBe(String(t.server.ports.mqtt));
    expect(await setting(page, 'username')).toBe('ana-phone');
    const token = await setting(page, 'password');
    expect(token.length).toBeGreaterThan(20);
    expect(await row(page, 'ana-phone').locator('[data-col=lastReport]').innerText()).toBe('Sin reportes');
    expect(await noSidewaysScroll(page)).toBe(true);

    // The phone logs in with what the page showed, and its position reaches the list without a reload.
    const phone = await mqttLogin('ana-phone', token);
    await phone.publishAsync('ronda/ana-phone/position', JSON.stringify({ ts: Date.now() - 2000, lat: 20.67, lon: -103.35, battery: 64 }), { qos: 1 });
    await row(page, 'ana-phone').locator('[data-col=lastReport][data-reporting=true]').waitFor({ timeout: 15_000 });
    expect((await row(page, 'ana-phone').locator('[data-col=battery]').innerText()).replace(/\s/g, '')).toBe('64%');
    await phone.endAsync();

    // Once dismissed, the token is nowhere on the page, nor after a reload.
    await card.getByRole('button', { name: 'Ya lo guardé' }).click();
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await row(page, 'ana-phone').waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await row(page, 'ana-phone').locator('[data-col=lastReport]').getAttribute('data-reporting')).toBe('true');

    // Refusals in the page's words.
    await form.getByLabel('Id único').fill('ana-phone');
    await form.getByLabel('Nombre').fill('Otro');
    await form.getByRole('button', { name: 'Registrar' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('Ya existe un dispositivo con el id ana-phone.');
    await form.getByLabel('Id único').fill('con espacios!');
    await form.getByRole('button', { name: 'Registrar' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toContain('Datos no válidos');

    // Handed to Beto, then back to the pool.
    await row(page, 'ana-phone').getByLabel('Cobrador de ana-phone').selectOption({ label: 'Beto Soto' });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'ahora es de' }).count()).toBe(1);
    expect((await t.api('GET', '/api/devices')).body.devices.find((d: { uniqueId: string }) => d.uniqueId === 'ana-phone').collectorId).toBe(beto);
    // A name longer than the select's width is said whole on hover.
    expect(await row(page, 'ana-phone').getByLabel('Cobrador de ana-phone').getAttribute('title')).toBe('Beto Soto');
    await row(page, 'ana-phone').getByLabel('Cobrador de ana-phone').selectOption({ label: 'Sin asignar' });
    await expect.poll(async () => (await t.api('GET', '/api/devices')).body.devices.find((d: { uniqueId: string }) => d.uniqueId === 'ana-phone').collectorId).toBeNull();

    // Disabling asks first; cancelled, nothing changes.
    await row(page, 'ana-phone').getByRole('button', { name: 'Desactivar' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('¿Desactivar Teléfono de Ana?');
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    expect(await row(page, 'ana-phone').locator('[data-col=state]').innerText()).toBe('Activo');
    await row(page, 'ana-phone').getByRole('button', { name: 'Desactivar' }).click();
    await dialog.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => row(page, 'ana-phone').locator('[data-col=state]').innerText()).toBe('Desactivado');
    expect(await refusedCode('ana-phone', token)).toBe(4);
    await row(page, 'ana-phone').getByRole('button', { name: 'Activar' }).click();
    await dialog.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => row(page, 'ana-phone').locator('[data-col=state]').innerText()).toBe('Activo');

    // A new token: warned that the old one stops at once; shown once; the old one is refused, the new one logs in.
    await row(page, 'ana-phone').getByRole('button', { name: 'Nuevo token' }).click();
    expect(await dialog.innerText()).toContain('deja de funcionar de inmediato');
    await dialog.getByRole('button', { name: 'Confirmar' }).click();
    await card.waitFor();
    expect(await card.innerText()).toContain('Token nuevo de Teléfono de Ana');
    const fresh = await setting(page, 'password');
    expect(fresh).not.toBe(token);
    expect(await refusedCode('ana-phone', token)).toBe(4);
    await (await mqttLogin('ana-phone', fresh)).endAsync();

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Devices');
    expect(await row(page, 'ana-phone').getByRole('button', { name: 'New token' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Español' }).click();
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('lists for a supervisor and an admin the ids that tried to connect unregistered, and registers a GT06 tracker from there in one click', { timeout: 120_000 }, async () => {
    // A GT06 tracker nobody registered logs in over TCP, and a phone nobody registered tries MQTT.
    const tracker = await RawTcp.connect(t.server.ports.gt06);
    tracker.write(encodeGt06Login(IMEI, 1));
    await tracker.closed;
    expect(await refusedCode('stranger-phone', 'whatever')).toBe(4);
    await until('both unknown ids listed', async () => {
      const ids = ((await t.api('GET', '/api/devices/unknown')).body.devices as { uniqueId: string }[]).map((d) => d.uniqueId);
      return ids.includes(IMEI) && ids.includes('stranger-phone');
    });

    const sup = await open(SUPERVISOR.email, PASSWORD);
    await sup.page.goto(`${t.baseUrl}/devices`);
    const seenBySupervisor = sup.page.locator(`[data-unknown="${IMEI}"]`);
    await seenBySupervisor.waitFor({ timeout: 30_000 });
    expect(await seenBySupervisor.innerText()).toContain('GT06');
    expect(await sup.page.locator('[data-unknown="stranger-phone"]').count()).toBe(1);
    expect(sup.errors).toEqual([]);
    await sup.page.close();

    const { page, errors } = await open(ADMIN.email, ADMIN.password, { width: 1366, height: 900 });
    await page.goto(`${t.baseUrl}/devices`);
    const unknown = page.locator(`[data-unknown="${IMEI}"]`);
    await unknown.waitFor({ timeout: 30_000 });
    expect(await unknown.innerText()).toContain('GT06');
    expect(await unknown.innerText()).toContain('Intentos: 1');
    expect(await page.locator('[data-unknown="stranger-phone"]').innerText()).toContain('Teléfono (MQTT)');

    await unknown.getByRole('button', { name: `Registrar ${IMEI}` }).click();
    const form = page.getByRole('form', { name: 'Registrar dispositivo' });
    expect(await form.getByLabel('Id único').inputValue()).toBe(IMEI);
    expect(await form.getByLabel('Protocolo').inputValue()).toBe('gt06');
    expect(await form.getByLabel('Nombre').inputValue()).toBe(`GT06 ${IMEI}`);
    await form.getByRole('button', { name: 'Registrar' }).click();

    const card = page.getByTestId('token-card');
    await card.waitFor();
    expect(await card.innerText()).toContain('Configura el rastreador');
    expect(await setting(page, 'host')).toBe(DEVICE_HOST);
    expect(await setting(page, 'port')).toBe(String(t.server.ports.gt06));
    expect(await setting(page, 'imei')).toBe(IMEI);
    await row(page, IMEI).waitFor();
    await page.locator(`[data-unknown="${IMEI}"]`).waitFor({ state: 'detached' });
    expect(await page.locator('[data-unknown="stranger-phone"]').count()).toBe(1);

    // Registered, the tracker's login is answered now.
    const again = await RawTcp.connect(t.server.ports.gt06);
    again.write(encodeGt06Login(IMEI, 1));
    expect((await again.take(10)).length).toBe(10);
    again.destroy();

    expect(await noSidewaysScroll(page)).toBe(true);
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("lists for a supervisor, in their words, the check-ins and payments their team's phones sent that could not be stored", { timeout: 90_000 }, async () => {
    const device = await t.createDevice('ana-tablet', ana);
    const phone = await mqttLogin('ana-tablet', device.token);
    const ts = new Date(Date.now() - 60_000).toISOString();
    // A payment of a visit that is not there, and a check-in whose outcome the server does not know: acknowledged, kept as rejected.
    await phone.publishAsync('ronda/ana-tablet/payment', JSON.stringify({ id: crypto.randomUUID(), visitId: 999_999, ts, amount: 150, currency: 'MXN', method: 'cash' }), { qos: 1 });
    await phone.publishAsync('ronda/ana-tablet/checkin', JSON.stringify({ id: crypto.randomUUID(), visitId: 5, ts, lat: 20.67, lon: -103.35, outcome: 'vanished' }), { qos: 1 });
    await phone.endAsync();

    const { page, errors } = await open(SUPERVISOR.email, PASSWORD);
    await openSection(page, 'Dispositivos');
    const list = page.getByTestId('rejected-records');
    const items = () => list.locator('li').evaluateAll((els) => els.map((li) => [li.querySelector('.what')?.textContent, li.querySelector('.why')?.textContent].map((x) => x?.replace(/\s+/g, ' ').trim())));
    await expect.poll(items, { timeout: 30_000 }).toEqual([
      ['Check-in · visita 5 Ana Ruiz', 'Falta un dato o no es válido: /outcome.'],
      ['Pago · $150.00 · visita 999999 Ana Ruiz', 'La visita 999999 no existe.'],
    ]);
    expect(await list.locator('header .count').innerText()).toBe('2 de 2');
    // What the phone sent, as it came, one click away.
    const first = list.locator('li').nth(1);
    await first.getByText('Lo que envió el teléfono').click();
    expect(JSON.parse(await first.locator('pre').innerText())).toMatchObject({ visitId: 999_999, amount: 150 });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => list.locator('li .why').first().innerText()).toBe('A field is missing or not valid: /outcome.');
    expect(await noSidewaysScroll(page)).toBe(true);

    // A phone that sends nonsense all day: the newest 50 load, the older ones on demand.
    const noisy = await mqttLogin('ana-tablet', device.token);
    for (let i = 0; i < 53; i++) await noisy.publishAsync('ronda/ana-tablet/payment', `{oops ${i}`, { qos: 1 });
    await noisy.endAsync();
    await page.reload();
    await expect.poll(() => list.locator('header .count').innerText(), { timeout: 30_000 }).toBe('50 of 55');
    expect(await list.locator('li').count()).toBe(50);
    await list.getByRole('button', { name: 'Show older ones' }).click();
    await expect.poll(() => list.locator('header .count').innerText()).toBe('55 of 55');
    expect(await list.locator('li').count()).toBe(55);
    expect(await list.getByRole('button', { name: 'Show older ones' }).count()).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('is not offered to a dispatcher, and a direct visit says it is not allowed', { timeout: 60_000 }, async () => {
    const { page, errors } = await open(DISPATCHER.email, PASSWORD);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Despacho' }).waitFor();
    expect(await offersSection(page, 'Dispositivos')).toBe(false);
    expect(await nav.getByRole('button', { name: 'Gestión' }).count()).toBe(0);
    await page.goto(`${t.baseUrl}/devices`);
    const denied = page.getByTestId('devices-denied');
    await denied.waitFor();
    expect(await denied.innerText()).toContain('Solo un administrador o el supervisor de un equipo administra los dispositivos.');
    expect(await page.getByRole('form').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
