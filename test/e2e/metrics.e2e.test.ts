import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, TIME_ZONE, expectedFigures, seedMetricsScenario, type MetricsScenario } from '../../server/metrics/testing/metrics-scenario.ts';
import { randomUUID } from 'node:crypto';
import { createCollector } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let s: MetricsScenario;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE });
  s = await seedMetricsScenario(t);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Intl puts no-break and narrow no-break spaces in "67%" or "8.3 min"; compare words, not space characters. */
const text = async (page: Page, selector: string) => (await page.locator(selector).first().innerText()).replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const cell = (page: Page, rowKey: string, col: string) => text(page, `tr[data-key="${rowKey}"] [data-col="${col}"]`);
/** es-MX prints kilometres with up to two decimals and a point: 5.67 km, 13.1 km. */
const km = (v: number) => `${Number(v.toFixed(2))} km`;

describe('the metrics page for the seeded day', () => {
  it('shows the hand-computed figures per collector and for the team, exports the CSV, and speaks English on the switch', { timeout: 120_000 }, async () => {
    const want = expectedFigures(s);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.baseUrl}/metrics?from=${DAY}&to=${DAY}`);
    await page.locator(`tr[data-key="c${s.rosa}"]`).waitFor({ timeout: 30_000 });

    // Rosa, by hand (server/metrics/testing/metrics-scenario.ts): 0.051° of meridian, 3 of 4 visits done, 2 paid…
    const rosa = `c${s.rosa}`;
    expect(await cell(page, rosa, 'label')).toBe('Rosa Díaz');
    expect(await cell(page, rosa, 'plannedKm')).toBe(km(want.rosa.plannedKm));
    expect(await cell(page, rosa, 'drivenKm')).toBe('5.67 km');
    expect(await cell(page, rosa, 'visitsCompleted')).toBe('3 / 4');
    expect(await cell(page, rosa, 'effectiveRate')).toBe('67%');
    expect(await cell(page, rosa, 'collected')).toBe('$600.00');
    expect(await cell(page, rosa, 'promised')).toBe('$600.00');
    expect(await cell(page, rosa, 'due')).toBe('$1,450.00');
    expect(await cell(page, rosa, 'avgVisitMin')).toBe('8.3 min');
    expect(await cell(page, rosa, 'idleMin')).toBe('15 min');
    expect(await cell(page, rosa, 'movingMin')).toBe('17 min');
    // Times of day on the 24-hour clock, as the board writes them, in the team's zone.
    expect(await cell(page, rosa, 'firstReport')).toBe('09:00');
    expect(await cell(page, rosa, 'lastReport')).toBe('09:57');

    const luis = `c${s.luis}`;
    expect(await cell(page, luis, 'plannedKm')).toBe(km(want.luis.plannedKm));
    expect(await cell(page, luis, 'drivenKm')).toBe('0.00 km');
    expect(await cell(page, luis, 'visitsCompleted')).toBe('1 / 1');
    expect(await cell(page, luis, 'effectiveRate')).toBe('100%');
    expect(await cell(page, luis, 'collected')).toBe('$200.00');
    expect(await cell(page, luis, 'avgVisitMin')).toBe('—');
    expect(await cell(page, luis, 'firstReport')).toBe('—');

    // The team: 4 of 5 visits done, 3 of them paid = 75 %; 800 collected of 1,650 due; 25 min on site over 3 timed visits.
    expect(await text(page, '[data-kpi="km"] .big')).toBe('5.67 km');
    expect(await text(page, '[data-kpi="visits"]')).toContain('4 de 5 planeadas');
    expect(await text(page, '[data-kpi="rate"] .big')).toBe('75%');
    expect(await text(page, '[data-kpi="collected"]')).toBe('Cobrado $800.00 prometido $600.00 · exigible $1,650.00');
    expect(await text(page, '[data-kpi="avg-visit"] .big')).toBe('8.3 min');
    expect(await text(page, '[data-kpi="idle"] .big')).toBe('15 min');
    await page.locator('.u-over').nth(1).waitFor();
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: 'docs/screenshots/metrics.png' });

    const views = page.getByRole('group', { name: 'Agrupar la tabla por' });
    await views.getByRole('button', { name: 'Equipo', exact: true }).click();
    expect(await cell(page, `t${s.teamId}`, 'visitsCompleted')).toBe('4 / 5');
    const routeM = (id: number) => s.latestPlan.routes.find((r) => r.collectorId === id)!.distanceM;
    expect(await cell(page, `t${s.teamId}`, 'plannedKm')).toBe(km((routeM(s.rosa) + routeM(s.luis)) / 1000));
    // Every collector-day (the API's rows, not the server's sums): the same day, so the same figures.
    await views.getByRole('button', { name: 'Cobrador y día', exact: true }).click();
    expect(await cell(page, `${s.rosa}:${DAY}`, 'drivenKm')).toBe('5.67 km');
    expect(await cell(page, `${s.rosa}:${DAY}`, 'idleMin')).toBe('15 min');
    await views.getByRole('button', { name: 'Cobrador', exact: true }).click();

    // Sorting: collected, largest first on the first click.
    await page.getByRole('button', { name: 'Cobrado', exact: true }).click();
    expect(await text(page, 'table.metrics-table tbody tr:first-child th')).toBe('Rosa Díaz');
    await page.getByRole('button', { name: 'Cobrado', exact: true }).click();
    expect(await text(page, 'table.metrics-table tbody tr:first-child th')).toBe('Luis Ortega');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`ronda-metrics-${DAY}-${DAY}-MXN.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv.find((l) => l.includes('Rosa Díaz'))).toContain(',5.67,');
    // The file as saved starts with UTF-8's byte-order mark, so Excel reads "Díaz" as such.
    expect([...readFileSync((await download.path())!).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await text(page, 'h1')).toBe('Route efficiency');
    expect(await text(page, '[data-kpi="visits"]')).toContain('4 of 5 planned');
    // English names the currency's country: pesos, not dollars.
    expect(await cell(page, rosa, 'collected')).toBe('MX$600.00');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reads the money of one currency at a time, with a choice of the others', { timeout: 120_000 }, async () => {
    const team = (await t.api('POST', '/api/teams', { name: 'Frontera', currency: 'USD' })).body.id as number;
    const beto = await createCollector(t, 'Beto Frontera', team);
    await t.server.dbh.db.insertInto('accounts').values({ team_id: team, external_id: 'FRO-1', name: 'Fro Uno', installment_amount: 80, currency: 'USD' }).execute();
    const account = await t.server.dbh.db.selectFrom('accounts').select('id').where('external_id', '=', 'FRO-1').executeTakeFirstOrThrow();
    const visit = (await t.api('POST', '/api/visits', { accountId: account.id, date: DAY, collectorId: beto })).body.id as number;
    expect((await t.api('POST', '/api/payments', { id: randomUUID(), visitId: visit, ts: `${DAY}T18:00:00Z`, amount: 75, currency: 'USD', method: 'cash' })).status).toBe(201);

    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.baseUrl}/metrics?from=${DAY}&to=${DAY}`);
    await page.locator(`tr[data-key="c${beto}"]`).waitFor({ timeout: 30_000 });
    // Pesos first (the server's currency): the team's 800 collected, not 875.
    expect(await text(page, '[data-kpi="collected"]')).toBe('Cobrado $800.00 prometido $600.00 · exigible $1,650.00');
    // Beto's money is all in dollars: no figure in pesos, rather than "$0.00 owed".
    expect(await cell(page, `c${beto}`, 'collected')).toBe('—');
    expect(await cell(page, `c${beto}`, 'due')).toBe('—');
    expect(await cell(page, `c${beto}`, 'visitsCompleted')).toBe('0 / 1');

    await page.getByLabel('Moneda').selectOption('USD');
    await expect.poll(() => text(page, '[data-kpi="collected"]'), { timeout: 10_000 }).toBe('Cobrado USD 75.00 prometido USD 0.00 · exigible USD 80.00');
    expect(await cell(page, `c${beto}`, 'collected')).toBe('USD 75.00');
    expect(await cell(page, `c${s.rosa}`, 'collected')).toBe('—');
    expect(new URL(page.url()).searchParams.get('currency')).toBe('USD');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits every figure in its card at 1024, 1366 and 1920 px in both languages, a million pesos included', { timeout: 120_000 }, async () => {
    const paid = await t.api('POST', '/api/payments', { id: randomUUID(), visitId: s.visits.get('MET-BETO'), ts: `${DAY}T16:00:00Z`, amount: 1_234_567.89, currency: 'MXN', method: 'cash' });
    expect(paid.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(`${t.baseUrl}/metrics?from=${DAY}&to=${DAY}&team=${s.teamId}`);
    await page.locator('[data-kpi="collected"] .big').waitFor({ timeout: 30_000 });
    /** Each card whose large figure runs past its padding or onto a second line. */
    const spills = () =>
      page.locator('dl.kpis').evaluate((kpis) =>
        Array.from(kpis.children).flatMap((card) => {
          const big = card.querySelector('.big')!;
          const range = document.createRange();
          range.selectNodeContents(big);
          const lines = range.getClientRects();
          const inner = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
          const right = Math.max(...Array.from(lines, (r) => r.right));
          return lines.length === 1 && right <= inner + 0.5 ? [] : [`${(card as HTMLElement).dataset.kpi}: "${big.textContent}" ${lines.length} line(s), ${Math.round(right - inner)} px over`];
        }),
      );
    for (const [language, collected] of [['Español', '$1,235,367.89'], ['English', 'MX$1,235,367.89']] as const) {
      await page.getByRole('button', { name: language, exact: true }).click();
      await expect.poll(() => text(page, '[data-kpi="collected"] .big')).toBe(collected);
      for (const width of [1024, 1366, 1920]) {
        await page.setViewportSize({ width, height: 800 });
        await expect.poll(spills, { message: `${language} at ${width} px` }).toEqual([]);
        // The table's every column in view from a laptop's 1366 px up: no sideways scrolling to find the figures.
        if (width >= 1366) {
          const overflow = await page.locator('.metrics-table').evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
          expect(overflow, `${language} table at ${width} px`).toBeLessThanOrEqual(0);
        }
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens on the last seven days ending on the user's team's today, though the dashboard's default zone is on another day", { timeout: 120_000 }, async () => {
    const dayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
    // UTC+14 is on Mexico City's tomorrow from 4:00 there, UTC−12 on its yesterday until 6:00: one of them differs now.
    const zone = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((z) => dayIn(z) !== dayIn('America/Mexico_City'))!;
    const created = await t.api<{ id: number }>('POST', '/api/teams', { name: `Lejos ${randomUUID().slice(0, 6)}`, timeZone: zone });
    expect(created.status).toBe(201);
    const team = created.body.id;
    const email = `far.${randomUUID().slice(0, 6)}@test.local`;
    await t.server.auth.createUser({ email, name: 'Far supervisor', password: 'pw-123456', role: 'supervisor', teamId: team });
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await logIn(page, t.baseUrl, email, 'pw-123456');
    await page.goto(`${t.baseUrl}/metrics`);
    const today = dayIn(zone);
    const weekAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    await expect.poll(() => page.locator('input[name=to]').inputValue(), { timeout: 15_000 }).toBe(today);
    expect(await page.locator('input[name=from]').inputValue()).toBe(weekAgo);
    await page.close();
  });

  it('shows a collector their days and their total, not a team of one nor their days again per collector', { timeout: 120_000 }, async () => {
    const email = `rosa.${randomUUID().slice(0, 6)}@test.local`;
    await t.server.auth.createUser({ email, name: 'Rosa Díaz', password: 'pw-123456', role: 'collector', teamId: s.teamId, collectorId: s.rosa });
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, email, 'pw-123456');
    await page.goto(`${t.baseUrl}/metrics?from=${DAY}&to=${DAY}`);
    const views = page.getByRole('group', { name: 'Agrupar la tabla por' });
    await expect.poll(() => views.getByRole('button').allInnerTexts(), { timeout: 15_000 }).toEqual(['Día', 'Cobrador']);
    expect(await views.getByRole('button', { name: 'Día' }).getAttribute('aria-pressed')).toBe('true');
    // One row, her day, with her figures (Rosa's 3 of 4 visits).
    await expect.poll(() => page.locator('tr[data-key]').allInnerTexts()).toEqual([expect.stringMatching(/^vie 20 de nov\t.*\t3 \/ 4\t/)]);
    // An address bookmarked by a manager opens the days here, not a team table.
    await page.goto(`${t.baseUrl}/metrics?from=${DAY}&to=${DAY}&view=team`);
    await expect.poll(() => views.getByRole('button', { pressed: true }).innerText(), { timeout: 15_000 }).toBe('Día');
    expect(errors).toEqual([]);
    await page.close();
  });
});
