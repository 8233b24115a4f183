import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, software WebGL (SwiftShader) so MapLibre renders without a GPU. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

/** Collects console errors and uncaught exceptions: a page that logs errors fails its test. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Whether every box that could scroll sideways fits its width: a page that makes one scroll sideways hides part of itself on a phone. */
export function noSidewaysScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => Array.from(document.querySelectorAll('html, body, main, .admin-page, .table-scroll')).every((el) => el.scrollWidth <= el.clientWidth + 1));
}

export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * The top bar's sections, drawn and in reach: on a phone (≤640 px, SectionsNav.svelte) they are a list
 * behind "Menú", which this opens. `opened`: whether it did, for the caller to close it again.
 */
async function showSections(page: Page): Promise<{ nav: Locator; opened: boolean }> {
  const nav = page.getByRole('navigation');
  const first = nav.getByRole('link', { name: 'Mapa en vivo' });
  const menu = nav.getByRole('button', { name: 'Menú', exact: true });
  // Whichever the width shows (role queries skip what is hidden): the row's first link, or the phone's button.
  await first.or(menu).first().waitFor();
  if (!(await menu.isVisible()) || (await menu.getAttribute('aria-expanded')) === 'true') return { nav, opened: false };
  await menu.click();
  await first.waitFor();
  return { nav, opened: true };
}

/** Opens a top-bar section by its name: through the phone's "Menú", or "Gestión" for the sections set up there. */
export async function openSection(page: Page, name: string): Promise<void> {
  const { nav } = await showSections(page);
  const link = nav.getByRole('link', { name, exact: true, includeHidden: true });
  // A phone's list shows "Gestión"'s sections under its name; wider, they are behind its button.
  if (!(await link.isVisible())) await nav.getByRole('button', { name: 'Gestión' }).click();
  await link.click();
}

/** Whether the top bar offers a section at all, in view or behind a menu; a phone's "Menú" is left as it was. */
export async function offersSection(page: Page, name: string): Promise<boolean> {
  const { nav, opened } = await showSections(page);
  const offered = (await nav.getByRole('link', { name, exact: true, includeHidden: true }).count()) > 0;
  if (opened) {
    await page.keyboard.press('Escape');
    // Its state follows the popover's toggle event, a task after the list is hidden.
    await nav.getByRole('button', { name: 'Menú', exact: true, expanded: false }).waitFor();
  }
  return offered;
}

/** The wall's marker colours (web/src/lib/collector-state.ts STATE_COLORS), as RGB. */
export const MARKER_RGB: readonly (readonly number[])[] = [
  [0xf4, 0x3f, 0x5e],
  [0x6b, 0x72, 0x80],
  [0x60, 0xa5, 0xfa],
  [0x34, 0xd3, 0x99],
  [0xfb, 0xbf, 0x24],
];

/**
 * Pixels of a screenshot within `tolerance` (the sum of the channels' differences) of each colour (decoded in
 * the page: no image library here). A colour drawn translucent needs a wider tolerance than 12.
 */
export async function countColours(page: Page, png: Buffer, colours: readonly (readonly number[])[], tolerance = 12): Promise<number[]> {
  return page.evaluate(
    async ({ b64, colours, tolerance }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const ctx = new OffscreenCanvas(img.width, img.height).getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, img.width, img.height);
      const n = colours.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        colours.forEach(([r, g, b], k) => {
          if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < tolerance) n[k]++;
        });
      }
      return n;
    },
    { b64: png.toString('base64'), colours, tolerance },
  );
}
