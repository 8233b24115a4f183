import type { UserOut } from '$contract/user.ts';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { byText, click, refusal, show, signIn, stubApi, switchLanguage, until } from '$lib/testing/page-harness.ts';
import Page from './+page.svelte';

const marta: UserOut = { id: 2, email: 'marta@example.com', name: 'Marta', role: 'supervisor', teamId: 7, collectorId: null, active: true, createdAt: '2026-01-05T10:00:00Z' };
const base = { 'GET /api/teams': { teams: [{ id: 7, name: 'Norte', timeZone: 'America/Mexico_City', currency: 'MXN' }] }, 'GET /api/collectors': { collectors: [] } };

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('admin');
});
afterEach(() => close());

/** The page's one note (`data-notice` since notes are NoticeLines; a plain `.notice-box` before). */
const notice = () => document.querySelector<HTMLElement>('.notice-box');

async function deactivateMarta(): Promise<HTMLElement> {
  close = show(Page);
  click(await until(() => byText('button', 'Desactivar'), "Marta's deactivate button"));
  click(await until(() => byText('dialog button', 'Confirmar'), 'the confirmation'));
  return until(notice, 'the note');
}

describe('the users page: a note shown follows a language switch', () => {
  test('"deactivated" said in Spanish reads in English after the switch', async () => {
    let active = true;
    stubApi({
      ...base,
      'GET /api/users': () => ({ users: [{ ...marta, active }] }),
      'PATCH /api/users/2': () => ({ ...marta, active: (active = false) }),
    });
    expect((await deactivateMarta()).textContent?.trim()).toBe('Marta quedó desactivado: ya no puede iniciar sesión.');

    switchLanguage('en');
    expect(notice()?.textContent?.trim()).toBe('Marta is deactivated: they can no longer sign in.');
  });

  test('a refusal follows the switch', async () => {
    stubApi({ ...base, 'GET /api/users': { users: [marta] }, 'PATCH /api/users/2': refusal(409, 'last_admin') });
    expect((await deactivateMarta()).textContent?.trim()).toBe('Es el único administrador activo: nombra antes a otro administrador.');

    switchLanguage('en');
    expect(notice()?.textContent?.trim()).toBe('This is the only active admin: make someone else an admin first.');
  });

  test('a failed load follows the switch', async () => {
    stubApi({ ...base, 'GET /api/users': new Response('{"message":"boom"}', { status: 500 }) });
    close = show(Page);
    await until(() => byText('[role="alert"]', 'No se pudieron cargar los usuarios: boom'), 'the load error');

    switchLanguage('en');
    expect(byText('[role="alert"]', 'Could not load the users: boom')).toBeDefined();
  });
});
