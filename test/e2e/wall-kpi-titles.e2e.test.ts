import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, createCollector, createTeam, postCsv } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The KPI cards' titles and subtitles read in full beside the wall's filters: an admin of two teams
 * has the widest of them (the team menu and "Solo esta zona"), which cut "Cobradores activos" to
 * "Cobradores act…" at 1280 px, and "realizadas / planeadas" at 1024 and 1201-1260 px. Laptops to
 * the 1080p wall, the tablet, and a phone; 1201 px is the narrowest with the filters beside the KPIs.
 * Small landscape screens (770-920 px) leave the bar under 590 px beside the side column: titles and
 * subtitles were cut there ("Cobradores activos", "hechas / planeadas").
 */
const SIZES = [
  { width: 390, height: 844 },
  { width: 770, height: 480 },
  { width: 800, height: 600 },
  { width: 860, height: 600 },
  { width: 920, height: 600 },
  { width: 1024, height: 768 },
  { width: 1100, height: 768 },
  { width: 1201, height: 768 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  // Two teams with people: the wall offers its team menu.
  const ana = await createCollector(t, 'Ana Ruiz', await createTeam(t, 'Centro'));
  await createCollector(t, 'Beto Salas', await createTeam(t, 'Norte Metropolitano'));
  // A goal for today as large as a team's: the money's subtitle at its longest ("de $123,456.78 · 0%").
  expect((await postCsv(t, `${CSV_HEADER}\nG-1,Rosa Díaz,Av. Juárez 100,20.6767,-103.3445,,1500000,123456.78,45,consumo,Centro`)).status).toBe(200);
  const account = (await t.api('GET', '/api/accounts?search=G-1')).body.accounts[0].id as number;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Mexico_City' }).format(Date.now());
  expect((await t.api('POST', '/api/visits', { accountId: account, date: today, collectorId: ana })).status).toBe(201);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface Fit {
  /** Titles and subtitles wider than their box (cut with an ellipsis). */
  cut: string[];
  /** The page scrolls sideways. */
  pageOverflows: boolean;
  /** The KPI bar and the filters' panel cover each other. */
  overlap: boolean;
}

const fit = (page: Page): Promise<Fit> =>
  page.evaluate(() => {
    const cut = Array.from(document.querySelectorAll<HTMLElement>('[data-testid^=kpi-] :is(.name, .sub)'))
      .filter((el) => el.scrollWidth > el.clientWidth)
      .map((el) => `${el.textContent!.trim().replace(/\s+/g, ' ')} ${el.scrollWidth}>${el.clientWidth}`);
    const root = document.documentElement;
    const bar = document.querySelector('section.kpis')!.getBoundingClientRect();
    const controls = document.querySelector('[data-testid=wall-controls]')!.getBoundingClientRect();
    const overlap = bar.left < controls.right && controls.left < bar.right && bar.top < controls.bottom && controls.top < bar.bottom;
    return { cut, pageOverflows: root.scrollWidth > root.clientWidth, overlap };
  });

describe('the wall’s KPI cards', () => {
  it('show their titles and subtitles in full beside the filters, from a phone and small landscape screens to the 1080p wall, in both languages', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.getByRole('combobox', { name: 'Equipo' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('kpi-collected').getByText(/^de .*123,456\.78/).waitFor({ timeout: 30_000 });

    const failures: string[] = [];
    for (const language of ['Español', 'English']) {
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.getByRole('button', { name: language }).click();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const { cut, pageOverflows, overlap } = await fit(page);
        const problems = [...cut, ...(pageOverflows ? ['the page scrolls sideways'] : []), ...(overlap ? ['KPIs under the filters'] : [])];
        if (problems.length > 0) failures.push(`${language} ${size.width}px: ${problems.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
