import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/contract/auth.ts';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, offersSection, openSection, watchErrors } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const PASSWORD = 'pw-123456';
/** A real supervisor's full name, longer than the bar has room for at most widths. */
const LONG_NAME = 'María Guadalupe Fernández de la Concepción';
/** Phones, tablets, the laptops where the bar is tightest, and either side of each of its breakpoints. */
const WIDTHS = [360, 390, 600, 640, 641, 768, 901, 1000, 1023, 1024, 1101, 1180, 1199, 1200, 1280, 1365, 1366, 1440];
const ROLES: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'manager', 'collector'];

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  const teamId = await createTeam(t, 'Centro');
  const collectorId = await createCollector(t, LONG_NAME, teamId);
  for (const role of ROLES) {
    await t.server.auth.createUser({ email: `${role}@bar.local`, name: LONG_NAME, password: PASSWORD, role, teamId: role === 'admin' ? null : teamId, collectorId: role === 'collector' ? collectorId : null });
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface Layout {
  /** The page, the bar or the sections' box scroll sideways. */
  overflows: string[];
  /** Things in the bar drawn (partly) off the screen's sides. */
  offScreen: string[];
  /** Section links a tap at their centre reaches: on screen, not clipped, not covered. */
  reachable: string[];
}

/** What the bar shows right now, measured the way a finger finds it: hit-testing each link's centre. */
const layout = (page: Page): Promise<Layout> =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const boxes = { page: document.documentElement, bar: document.querySelector('header')!, sections: document.querySelector('header nav')! };
    const overflows = Object.entries(boxes)
      .filter(([, el]) => el.scrollWidth > el.clientWidth + 1)
      .map(([name, el]) => `${name} ${el.scrollWidth}>${el.clientWidth}`);
    const offScreen = Array.from(document.querySelectorAll<HTMLElement>('header a, header button'))
      .filter((el) => el.checkVisibility())
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.left < -0.5 || r.right > width + 0.5);
      })
      .map((el) => el.textContent!.trim());
    const reachable = Array.from(document.querySelectorAll<HTMLElement>('header nav a'))
      .filter((a) => {
        const r = a.getBoundingClientRect();
        if (!a.checkVisibility() || r.width === 0 || r.left < 0 || r.right > width) return false;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit !== null && a.contains(hit);
      })
      .map((a) => a.textContent!.trim());
    return { overflows, offScreen, reachable };
  });

/**
 * Every section the bar offers, in view or one tap away: those on screen, plus those each menu toggle
 * in the bar shows when opened (and a menu within it). Each menu must then close on Escape, saying so.
 */
async function reachableSections(page: Page): Promise<{ offered: string[]; reached: string[]; problems: string[] }> {
  const offered = (await page.locator('header nav a').allTextContents()).map((s) => s.trim());
  const reached = new Set<string>();
  const problems: string[] = [];
  const first = await layout(page);
  problems.push(...first.overflows, ...first.offScreen.map((s) => `off screen: ${s}`));
  first.reachable.forEach((s) => reached.add(s));
  const toggles = page.locator('header nav button[aria-expanded]');
  for (let i = 0; i < (await toggles.count()); i++) {
    const toggle = toggles.nth(i);
    if (!(await toggle.isVisible())) continue;
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    const opened = await layout(page);
    opened.reachable.forEach((s) => reached.add(s));
    problems.push(...opened.overflows, ...opened.offScreen.map((s) => `off screen with a menu open: ${s}`));
    // A menu inside the menu (e.g. "Gestión" in a phone's list), one more level.
    const inner = page.locator('header nav button[aria-expanded=false]');
    for (let j = 0; j < (await inner.count()); j++) {
      if (!(await inner.nth(j).isVisible())) continue;
      await inner.nth(j).click();
      (await layout(page)).reachable.forEach((s) => reached.add(s));
      break;
    }
    await page.keyboard.press('Escape');
    if ((await toggle.getAttribute('aria-expanded')) === 'true') await page.keyboard.press('Escape');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
  }
  return { offered, reached: offered.filter((s) => reached.has(s)), problems };
}

