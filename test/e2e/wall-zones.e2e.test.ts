/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCollector, postCsv } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * An admin's wall over two teams two hours apart: at 01:00 in Mexico City (the
 * dashboard's zone) the Tijuana team is still working 23:00 of the day before, and
 * the wall must show that day for it, not Mexico City's new one.
 */
const TIME_ZONE = 'America/Mexico_City';

let t: TestServer;
let browser: Browser;
let page: Page;
let errors: string[];
let mexicoDay: string;
let tijuanaDay: string;
let ines: { uniqueId: string; token: string };
let tijuanaVisits: number[];
/** 01:00 of `mexicoDay` in Mexico City (no DST there since 2022): 23:00 of the day before in Tijuana (PST). */
let wallTime: number;

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE });
  // Two days back, so no timestamp below is in the server's future.
  mexicoDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(Date.now() - 2 * 86_400_000);
  wallTime = Date.parse(`${mexicoDay}T07:00:00Z`);
  tijuanaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Tijuana' }).format(wallTime);
  expect(tijuanaDay).not.toBe(mexicoDay);

  const centro = (await t.api('POST', '/api/teams', { name: 'Centro', timeZone: TIME_ZONE })).body.id;
  const pacifico = (await t.api('POST', '/api/teams', { name: 'Pacífico', timeZone: 'America/Tijuana' })).body.id;
  const ana = await createCollector(t, 'Ana', centro);
  const inesId = await createCollector(t, 'Inés', pacifico);
  await t.createDevice('ana-phone', ana);
  ines = { uniqueId: 'ines-phone', token: (await t.createDevice('ines-phone', inesId)).token };
  const csv = [
    'external_id,name,address,lat,lon,balance_due,days_past_due,team',
    'C-1,Rosa Díaz,Av. Juárez 100,20.6767,-103.3445,1000,45,Centro',
    'P-1,Luis Peña,Calle 2 200,32.5300,-117.0300,2000,30,Pacífico',
    'P-2,Marta Gil,Calle 3 300,32.5310,-117.0310,3000,60,Pacífico',
  ].join('\n');
  expect((await postCsv(t, csv)).status).toBe(200);
  const account = async (externalId: string) => (await t.api('GET', `/api/accounts?search=${externalId}`)).body.accounts[0].id as number;
  const visit = async (externalId: string, date: string, collectorId: number) =>
    (await t.api('POST', '/api/visits', { accountId: await account(externalId), date, collectorId })).body.id as number;
  await visit('C-1', mexicoDay, ana);
  // A Centro visit on Tijuana's date: the wall must not count it for Centro, whose day has turned.
  await visit('C-1', tijuanaDay, ana);
  tijuanaVisits = [await visit('P-1', tijuanaDay, inesId), await visit('P-2', tijuanaDay, inesId)];
  for (const [teamId, date] of [[centro, mexicoDay], [pacifico, tijuanaDay]] as const) {
    expect((await t.api('POST', '/api/plans/optimize', { date, teamId, options: { iterations: 10, seed: 1 } })).status).toBe(200);
  }
  // Inés was paid 500 at 22:00 her time.
  await pay(tijuanaVisits[0], wallTime - 3_600_000, 500);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  errors = watchErrors(page);
  await page.clock.setFixedTime(wallTime);
  await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function pay(visitId: number, ts: number, amount: number): Promise<void> {
  const phone = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: ines.uniqueId, password: ines.token, reconnectPeriod: 0 });
  const payment = { id: randomUUID(), visitId, ts: new Date(ts).toISOString(), amount, currency: 'MXN', method: 'cash' };
  await phone.publishAsync(`ronda/${ines.uniqueId}/payment`, JSON.stringify(payment), { qos: 1 });
  await phone.endAsync();
  await vi.waitFor(async () => expect((await t.api('GET', `/api/payments?visitId=${visitId}`)).body.payments.map((p: { id: string }) => p.id)).toContain(payment.id), { timeout: 10_000 });
}

async function showTeam(name: string): Promise<void> {
  const filter = page.locator('select').filter({ has: page.locator('option', { hasText: name }) });
  await filter.waitFor({ timeout: 30_000 });
  await filter.selectOption({ label: name });
}

const kpi = (id: string) => page.getByTestId(id).locator('strong');

describe("an admin's wall across time zones", () => {
  it("shows each team's own today: Tijuana's evening visits and money after Mexico City's midnight", { timeout: 60_000 }, async () => {
    await showTeam('Pacífico');
    await expect.poll(() => kpi('kpi-visits').textContent(), { timeout: 20_000 }).toBe('0 / 2');
    await expect.poll(() => kpi('kpi-collected').textContent(), { timeout: 20_000 }).toBe('$500.00');

    await showTeam('Centro');
    await expect.poll(() => kpi('kpi-visits').textContent(), { timeout: 20_000 }).toBe('0 / 1');
    // Pacífico was paid today; Centro, on screen, was not.
    expect(await page.getByTestId('payment-ticker').locator('.none').textContent()).toBe('Ningún pago hoy en esta vista.');
    expect(errors).toEqual([]);
  });

  it("adds a live payment of the Tijuana team's evening to its collected money", { timeout: 60_000 }, async () => {
    await showTeam('Pacífico');
    await pay(tijuanaVisits[1], wallTime - 600_000, 250);
    await expect.poll(() => kpi('kpi-collected').textContent(), { timeout: 20_000 }).toBe('$750.00');
    expect(errors).toEqual([]);
  });

  it('keeps a dollar team\'s money apart from the pesos: beside them on the all-teams wall, the headline on its own', { timeout: 60_000 }, async () => {
    const frontera = (await t.api('POST', '/api/teams', { name: 'Frontera', timeZone: TIME_ZONE, currency: 'USD' })).body.id;
    const beto = await createCollector(t, 'Beto', frontera);
    const csv = ['external_id,name,address,lat,lon,balance_due,installment,days_past_due,team', 'F-1,Fro Uno,Calle 4 400,20.6800,-103.3500,900,80,30,Frontera'].join('\n');
    expect((await postCsv(t, csv)).status).toBe(200);
    const account = (await t.api('GET', '/api/accounts?search=F-1')).body.accounts[0].id as number;
    const visit = (await t.api('POST', '/api/visits', { accountId: account, date: mexicoDay, collectorId: beto })).body.id as number;
    // Assigned by hand and never optimized: the team has no plan, which the wall must take without a failed request.
    const paid = await t.api('POST', '/api/payments', { id: randomUUID(), visitId: visit, ts: new Date(wallTime - 1_800_000).toISOString(), amount: 75, currency: 'USD', method: 'cash' });
    expect(paid.status).toBe(201);
    await page.reload();

    await showTeam('Todos los equipos');
    await expect.poll(() => kpi('kpi-collected').textContent(), { timeout: 20_000 }).toBe('$750.00');
    // Intl separates "USD" from the amount with a no-break space.
    const words = async (text: Promise<string | null>) => (await text)?.replace(/[\s\u00a0]+/g, ' ');
    await expect.poll(() => words(page.getByTestId('kpi-other-money').textContent()), { timeout: 20_000 }).toBe('+ USD 75.00 de USD 80.00');
    await showTeam('Frontera');
    await expect.poll(() => words(kpi('kpi-collected').textContent()), { timeout: 20_000 }).toBe('USD 75.00');
    expect(await page.getByTestId('kpi-other-money').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
