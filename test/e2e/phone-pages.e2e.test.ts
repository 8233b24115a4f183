import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountLine, createCollector, createTeam, CSV_HEADER, postCsv } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The admin pages on a phone: their tables are wider than the screen and must scroll in their own
 * box, leaving the page (and the top bar with the account menu) at the screen's width.
 */
const PAGES = ['/accounts', '/team', '/users', '/devices'] as const;
const PHONE = { width: 390, height: 844 };

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  const teamId = await createTeam(t, 'Centro');
  const collectorId = await createCollector(t, 'María Guadalupe Fernández de la Concepción', teamId);
  await t.createDevice('861000000000023', collectorId);
  await t.createDevice('demo-phone-with-a-long-id-001', collectorId);
  const csv = [CSV_HEADER, ...Array.from({ length: 5 }, (_, i) => accountLine(i, 'Centro'))].join('\n');
  expect((await postCsv(t, csv)).status).toBe(200);
  await t.server.auth.createUser({ email: 'supervisora.de.zona.centro@ronda.local', name: 'Supervisora de la zona Centro', password: 'pw-123456', role: 'supervisor', teamId });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** How far the page scrolls sideways, and whether the page's table still shows every column by scrolling its own box. */
const measure = (page: Page) =>
  page.evaluate(() => {
    const root = document.documentElement;
    const table = document.querySelector('table');
    const box = table?.parentElement;
    // The search box and the counts beside it end inside the card that holds them (fixed widths ran 15-40 px past it).
    const search = document.querySelector<HTMLElement>('input[type=search]')!;
    const tools = search.parentElement!;
    const card = tools.parentElement!.getBoundingClientRect();
    const outside = Array.from(tools.children).filter((el) => el.getBoundingClientRect().right > card.right + 0.5).map((el) => el.outerHTML.slice(0, 60));
    return {
      pageOverflow: root.scrollWidth - root.clientWidth,
      tableScrolls: !!table && !!box && box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === 'auto',
      outside,
    };
  });

describe('admin pages on a phone', () => {
  it.each(PAGES)('%s keeps the page at the screen width, its search tools in their card; its table scrolls in its own box, its first column staying', async (path) => {
    const page = await browser.newPage({ viewport: PHONE });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(t.baseUrl + path);
    await page.locator('table tbody tr').first().waitFor();
    expect(await measure(page)).toEqual({ pageOverflow: 0, tableScrolls: true, outside: [] });
    // Swiped to the row's buttons, its first cell (whose row it is) is still in view.
    const firstCellShown = await page.evaluate(() => {
      const box = document.querySelector('table')!.parentElement!;
      box.scrollLeft = box.scrollWidth;
      const cell = document.querySelector('table tbody tr td, table tbody tr th')!.getBoundingClientRect();
      return Math.abs(cell.left - box.getBoundingClientRect().left) < 1 && box.scrollLeft > 0;
    });
    expect(firstCellShown).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(['/team', '/users'])('%s: the edit dialog stays inside the screen, with a margin', async (path) => {
    const page = await browser.newPage({ viewport: PHONE });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await page.goto(t.baseUrl + path);
    await page.locator('table tbody tr').first().getByRole('button', { name: 'Editar' }).click();
    const box = (await page.locator('dialog[open]').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(8);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width - 8);
    await page.close();
  });
});
