import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The wall's list of collectors at a laptop's 1366 px: a row's name shares its line with the report's
 * age ("hace 1 s") only, not with the speed and battery under it. The name had the width left of the
 * row's widest figure ("30 km/h 99 %"), so "Gabriela Hernández" read "Gabriela Hernán…" beside a short
 * "hace 1 s" with room to spare.
 */
const NAMES = ['Gabriela Hernández', 'Guadalupe Domínguez'];
/** Longer than any row: cut with an ellipsis, never pushing the figures out of the row. */
const LONG = 'María Fernanda de los Ángeles Villaseñor Echeverría';

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer({}, undefined, { city: true });
  const team = await createTeam(t, 'Poniente');
  const center = (await t.api('GET', '/api/map/config')).body.center as [number, number];
  for (const [i, name] of [...NAMES, LONG].entries()) {
    const collectorId = await createCollector(t, name, team);
    const uniqueId = `phone-${collectorId}`;
    const { token } = await t.createDevice(uniqueId, collectorId);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0 });
    // Moving and with a battery: the row's second line at its widest.
    const fix = { ts: new Date().toISOString(), lat: center[1] + i * 0.002, lon: center[0], speed: 38, battery: 99 };
    await client.publishAsync(`ronda/${uniqueId}/position`, JSON.stringify(fix), { qos: 1 });
    await client.endAsync();
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the wall’s collector rows', () => {
  it('show a name in full beside the report’s age at 1366 px, and cut only one longer than the row', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = watchErrors(page);
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    const rows = page.locator('section[aria-labelledby=collectors-title] li button');
    await expect.poll(() => rows.filter({ hasText: '99' }).count(), { timeout: 30_000 }).toBe(3);

    const fit = await rows.evaluateAll((buttons) =>
      buttons.map((b) => {
        const name = b.querySelector('.name') as HTMLElement;
        const box = b.getBoundingClientRect();
        const inside = Array.from(b.querySelectorAll('.age, .nums')).every((el) => el.getBoundingClientRect().right <= box.right + 1);
        return { name: name.textContent, cut: name.scrollWidth > name.clientWidth, inside, height: Math.round(box.height) };
      }),
    );
    expect(fit).toEqual([
      { name: 'Gabriela Hernández', cut: false, inside: true, height: 58 },
      { name: 'Guadalupe Domínguez', cut: false, inside: true, height: 58 },
      { name: LONG, cut: true, inside: true, height: 58 },
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
