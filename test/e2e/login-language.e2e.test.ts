import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * The login's refusal is said in the language on screen: one who cannot sign in and switches to
 * English to read why was still told "Correo o contraseña incorrectos." under an English form.
 */
let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the login page', () => {
  it('says a refusal in the language switched to after it', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${t.baseUrl}/login`);
    await page.locator('input[type=email]').fill(ADMIN.email);
    await page.locator('input[type=password]').fill('not-the-password');
    await page.locator('form button[type=submit]').click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toBe('Correo o contraseña incorrectos.');

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => alert.textContent()).toBe('Wrong email or password.');
    await page.getByRole('button', { name: 'Español' }).click();
    await expect.poll(() => alert.textContent()).toBe('Correo o contraseña incorrectos.');
    await page.close();
  });
});
