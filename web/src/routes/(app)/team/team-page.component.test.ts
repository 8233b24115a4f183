import type { CollectorSummary } from '$contract/collector.ts';
import type { TeamOut } from '$contract/team.ts';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { byText, click, refusal, show, signIn, stubApi, switchLanguage, type, until } from '$lib/testing/page-harness.ts';
import Page from './+page.svelte';

const team: TeamOut = { id: 7, name: 'Norte', timeZone: 'America/Mexico_City', currency: 'MXN' } as TeamOut;
const luisa: CollectorSummary = { id: 3, name: 'Luisa', phone: null, teamId: 7, teamName: 'Norte', timeZone: 'America/Mexico_City', active: true, devices: [], last: null };

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('admin');
});
afterEach(() => close());

const notice = (name: string) => document.querySelector<HTMLElement>(`[data-notice="${name}"]`);

describe('the team page: a note shown follows a language switch', () => {
  test('"added" said in Spanish reads in English after the switch', async () => {
    stubApi({ 'GET /api/collectors': { collectors: [luisa] }, 'GET /api/teams': { teams: [team] }, 'POST /api/collectors': { id: 4 } });
    close = show(Page);
    await until(() => byText('td, th, span', 'Luisa'), 'the list');
    type(document.querySelector<HTMLInputElement>('input[name="name"]')!, 'Pedro');
    click(byText('button', 'Agregar')!);
    expect((await until(() => notice('collectors'), 'the note')).textContent?.trim()).toBe('Se agregó a Pedro.');

    switchLanguage('en');
    expect(notice('collectors')?.textContent?.trim()).toBe('Pedro was added.');
  });

  test('a refusal with its link to the board follows the switch, both ways', async () => {
    stubApi({
      'GET /api/collectors': { collectors: [luisa] },
      'GET /api/teams': { teams: [team] },
      'PATCH /api/collectors/3': refusal(409, 'collector_has_visits', { visits: 1 }),
    });
    close = show(Page);
    click(await until(() => byText('button', 'Dar de baja'), 'the deactivate button'));
    click(await until(() => byText('dialog button', 'Confirmar'), 'the confirmation'));
    const note = await until(() => notice('collectors'), 'the refusal');
    expect(note.textContent).toContain('Luisa todavía tiene 1 visita por hacer');
    expect(note.querySelector('a')?.textContent).toBe('Abrir el tablero');

    switchLanguage('en');
    expect(notice('collectors')?.textContent).toContain('Luisa still has 1 visit to do');
    expect(notice('collectors')?.querySelector('a')?.textContent).toBe('Open the board');
    switchLanguage('es');
    expect(notice('collectors')?.textContent).toContain('Luisa todavía tiene 1 visita por hacer');
  });

  test('a failed load follows the switch', async () => {
    stubApi({ 'GET /api/collectors': new Response('{}', { status: 500, statusText: 'Internal Server Error' }), 'GET /api/teams': { teams: [] } });
    close = show(Page);
    const alert = await until(() => byText('[role="alert"]', 'No se pudieron cargar los cobradores'), 'the load error');
    expect(alert.textContent).toContain('No se pudieron cargar los cobradores');

    switchLanguage('en');
    expect(byText('[role="alert"]', 'Could not load the collectors')).toBeDefined();
  });
});
