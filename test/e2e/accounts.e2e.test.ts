import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, noSidewaysScroll, watchErrors } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const SCREENSHOT = 'docs/screenshots/accounts.png';
const PASSWORD = 'pw-123456';
const DISPATCHER = { email: 'diego@test.local', name: 'Diego Despacho' };
const MANAGER = { email: 'gema@test.local', name: 'Gema Gerente' };

/** A lender's file: line 4 (the header is line 1) has a latitude that is not one. */
const CSV = [
  'external_id,name,address,lat,lon,phone,balance_due,installment_amount,days_past_due,segment',
  'CTA-001,María López,"Av. Juárez 120, Centro",20.6736,-103.3440,33 1234 5678,15200.50,1250,45,consumo',
  'CTA-002,José Pérez,"Calle Hidalgo 45, Centro",20.6597,-103.3496,,8300,900,12,micro',
  'CTA-003,Rosa Díaz,"Morelos 9, Analco",abc,-103.3400,,4100,500,30,micro',
  'CTA-004,Luis Ortega,"Colón 300, Mexicaltzingo",20.6650,-103.3520,,9900,800,61,consumo',
].join('\n');

let t: TestServer;
let teamId: number;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  teamId = await createTeam(t, 'Centro');
  await createCollector(t, 'Ana Ruiz', teamId);
  await t.server.auth.createUser({ ...DISPATCHER, password: PASSWORD, role: 'dispatcher', teamId });
  await t.server.auth.createUser({ ...MANAGER, password: PASSWORD, role: 'manager', teamId: null });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Chromium logs every refused request as a console error; these refusals are the test's own. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 400/.test(e));
const row = (page: Page, externalId: string) => page.locator(`tr[data-account="${externalId}"]`);
const listed = (page: Page) => page.locator('tr[data-account]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.account));
const pick = (page: Page, name: string, body: string | Buffer) =>
  page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: typeof body === 'string' ? Buffer.from(body) : body });

