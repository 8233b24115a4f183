import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER, accountLine, createCollector, createTeam, postCsv } from '../../server/operations/testing/fixtures.ts';
import { launchBrowser, logIn, noSidewaysScroll, offersSection, openSection, watchErrors } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/test-server.ts';

const SCREENSHOT = 'docs/screenshots/team.png';
const PASSWORD = 'pw-123456';
const SUPERVISOR = { email: 'sara@test.local', name: 'Sara Supervisora' };
const DISPATCHER = { email: 'diego@test.local', name: 'Diego Despacho' };
/** A day ahead of any clock this runs on: its visit is still to do. */
const DAY = '2030-03-12';

let t: TestServer;
let centro: number;
let norte: number;
let browser: Browser;

type Listed = { id: number; name: string; phone: string | null; teamId: number | null; active: boolean };
const listed = async (query = '?includeInactive=true') => (await t.api<{ collectors: Listed[] }>('GET', `/api/collectors${query}`)).body.collectors;
const teamNames = async () => ((await t.api<{ teams: { name: string }[] }>('GET', '/api/teams')).body.teams).map((x) => x.name);

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE: 'America/Mexico_City' });
  centro = await createTeam(t, 'Centro');
  norte = await createTeam(t, 'Norte');
  const ana = await createCollector(t, 'Ana Ruiz', centro);
  await createCollector(t, 'Beto Soto', centro);
  await createCollector(t, 'Ciro Lara', norte);
  await t.createDevice('ana-phone', ana);
  await t.server.auth.createUser({ ...SUPERVISOR, password: PASSWORD, role: 'supervisor', teamId: centro });
  await t.server.auth.createUser({ ...DISPATCHER, password: PASSWORD, role: 'dispatcher', teamId: centro });
  // Ana holds a visit still to do: she can be neither deactivated nor moved until it goes to someone else.
  expect((await postCsv(t, `${CSV_HEADER}\n${accountLine(1, 'Centro')}\n`)).body).toMatchObject({ imported: 1 });
  const account = (await t.api('GET', `/api/accounts?teamId=${centro}`)).body.accounts[0].id;
  expect((await t.api('POST', '/api/visits', { accountId: account, date: DAY, collectorId: ana })).status).toBe(201);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Chromium logs every refused request as a console error; these refusals are the test's own. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of (400|409)/.test(e));
/** The outcome of a change to a collector (`collectors`) or a team (`teams`). */
const notice = (page: Page, of: 'collectors' | 'teams') => page.locator(`[data-notice=${of}]`);
const row = (page: Page, name: string) => page.locator('tr[data-collector]').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
const names = (page: Page) => page.locator('tr[data-collector] th').allInnerTexts();
const teamRow = (page: Page, name: string) => page.locator('tr[data-team]').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
/** The page at 1366 px shows everything without sideways scrolling. */

async function open(email: string, password: string) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = watchErrors(page);
  await logIn(page, t.baseUrl, email, password);
  return { page, errors };
}