describe('the top bar at every width', () => {
  it('keeps every section of every role reachable without sideways scrolling, with a long name and stale data, in both languages', { timeout: 300_000 }, async () => {
    const pages = await Promise.all(
      ROLES.map(async (role) => {
        const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
        const errors = watchErrors(page);
        await logIn(page, t.baseUrl, `${role}@bar.local`, PASSWORD);
        await page.locator('header nav a').first().waitFor({ state: 'attached' });
        return { role, page, errors };
      }),
    );
    // Nothing reports to this server, so the status badge soon says its widest state; a collector's
    // own day is never stale for silence alone (link-state.ts staleAfterFor), theirs stays live.
    await Promise.all(
      pages.map(({ role, page }) =>
        expect.poll(() => page.getByTestId('status-badge').getAttribute('data-state'), { timeout: 60_000 }).toBe(role === 'collector' ? 'live' : 'stale'),
      ),
    );

    const failures: string[] = [];
    for (const { role, page, errors } of pages) {
      for (const language of ['Español', 'English']) {
        await page.setViewportSize({ width: 1366, height: 800 });
        await page.getByRole('button', { name: language }).click();
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: width < 600 ? 800 : 768 });
          const { offered, reached, problems } = await reachableSections(page);
          const missing = offered.filter((s) => !reached.includes(s));
          if (offered.length < 3) problems.push(`only ${offered.length} sections offered`);
          if (missing.length > 0 || problems.length > 0) failures.push(`${role} ${language} ${width}px: ${[...missing.map((s) => `unreachable: ${s}`), ...problems].join('; ')}`);
        }
      }
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(failures).toEqual([]);
  });

  it("opens a phone's sections from the keyboard, says whether they are open, and closes them on Escape or on a choice, in either language", { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, 'admin@bar.local', PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Secciones' });
    const menu = nav.getByRole('button', { name: 'Menú', exact: true });
    await menu.waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.getByRole('link').count()).toBe(0);

    // Enter opens the list; Tab goes on into it, the sections in the bar's order, "Gestión"'s under its name.
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('true');
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Mapa en vivo', 'Despacho', 'Recorridos', 'Métricas', 'Cartera', 'Equipo', 'Usuarios', 'Dispositivos']);
    expect(await nav.getByRole('group', { name: 'Gestión' }).getByRole('link').count()).toBe(3);
    expect(await nav.getByRole('link', { name: 'Mapa en vivo' }).getAttribute('aria-current')).toBe('page');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Mapa en vivo');
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: 'docs/screenshots/top-bar-phone.png', clip: { x: 0, y: 0, width: 390, height: 480 } });

    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.getByRole('link').count()).toBe(0);
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);

    // A section chosen from it opens, and the list closes behind it.
    await menu.click();
    await nav.getByRole('link', { name: 'Usuarios' }).click();
    await page.waitForURL((u) => u.pathname === '/users');
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.getByRole('link').count()).toBe(0);

    // In English, the same in its words; turned into a tablet, the sections are back in the bar and the list is gone.
    await page.getByRole('button', { name: 'English' }).click();
    const sectionsEn = page.getByRole('navigation', { name: 'Sections' });
    const menuEn = sectionsEn.getByRole('button', { name: 'Menu', exact: true });
    await menuEn.click();
    await expect.poll(() => sectionsEn.getByRole('group', { name: 'Admin' }).getByRole('link', { name: 'Users' }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 820, height: 1180 });
    await expect.poll(() => menuEn.isVisible()).toBe(false);
    expect(await page.locator('#sections').evaluate((el) => el.matches(':popover-open'))).toBe(false);
    await expect.poll(() => sectionsEn.getByRole('link').allInnerTexts()).toEqual(['Live map', 'Dispatch', 'Track replay', 'Metrics', 'Portfolio']);
    expect(await sectionsEn.getByRole('button', { name: 'Admin' }).getAttribute('aria-expanded')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lets the tests' helpers find and open sections behind a phone's menu, and leaves the menu as they found it", { timeout: 60_000 }, async () => {
    for (const role of ['collector', 'admin'] as const) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const errors = watchErrors(page);
      await logIn(page, t.baseUrl, `${role}@bar.local`, PASSWORD);
      const menu = page.getByRole('navigation').getByRole('button', { name: 'Menú', exact: true });
      expect(await offersSection(page, 'Recorridos')).toBe(true);
      // "Gestión"'s sections are an admin's, in the phone's list under its name.
      expect(await offersSection(page, 'Dispositivos')).toBe(role === 'admin');
      expect(await offersSection(page, 'Despacho')).toBe(role === 'admin');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      const [section, path] = role === 'admin' ? ['Dispositivos', '/devices'] : ['Métricas', '/metrics'];
      await openSection(page, section);
      await page.waitForURL((u) => u.pathname === path);
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
