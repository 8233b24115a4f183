import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollector, createTeam } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, noSidewaysScroll, offersSection, openSection, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

const SCREENSHOT = 'docs/screenshots/users.png';
const PASSWORD = 'pw-123456';
const SUPERVISOR = { email: 'sara@test.local', name: 'Sara Supervisora' };
const DIEGO = { email: 'diego@test.local', name: 'Diego Despacho' };

let t: TestServer;
let teamId: number;
let norte: number;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  teamId = await createTeam(t, 'Centro');
  norte = await createTeam(t, 'Norte');
  await createCollector(t, 'Ana Ruiz', teamId);
  await t.server.auth.createUser({ ...SUPERVISOR, password: PASSWORD, role: 'supervisor', teamId });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Chromium logs every refused request as a console error; these refusals are the test's own. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of (401|403|409)/.test(e));
const row = (page: Page, email: string) => page.locator(`tr[data-user="${email}"]`);
const cell = (page: Page, email: string, col: string) => row(page, email).locator(`[data-col=${col}]`).innerText();
const userOf = async (email: string) => ((await t.api('GET', '/api/users')).body.users as { email: string; role: string; active: boolean }[]).find((u) => u.email === email);
/** The page at 1366 px shows everything without sideways scrolling. */

async function open(email: string, password: string, viewport = { width: 1366, height: 768 }) {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await logIn(page, t.baseUrl, email, password);
  return { page, errors };
}

/** The login page as a person uses it; resolves with where it leads, or the refusal it shows. */
async function signIn(page: Page, email: string, password: string): Promise<string> {
  await page.goto(`${t.baseUrl}/login`);
  await page.locator('input[type=email]').fill(email);
  await page.locator('input[type=password]').fill(password);
  await page.locator('form button[type=submit]').click();
  const refused = page.getByRole('alert');
  await Promise.race([page.waitForURL((u) => !u.pathname.startsWith('/login')), refused.waitFor()]);
  return new URL(page.url()).pathname.startsWith('/login') ? `refused: ${await refused.innerText()}` : 'signed in';
}

/** 'Cambiar mi contraseña' as a person opens it: their name (or initials, on a tablet) in the top bar, then the menu's entry. */
async function openPasswordDialog(page: Page, name: string, entry = 'Cambiar mi contraseña') {
  await page.getByRole('banner').getByRole('button', { name }).click();
  await page.getByRole('button', { name: entry, exact: true }).click();
}