describe('the collectors and teams page in Chromium', () => {
  it('lets an admin add, rename, deactivate and reactivate collectors, refuses in its own words to deactivate or move one with visits to do, and manages the teams', { timeout: 120_000 }, async () => {
    const { page, errors } = await open(ADMIN.email, ADMIN.password);
    await openSection(page, 'Equipo');
    await row(page, 'Ana Ruiz').waitFor({ timeout: 30_000 });
    expect(await names(page)).toEqual(['Ana Ruiz', 'Beto Soto', 'Ciro Lara']);
    expect(await row(page, 'Ciro Lara').locator('[data-col=team]').innerText()).toBe('Norte');
    expect(await row(page, 'Ana Ruiz').locator('[data-col=devices]').innerText()).toBe('ana-phone');

    const form = page.getByRole('form', { name: 'Agregar cobrador' });
    // A name of spaces only is refused in the page's words, and nothing is added.
    await form.getByLabel('Nombre').fill('   ');
    await form.getByRole('button', { name: 'Agregar' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('Escribe el nombre del cobrador: no puede quedar en blanco.');
    expect(await listed()).toHaveLength(3);

    // Added to another team than the first offered, with a phone.
    await form.getByLabel('Nombre').fill('Dora Díaz');
    await form.getByLabel('Teléfono').fill('33 1111 2222');
    await form.getByLabel('Equipo').selectOption({ label: 'Norte' });
    await form.getByRole('button', { name: 'Agregar' }).click();
    await expect.poll(() => notice(page, 'collectors').innerText()).toBe('Se agregó a Dora Díaz.');
    await row(page, 'Dora Díaz').waitFor();
    expect(await row(page, 'Dora Díaz').locator('[data-col=team]').innerText()).toBe('Norte');
    const dora = (await listed()).find((c) => c.name === 'Dora Díaz')!;
    expect(dora.teamId).toBe(norte);
    const stored = await t.server.dbh.db.selectFrom('collectors').select('phone').where('id', '=', dora.id).executeTakeFirstOrThrow();
    expect(stored.phone).toBe('33 1111 2222');

    // Listed with her phone, to call her from here.
    const doraPhone = row(page, 'Dora Díaz').locator('[data-col=phone]').getByRole('link');
    expect(await doraPhone.innerText()).toBe('33 1111 2222');
    expect(await doraPhone.getAttribute('href')).toBe('tel:3311112222');
    expect(await row(page, 'Ana Ruiz').locator('[data-col=phone]').innerText()).toBe('—');

    // Renamed in the edit dialog, which starts with her phone: kept as it is, and changed when another is typed.
    await row(page, 'Dora Díaz').getByRole('button', { name: 'Editar' }).click();
    const editor = page.getByRole('dialog', { name: 'Editar a Dora Díaz' });
    expect(await editor.getByLabel('Teléfono').inputValue()).toBe('33 1111 2222');
    await editor.getByLabel('Nombre').fill('Dora Díaz López');
    await editor.getByRole('button', { name: 'Guardar' }).click();
    await row(page, 'Dora Díaz López').waitFor();
    expect(await notice(page, 'collectors').innerText()).toBe('Se guardaron los cambios de Dora Díaz López.');
    expect((await listed()).find((c) => c.id === dora.id)).toMatchObject({ name: 'Dora Díaz López', phone: '33 1111 2222' });
    await row(page, 'Dora Díaz López').getByRole('button', { name: 'Editar' }).click();
    const again = page.getByRole('dialog', { name: 'Editar a Dora Díaz López' });
    await again.getByLabel('Teléfono').fill(' 33 2222 3333 ');
    await again.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => row(page, 'Dora Díaz López').locator('[data-col=phone]').innerText()).toBe('33 2222 3333');
    expect((await listed()).find((c) => c.id === dora.id)?.phone).toBe('33 2222 3333');

    // The search finds by name without accents, by team and by a device's id.
    const search = page.getByLabel('Buscar cobradores');
    await search.fill('diaz');
    expect(await names(page)).toEqual(['Dora Díaz López']);
    await search.fill('ana-phone');
    expect(await names(page)).toEqual(['Ana Ruiz']);
    await search.fill('norte');
    expect(await names(page)).toEqual(['Ciro Lara', 'Dora Díaz López']);
    await search.fill('');

    // Ana still has a visit to do: deactivating her is refused, worded from the code and count, with the way to the board.
    const confirm = page.getByRole('dialog').filter({ hasText: '¿' });
    await row(page, 'Ana Ruiz').getByRole('button', { name: 'Dar de baja' }).click();
    expect(await confirm.innerText()).toContain('¿Dar de baja a Ana Ruiz?');
    // Their login goes with them, and does not come back with them.
    expect(await confirm.innerText()).toContain('Si tiene usuario para entrar, también se desactiva y se cierran sus sesiones.');
    expect(await confirm.innerText()).toContain('eso no le devuelve el usuario: un administrador lo reactiva en Usuarios.');
    await confirm.getByRole('button', { name: 'Confirmar' }).click();
    const refusal = notice(page, 'collectors');
    await expect.poll(() => refusal.innerText()).toContain('Ana Ruiz todavía tiene 1 visita por hacer: pásala a otro cobrador en el tablero antes de darle de baja.');
    expect(await refusal.getByRole('link', { name: 'Abrir el tablero' }).getAttribute('href')).toBe('/board');
    expect(await row(page, 'Ana Ruiz').locator('[data-col=state]').innerText()).toBe('Activo');
    mkdirSync('docs/screenshots', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // Moving her to another team likewise, said in the edit dialog, which keeps what was typed.
    await row(page, 'Ana Ruiz').getByRole('button', { name: 'Editar' }).click();
    const anaEditor = page.getByRole('dialog', { name: 'Editar a Ana Ruiz' });
    await anaEditor.getByLabel('Equipo').selectOption({ label: 'Norte' });
    await anaEditor.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(() => anaEditor.getByRole('alert').innerText()).toContain('Ana Ruiz todavía tiene 1 visita por hacer: pásala a otro cobrador en el tablero antes de cambiarle de equipo.');
    expect(await anaEditor.getByLabel('Equipo').inputValue()).toBe(String(norte));
    await anaEditor.getByRole('button', { name: 'Cancelar' }).click();
    expect((await listed()).find((c) => c.name === 'Ana Ruiz')).toMatchObject({ teamId: centro, active: true });

    // Beto has none: once confirmed he is deactivated, and listed only under "show inactive".
    await row(page, 'Beto Soto').getByRole('button', { name: 'Dar de baja' }).click();
    await confirm.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => notice(page, 'collectors').innerText()).toBe('Se dio de baja a Beto Soto.');
    await row(page, 'Beto Soto').waitFor({ state: 'detached' });
    expect(await names(page)).toEqual(['Ana Ruiz', 'Ciro Lara', 'Dora Díaz López']);
    await page.getByRole('checkbox', { name: 'Mostrar inactivos' }).check();
    await row(page, 'Beto Soto').waitFor();
    expect(await row(page, 'Beto Soto').locator('[data-col=state]').innerText()).toBe('Inactivo');
    expect((await listed()).find((c) => c.name === 'Beto Soto')?.active).toBe(false);
    await row(page, 'Beto Soto').getByRole('button', { name: 'Reactivar' }).click();
    await confirm.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => row(page, 'Beto Soto').locator('[data-col=state]').innerText()).toBe('Activo');
    await page.getByRole('checkbox', { name: 'Mostrar inactivos' }).uncheck();
    await row(page, 'Beto Soto').waitFor();

    // Teams: listed with their zone and currency; one created, changed and deleted; a team with people is kept.
    const teams = page.getByRole('region', { name: 'Equipos', exact: true });
    expect(await teamRow(page, 'Centro').locator('[data-col=timeZone]').innerText()).toBe('America/Mexico City (UTC-6)');
    const create = teams.getByRole('form', { name: 'Nuevo equipo' });
    await create.getByLabel('Nombre').fill('Sur');
    await create.getByLabel('Zona horaria').fill('America/Tijuana');
    await create.getByLabel('Moneda').fill('usd');
    await create.getByRole('button', { name: 'Crear equipo' }).click();
    await teamRow(page, 'Sur').waitFor();
    expect(await teamRow(page, 'Sur').locator('[data-col=currency]').innerText()).toBe('USD');
    expect(await form.getByLabel('Equipo').locator('option').allInnerTexts()).toEqual(['Centro', 'Norte', 'Sur']);
    await create.getByLabel('Nombre').fill('centro');
    await create.getByRole('button', { name: 'Crear equipo' }).click();
    // The server's code names the team that has the name, as stored.
    await expect.poll(() => notice(page, 'teams').innerText()).toBe('Ya existe el equipo «Centro»: los nombres de equipo deben distinguirse en algo más que mayúsculas y minúsculas.');

    await teamRow(page, 'Sur').getByRole('button', { name: 'Editar' }).click();
    const teamEditor = page.getByRole('dialog', { name: 'Editar el equipo Sur' });
    await teamEditor.getByLabel('Nombre').fill('Sur Costa');
    await teamEditor.getByLabel('Zona horaria').fill('America/Cancun');
    await teamEditor.getByRole('button', { name: 'Guardar' }).click();
    await teamRow(page, 'Sur Costa').waitFor();
    expect(await teamRow(page, 'Sur Costa').locator('[data-col=timeZone]').innerText()).toBe('America/Cancun (UTC-5)');

    await teamRow(page, 'Norte').getByRole('button', { name: 'Borrar' }).click();
    expect(await confirm.innerText()).toContain('¿Borrar el equipo Norte?');
    await confirm.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => notice(page, 'teams').innerText()).toBe('Norte todavía tiene 2 cobradores: muévelos o elimínalos antes de borrar el equipo.');
    expect(await teamNames()).toContain('Norte');
    await teamRow(page, 'Sur Costa').getByRole('button', { name: 'Borrar' }).click();
    await confirm.getByRole('button', { name: 'Confirmar' }).click();
    await expect.poll(() => notice(page, 'teams').innerText()).toBe('Se borró el equipo Sur Costa.');
    await teamRow(page, 'Sur Costa').waitFor({ state: 'detached' });
    expect(await teamNames()).toEqual(['Centro', 'Norte']);

    expect(await noSidewaysScroll(page)).toBe(true);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').innerText()).toBe('Collectors and teams');
    expect(await row(page, 'Ana Ruiz').getByRole('button', { name: 'Deactivate' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Español' }).click();
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it("shows a supervisor their own team's collectors only, adds to it, and has no teams section", { timeout: 60_000 }, async () => {
    const { page, errors } = await open(SUPERVISOR.email, PASSWORD);
    await openSection(page, 'Equipo');
    await row(page, 'Ana Ruiz').waitFor({ timeout: 30_000 });
    expect(await names(page)).toEqual(['Ana Ruiz', 'Beto Soto']);
    expect(await page.getByRole('columnheader', { name: 'Equipo' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Equipos', exact: true }).count()).toBe(0);

    const form = page.getByRole('form', { name: 'Agregar cobrador' });
    expect(await form.getByLabel('Equipo').count()).toBe(0);
    await form.getByLabel('Nombre').fill('Eli Mora');
    await form.getByRole('button', { name: 'Agregar' }).click();
    await row(page, 'Eli Mora').waitFor();
    expect((await listed()).find((c) => c.name === 'Eli Mora')?.teamId).toBe(centro);

    // Renaming needs no team of theirs to choose: the dialog offers no move.
    await row(page, 'Eli Mora').getByRole('button', { name: 'Editar' }).click();
    const editor = page.getByRole('dialog', { name: 'Editar a Eli Mora' });
    expect(await editor.getByLabel('Equipo').count()).toBe(0);
    await editor.getByLabel('Nombre').fill('Elisa Mora');
    await editor.getByRole('button', { name: 'Guardar' }).click();
    await row(page, 'Elisa Mora').waitFor();

    // What an admin changes elsewhere shows without a page reload: a collector added, a device handed to one.
    const fabi = await createCollector(t, 'Fabi Núñez', centro);
    await row(page, 'Fabi Núñez').waitFor({ timeout: 10_000 });
    await t.createDevice('fabi-phone', fabi);
    await expect.poll(() => row(page, 'Fabi Núñez').locator('[data-col=devices]').innerText(), { timeout: 10_000 }).toBe('fabi-phone');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows another admin's change to a team's currency alone without a reload, though no collector's row changes with it", { timeout: 60_000 }, async () => {
    const { page, errors } = await open(ADMIN.email, ADMIN.password);
    await openSection(page, 'Equipo');
    const currency = teamRow(page, 'Centro').locator('[data-col=currency]');
    await currency.waitFor({ timeout: 30_000 });
    expect(await currency.innerText()).toBe('MXN');
    expect((await t.api('PATCH', `/api/teams/${centro}`, { currency: 'COP' })).status).toBe(200);
    await expect.poll(() => currency.innerText(), { timeout: 10_000 }).toBe('COP');
    expect((await t.api('PATCH', `/api/teams/${centro}`, { currency: 'MXN' })).status).toBe(200);
    await expect.poll(() => currency.innerText(), { timeout: 10_000 }).toBe('MXN');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is not offered to a dispatcher, and a direct visit says it is not allowed', { timeout: 60_000 }, async () => {
    const { page, errors } = await open(DISPATCHER.email, PASSWORD);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Despacho' }).waitFor();
    expect(await offersSection(page, 'Equipo')).toBe(false);
    await page.goto(`${t.baseUrl}/team`);
    const denied = page.getByTestId('team-denied');
    await denied.waitFor();
    expect(await denied.innerText()).toContain('Solo un administrador o el supervisor de un equipo administra a los cobradores.');
    expect(await page.getByRole('form').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