async function open(email: string, viewport = { width: 1366, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await logIn(page, t.baseUrl, email, PASSWORD);
  return { page, errors };
}

describe('the portfolio page in Chromium', () => {
  it("imports a dispatcher's CSV through the file input, reports the bad row by line and reason, lists the good ones, and generates the day's visits onto the board", { timeout: 120_000 }, async () => {
    const { page, errors } = await open(DISPATCHER.email);
    await page.getByRole('navigation').getByRole('link', { name: 'Cartera' }).click();
    await page.getByText('Aún no hay cuentas: importa un archivo CSV.').waitFor({ timeout: 30_000 });

    // Files the server could only misread or refuse say so, and nothing is sent.
    await pick(page, 'cartera.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Es un libro de Excel, no un CSV');
    expect(await page.getByRole('button', { name: 'Importar' }).isDisabled()).toBe(true);
    // One the server refuses as a whole: no success claimed, and still no accounts.
    await pick(page, 'sin-encabezado.csv', 'CTA-9,Nadie,20.6,-103.3,100\n');
    await page.getByRole('button', { name: 'Importar' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Faltan columnas obligatorias');
    expect(await page.getByTestId('import-report').count()).toBe(0);
    expect((await t.api('GET', '/api/accounts')).body.total).toBe(0);

    await pick(page, 'cartera.csv', CSV);
    expect(await page.getByTestId('import-file').innerText()).toContain('cartera.csv');
    await page.getByRole('button', { name: 'Importar' }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getAttribute('data-outcome')).toBe('partial');
    expect(await report.innerText()).toContain('Filas leídas: 4; cuentas importadas: 3 (nuevas: 3, actualizadas: 0); filas sin importar: 1');
    const bad = report.locator('tr[data-line]');
    expect(await bad.count()).toBe(1);
    expect(await bad.locator('[data-col=line]').innerText()).toBe('4');
    expect(await bad.locator('[data-col=externalId]').innerText()).toBe('CTA-003');
    expect(await bad.locator('[data-col=reason]').innerText()).toBe('La latitud «abc» no es un número entre -90 y 90.');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await bad.locator('[data-col=reason]').innerText()).toBe('Latitude “abc” is not a number between -90 and 90.');
    await page.getByRole('button', { name: 'Español' }).click();

    // Excel's "Unicode text" (UTF-16 behind its byte-order mark, tab-separated) is uploaded and read as such.
    const unicode = 'external_id\tname\tlat\tlon\tbalance_due\r\nCTA-002\tJosé Pérez Núñez\t20.6597\t-103.3496\t8300\r\n';
    await pick(page, 'cartera.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(unicode, 'utf16le')]));
    await page.getByRole('button', { name: 'Importar' }).click();
    await expect.poll(() => report.innerText()).toContain('cuentas importadas: 1 (nuevas: 0, actualizadas: 1)');
    await expect.poll(() => row(page, 'CTA-002').innerText()).toContain('José Pérez Núñez');

    // The good rows, most overdue first, balances in the team's money.
    await expect.poll(() => listed(page)).toEqual(['CTA-004', 'CTA-001', 'CTA-002']);
    expect(await row(page, 'CTA-001').locator('[data-col=balance]').innerText()).toBe('$15,200.50');
    expect(await row(page, 'CTA-001').locator('[data-col=installment]').innerText()).toBe('$1,250.00');
    expect(await row(page, 'CTA-001').locator('[data-col=daysPastDue]').innerText()).toBe('45');
    expect(await row(page, 'CTA-001').locator('[data-col=segment]').innerText()).toBe('consumo');

    // Paid past the balance: the rest is the debtor's credit, said as such, not a balance of "-$50.00".
    const jose = (await t.api('GET', '/api/accounts?search=CTA-002')).body.accounts[0];
    const overpaid = { id: randomUUID(), accountId: jose.id, ts: new Date().toISOString(), amount: 8350, currency: 'MXN', method: 'cash' };
    expect((await t.api('POST', '/api/payments', overpaid)).status).toBe(201);
    await page.reload();
    const credit = row(page, 'CTA-002').locator('[data-col=balance]');
    await expect.poll(() => credit.innerText()).toBe('$50.00 a favor');
    expect(await credit.locator('[title]').getAttribute('title')).toBe('Pagó $50.00 más de lo que debía: un saldo a favor del deudor, no una deuda.');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => credit.innerText()).toBe('MX$50.00 in credit');
    await page.getByRole('button', { name: 'Español' }).click();
    expect(await page.getByTestId('page-info').innerText()).toBe('1–3 de 3');

    // Every account located: "only those without a location" says so, not that nothing matches.
    const onlyUnlocated = page.getByRole('checkbox', { name: 'Solo sin ubicación' });
    await onlyUnlocated.check();
    await page.getByText('Todas las cuentas tienen ubicación.').waitFor();
    await onlyUnlocated.uncheck();
    await expect.poll(() => listed(page)).toHaveLength(3);

    // An account that loses its coordinates cannot be visited: counted (once the list is asked again), and one click away.
    const luis = (await t.api('GET', '/api/accounts?search=CTA-004')).body.accounts[0];
    expect((await t.api('PATCH', `/api/accounts/${luis.id}`, { lat: null, lon: null })).status).toBe(200);
    expect(await page.getByTestId('unlocated-count').count()).toBe(0);

    // Search by address.
    await page.getByRole('searchbox', { name: 'Buscar cuentas' }).fill('hidalgo');
    await expect.poll(() => listed(page)).toEqual(['CTA-002']);
    await page.getByRole('searchbox', { name: 'Buscar cuentas' }).fill('');
    await expect.poll(() => listed(page)).toHaveLength(3);

    const chip = page.getByTestId('unlocated-count');
    await chip.waitFor();
    expect(await chip.innerText()).toBe('1 sin ubicación');
    expect(await row(page, 'CTA-004').locator('[data-col=location]').innerText()).toBe('Sin ubicación');

    // The day's visits, for today in the team's zone.
    const form = page.getByRole('form', { name: 'Generar visitas del día' });
    const date = await form.getByLabel('Fecha').inputValue();
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await form.getByLabel('Máximo por cobrador').fill('10');
    await form.getByRole('button', { name: 'Generar visitas' }).click();
    const generated = page.getByTestId('generate-report');
    await generated.waitFor();
    // CTA-001 only: CTA-002 is paid off (in credit) and CTA-004 has no location.
    expect(await generated.locator('[data-count=created]').innerText()).toBe('1');
    expect(await generated.locator('[data-count=skippedNoLocation]').innerText()).toBe('1');
    expect(await generated.locator('[data-count=skippedCapacity]').innerText()).toBe('0');

    expect(await noSidewaysScroll(page)).toBe(true);
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await generated.getByRole('button', { name: 'Ver las cuentas sin ubicación' }).click();
    await expect.poll(() => listed(page)).toEqual(['CTA-004']);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Portfolio');
    expect(await generated.locator('dt').first().innerText()).toBe('Created');
    await page.getByRole('button', { name: 'Español' }).click();

    // Pressed again: nothing new, and it says why rather than showing three zeros.
    expect(await generated.getByTestId('generate-already-planned').count()).toBe(0);
    await form.getByRole('button', { name: 'Generar visitas' }).click();
    await expect.poll(() => generated.getByTestId('generate-already-planned').textContent()).toBe('Cuentas que ya tenían visita ese día: 1. No se crea otra.');
    expect(await generated.locator('[data-count=created]').innerText()).toBe('0');

    const visits = (await t.api('GET', `/api/visits?date=${date}`)).body.visits as { id: number }[];
    expect(visits).toHaveLength(1);
    await generated.getByRole('link', { name: /^Ver las visitas del .* en el despacho$/ }).click();
    await page.waitForURL((u) => u.pathname === '/board' && u.searchParams.get('date') === date);
    for (const v of visits) await page.locator(`[data-visit-id="${v.id}"]`).first().waitFor({ timeout: 30_000 });
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('is not offered to a manager, who may not import, and a direct visit says it is not allowed', { timeout: 60_000 }, async () => {
    const { page, errors } = await open(MANAGER.email);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Despacho' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Cartera' }).count()).toBe(0);
    await page.goto(`${t.baseUrl}/accounts`);
    const denied = page.getByTestId('accounts-denied');
    await denied.waitFor();
    expect(await denied.innerText()).toContain('Solo un administrador, un supervisor o un despachador importa la cartera');
    expect(await page.locator('input[type=file]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