describe('the users page in Chromium', () => {
  it('lets an admin create a dispatcher login that signs in, change its role, reset its password and deactivate it, ending its open session', { timeout: 180_000 }, async () => {
    const { page, errors } = await open(ADMIN.email, ADMIN.password, { width: 1366, height: 900 });
    await openSection(page, 'Usuarios');
    await page.waitForURL((u) => u.pathname === '/users');
    await row(page, ADMIN.email).waitFor({ timeout: 30_000 });
    expect(await cell(page, SUPERVISOR.email, 'team')).toBe('Centro');

    // A dispatcher works in one team: the form says so before anything is sent.
    const form = page.getByRole('form', { name: 'Nuevo usuario' });
    await form.getByLabel('Nombre').fill(DIEGO.name);
    await form.getByLabel('Correo electrónico').fill(DIEGO.email);
    await form.getByLabel('Rol').selectOption({ label: 'Despachador' });
    await form.getByRole('button', { name: 'Generar' }).click();
    const password = await form.getByLabel('Contraseña inicial').inputValue();
    expect(password.length).toBeGreaterThanOrEqual(8);
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('Elige el equipo: este rol trabaja en uno solo.');
    expect(await userOf(DIEGO.email)).toBeUndefined();
    await form.getByLabel('Equipo').selectOption({ label: 'Centro' });
    await form.getByRole('button', { name: 'Crear usuario' }).click();

    // The password is shown this once, to pass on.
    const card = page.getByTestId('password-card');
    await card.waitFor();
    expect(await card.innerText()).toContain('Entrégale esta contraseña ahora: no se volverá a mostrar.');
    expect(await card.getByTestId('password').innerText()).toBe(password);
    await row(page, DIEGO.email).waitFor();
    expect(await cell(page, DIEGO.email, 'role')).toBe('Despachador');
    expect(await cell(page, DIEGO.email, 'team')).toBe('Centro');
    expect(await cell(page, DIEGO.email, 'state')).toBe('Activo');
    await card.getByRole('button', { name: 'Ya la entregué' }).click();
    expect(await page.content()).not.toContain(password);

    // Diego signs in on the login page with it, in a browser of his own.
    const diego = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const diegoErrors = watchErrors(diego);
    expect(await signIn(diego, DIEGO.email, password)).toBe('signed in');
    await diego.getByRole('navigation').getByRole('link', { name: 'Despacho' }).waitFor();
    expect(await offersSection(diego, 'Usuarios')).toBe(false);
    expect(await offersSection(diego, 'Dispositivos')).toBe(false);

    // Made a supervisor: his open session ends, and signed in again he has a supervisor's sections.
    await row(page, DIEGO.email).getByRole('button', { name: 'Editar' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('cierra sus sesiones abiertas');
    await dialog.getByLabel('Rol').selectOption({ label: 'Supervisor' });
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => cell(page, DIEGO.email, 'role')).toBe('Supervisor');
    expect(await page.getByRole('status').filter({ hasText: 'Se guardaron los cambios de Diego Despacho.' }).count()).toBe(1);
    expect((await userOf(DIEGO.email))?.role).toBe('supervisor');
    await diego.waitForURL((u) => u.pathname === '/login', { timeout: 15_000 });
    expect(await signIn(diego, DIEGO.email, password)).toBe('signed in');
    await expect.poll(() => offersSection(diego, 'Dispositivos')).toBe(true);

    // Deactivating asks first; cancelled, nothing changes.
    await row(page, DIEGO.email).getByRole('button', { name: 'Desactivar' }).click();
    expect(await dialog.innerText()).toContain('¿Desactivar a Diego Despacho?');
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    expect(await cell(page, DIEGO.email, 'state')).toBe('Activo');
    expect(diego.url()).not.toContain('/login');
    await row(page, DIEGO.email).getByRole('button', { name: 'Desactivar' }).click();
    await dialog.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => cell(page, DIEGO.email, 'state')).toBe('Desactivado');
    expect((await userOf(DIEGO.email))?.active).toBe(false);
    // His open dashboard is signed out at once, and he cannot sign in again.
    await diego.waitForURL((u) => u.pathname === '/login', { timeout: 15_000 });
    expect(await signIn(diego, DIEGO.email, password)).toBe('refused: Correo o contraseña incorrectos.');

    // Reactivated with a new password: the old one no longer works, the new one does.
    await row(page, DIEGO.email).getByRole('button', { name: 'Reactivar' }).click();
    await dialog.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => cell(page, DIEGO.email, 'state')).toBe('Activo');
    await row(page, DIEGO.email).getByRole('button', { name: 'Nueva contraseña' }).click();
    await dialog.getByLabel('Contraseña nueva').fill('corta');
    await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toBe('La contraseña debe tener al menos 8 caracteres.');
    await dialog.getByRole('button', { name: 'Generar' }).click();
    const fresh = await dialog.getByLabel('Contraseña nueva').inputValue();
    await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await card.waitFor();
    expect(await card.innerText()).toContain('Nueva contraseña de Diego Despacho (diego@test.local).');
    expect(await card.getByTestId('password').innerText()).toBe(fresh);
    expect(await signIn(diego, DIEGO.email, password)).toBe('refused: Correo o contraseña incorrectos.');
    expect(await signIn(diego, DIEGO.email, fresh)).toBe('signed in');
    expect(unexpected(diegoErrors)).toEqual([]);
    await diego.close();
    await card.getByRole('button', { name: 'Ya la entregué' }).click();

    // The same email in other letters is refused, in the page's words.
    await form.getByLabel('Nombre').fill('Otro Diego');
    await form.getByLabel('Correo electrónico').fill('DIEGO@test.local');
    await form.getByLabel('Rol').selectOption({ label: 'Gerente' });
    await form.getByLabel('Contraseña inicial').fill(PASSWORD);
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('Ya existe un usuario con el correo diego@test.local.');

    // A collector's login names a collector of its team; one that has a login is not offered again.
    await form.getByLabel('Nombre').fill('Ana Ruiz');
    await form.getByLabel('Correo electrónico').fill('ana@test.local');
    await form.getByLabel('Rol').selectOption({ label: 'Cobrador' });
    await form.getByLabel('Equipo').selectOption({ label: 'Norte' });
    expect(await form.getByText('Este equipo no tiene cobradores activos: agrégalos primero.').count()).toBe(1);
    await form.getByLabel('Equipo').selectOption({ label: 'Centro' });
    await form.locator('select[name=collector]').selectOption({ label: 'Ana Ruiz' });
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await row(page, 'ana@test.local').waitFor();
    expect(await cell(page, 'ana@test.local', 'collector')).toBe('Ana Ruiz');
    expect(await noSidewaysScroll(page)).toBe(true);
    mkdirSync('docs/screenshots', { recursive: true });
    // The page scrolls inside its own box: a viewport tall enough shows all of it.
    await page.setViewportSize({ width: 1366, height: 1000 });
    await page.screenshot({ path: SCREENSHOT });
    await page.setViewportSize({ width: 1366, height: 900 });
    await form.getByLabel('Rol').selectOption({ label: 'Cobrador' });
    await form.getByLabel('Equipo').selectOption({ label: 'Centro' });
    expect(await form.locator('select[name=collector] option', { hasText: 'ya tiene acceso: ana@test.local' }).isDisabled()).toBe(true);
    await card.getByRole('button', { name: 'Ya la entregué' }).click();

    // Filters go to the API; the search box narrows what it gave.
    const list = page.getByRole('region', { name: 'Usuarios' });
    await list.getByLabel('Rol').selectOption({ label: 'Supervisor' });
    await expect.poll(() => page.locator('tr[data-user]').count()).toBe(2);
    await list.getByRole('searchbox', { name: 'Buscar usuario' }).fill('sara');
    await expect.poll(() => page.locator('tr[data-user]').count()).toBe(1);
    await list.getByRole('searchbox', { name: 'Buscar usuario' }).fill('');
    await list.getByLabel('Rol').selectOption({ label: 'Todos' });
    await expect.poll(() => page.locator('tr[data-user]').count()).toBe(4);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Users');
    expect(await cell(page, DIEGO.email, 'role')).toBe('Supervisor');
    expect(await row(page, DIEGO.email).getByRole('button', { name: 'Deactivate' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Español' }).click();

    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("words the server's refusal from its code when the page is behind it: a collector moved to another team meanwhile", { timeout: 90_000 }, async () => {
    const beto = await createCollector(t, 'Beto Soto', teamId);
    const { page, errors } = await open(ADMIN.email, ADMIN.password, { width: 1366, height: 900 });
    await page.goto(`${t.baseUrl}/users`);
    await row(page, ADMIN.email).waitFor({ timeout: 30_000 });
    const form = page.getByRole('form', { name: 'Nuevo usuario' });
    await form.getByLabel('Nombre').fill('Beto Soto');
    await form.getByLabel('Correo electrónico').fill('beto@test.local');
    await form.getByLabel('Rol').selectOption({ label: 'Cobrador' });
    await form.getByLabel('Equipo').selectOption({ label: 'Centro' });
    await form.locator('select[name=collector]').selectOption({ label: 'Beto Soto' });
    await form.getByLabel('Contraseña inicial').fill(PASSWORD);

    // Someone else moves him to Norte while the form is open: the server refuses, and the page says why in its own words.
    expect((await t.api('PATCH', `/api/collectors/${beto}`, { teamId: norte })).status).toBe(200);
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('Beto Soto no es del equipo Centro: quizá lo cambiaron de equipo. Elige un cobrador de ese equipo.');
    expect(await userOf('beto@test.local')).toBeUndefined();

    // The page caught up: Centro no longer offers him, Norte does, and there his login is made.
    await expect.poll(() => form.locator('select[name=collector] option', { hasText: 'Beto Soto' }).count()).toBe(0);
    await form.getByLabel('Equipo').selectOption({ label: 'Norte' });
    await form.locator('select[name=collector]').selectOption({ label: 'Beto Soto' });
    await form.getByRole('button', { name: 'Crear usuario' }).click();
    await row(page, 'beto@test.local').waitFor();
    expect(await cell(page, 'beto@test.local', 'team')).toBe('Norte');
    expect(unexpected(errors).filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.close();
  });

  it('is not offered to a supervisor, and a direct visit says it is not allowed', { timeout: 60_000 }, async () => {
    const { page, errors } = await open(SUPERVISOR.email, PASSWORD);
    expect(await offersSection(page, 'Dispositivos')).toBe(true);
    expect(await offersSection(page, 'Usuarios')).toBe(false);
    await page.goto(`${t.baseUrl}/users`);
    const denied = page.getByTestId('users-denied');
    await denied.waitFor();
    expect(await denied.innerText()).toContain('Solo un administrador da de alta usuarios y administra sus accesos.');
    expect(await page.getByRole('form').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('changing one\'s own password from the top bar', () => {
  it('refuses a wrong current password and two new ones that differ, then changes it: other sessions end, this one goes on', { timeout: 90_000 }, async () => {
    const PABLO = { email: 'pablo@test.local', name: 'Pablo Planta' };
    await t.server.auth.createUser({ ...PABLO, password: PASSWORD, role: 'dispatcher', teamId });
    const { page, errors } = await open(PABLO.email, PASSWORD);
    const other = await open(PABLO.email, PASSWORD);
    await openPasswordDialog(page, PABLO.name);
    const dialog = page.getByRole('dialog', { name: 'Cambiar mi contraseña' });
    const fill = async (current: string, next: string, repeat: string) => {
      await dialog.getByLabel('Contraseña actual').fill(current);
      await dialog.getByLabel('Contraseña nueva', { exact: true }).fill(next);
      await dialog.getByLabel('Repite la contraseña nueva').fill(repeat);
      await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    };
    await fill('no-es-esta', 'nueva-clave-1', 'nueva-clave-1');
    await dialog.getByRole('alert').filter({ hasText: 'La contraseña actual no es correcta.' }).waitFor();
    await fill(PASSWORD, 'nueva-clave-1', 'nueva-clave-2');
    await dialog.getByRole('alert').filter({ hasText: 'Las dos contraseñas nuevas no coinciden.' }).waitFor();
    await fill(PASSWORD, 'nueva-clave-1', 'nueva-clave-1');
    await dialog.getByRole('status').filter({ hasText: 'tu contraseña cambió' }).waitFor();

    await other.page.waitForURL((u) => u.pathname === '/login', { timeout: 15_000 });
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Despacho' }).waitFor();
    expect(new URL(page.url()).pathname).not.toBe('/login');
    const fresh = await browser.newPage();
    expect(await signIn(fresh, PABLO.email, PASSWORD)).toBe('refused: Correo o contraseña incorrectos.');
    expect(await signIn(fresh, PABLO.email, 'nueva-clave-1')).toBe('signed in');
    expect(unexpected(errors)).toEqual([]);
    await Promise.all([page.close(), other.page.close(), fresh.close()]);
  });

  it("shows on a phone the whole password it generates for a new login, clear of the button", { timeout: 60_000 }, async () => {
    const { page, errors } = await open(ADMIN.email, ADMIN.password, { width: 390, height: 844 });
    await page.goto(`${t.baseUrl}/users`);
    await page.getByRole('button', { name: 'Generar' }).click();
    const field = page.getByRole('textbox', { name: 'Contraseña inicial' });
    const password = await field.inputValue();
    expect(password.length).toBeGreaterThanOrEqual(8);
    const input = (await field.boundingBox())!;
    const button = (await page.getByRole('button', { name: 'Generar' }).boundingBox())!;
    const overlap = input.x < button.x + button.width && button.x < input.x + input.width && input.y < button.y + button.height && button.y < input.y + input.height;
    expect(overlap, JSON.stringify({ input, button })).toBe(false);
    // Room for the whole of it, in the field's own font.
    expect(await field.evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('is in reach on a tablet, portrait and landscape, in either language, and on a phone the bar still fits', { timeout: 120_000 }, async () => {
    const LUCIA = { email: 'lucia@test.local', name: 'Lucía de la Peña' };
    await t.server.auth.createUser({ ...LUCIA, password: PASSWORD, role: 'supervisor', teamId });
    const fitsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

    // A portrait tablet, where the bar has no room for the name: the initials lead to the dialog.
    const portrait = await open(LUCIA.email, PASSWORD, { width: 768, height: 1024 });
    expect(await fitsSideways(portrait.page)).toBe(true);
    await openPasswordDialog(portrait.page, LUCIA.name);
    let dialog = portrait.page.getByRole('dialog', { name: 'Cambiar mi contraseña' });
    await dialog.getByLabel('Contraseña actual').fill(PASSWORD);
    await dialog.getByLabel('Contraseña nueva', { exact: true }).fill('tableta-vertical');
    await dialog.getByLabel('Repite la contraseña nueva').fill('tableta-vertical');
    await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await dialog.getByRole('status').filter({ hasText: 'tu contraseña cambió' }).waitFor();
    await dialog.getByRole('button', { name: 'Cerrar' }).click();
    expect(unexpected(portrait.errors)).toEqual([]);
    await portrait.page.close();

    // A landscape tablet, in English: the same, in the other language's words.
    const landscape = await open(LUCIA.email, 'tableta-vertical', { width: 1024, height: 768 });
    expect(await fitsSideways(landscape.page)).toBe(true);
    await landscape.page.getByRole('button', { name: 'English' }).click();
    await openPasswordDialog(landscape.page, 'Signed in as Lucía de la Peña', 'Change my password');
    dialog = landscape.page.getByRole('dialog', { name: 'Change my password' });
    await dialog.getByLabel('Current password').fill('tableta-vertical');
    await dialog.getByLabel('New password', { exact: true }).fill('tableta-horizontal');
    await dialog.getByLabel('New password again').fill('tableta-horizontal');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('status').filter({ hasText: 'your password changed' }).waitFor();
    expect(unexpected(landscape.errors)).toEqual([]);
    await landscape.page.close();

    // On a phone, signed in with the newest password: the initials, and sign-out behind them, are on screen without scrolling sideways.
    const phone = await open(LUCIA.email, 'tableta-horizontal', { width: 360, height: 740 });
    const initials = phone.page.getByRole('banner').getByRole('button', { name: 'Sesión de Lucía de la Peña' });
    expect(await initials.innerText()).toBe('LP');
    expect(await fitsSideways(phone.page)).toBe(true);
    await initials.click();
    const signOut = phone.page.getByRole('button', { name: 'Salir', exact: true });
    await signOut.waitFor();
    const box = await signOut.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 360).toBe(true);
    await signOut.click();
    await phone.page.waitForURL((u) => u.pathname === '/login');
    expect(await signIn(phone.page, LUCIA.email, 'tableta-vertical')).toBe('refused: Correo o contraseña incorrectos.');
    await phone.page.close();
  });

  it("keeps every section of the bar in view on a laptop while the data is stale (nothing reports to this server)", { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await logIn(page, t.baseUrl, ADMIN.email, ADMIN.password);
    await expect.poll(() => page.getByTestId('status-badge').getAttribute('data-state'), { timeout: 45_000 }).toBe('stale');
    const nav = await page.locator('header nav').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(nav.scroll).toBeLessThanOrEqual(nav.client);
    // The age is not lost: the badge's title says it.
    expect(await page.getByTestId('status-badge').getAttribute('title')).toMatch(/Último dato|Aún no llegan datos/);
    await page.close();
  });
});
