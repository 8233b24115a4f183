import type { TeamPlanSettingsOut } from '$contract/plan.ts';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BoardState } from '../board/board-state.svelte.ts';
import { byText, click, refusal, show, signIn, stubApi, switchLanguage, type, until } from '../testing/page-harness.ts';
import BoardPlanSettings from './BoardPlanSettings.svelte';

// happy-dom's dialog has no showModal; the open attribute is what the test reads.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '');
};

const settings: TeamPlanSettingsOut = { office: null, shift: { start: '08:00', end: '18:00' }, maxVisitsPerCollector: 25, break: null, evenShare: false };

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('dispatcher', 7);
});
afterEach(() => close());

const alerts = () => [...document.querySelectorAll('[role="alert"]')].map((a) => a.textContent?.trim());
const open = () => {
  close = show(BoardPlanSettings, { board: new BoardState(), teamId: 7 });
  click(byText('button', 'Ajustes del plan')!);
};
const submit = () => {
  document.querySelector('dialog form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  flushSync();
};

describe("the plan settings' errors follow a language switch", () => {
  test('settings that failed to load', async () => {
    stubApi({ 'GET /api/plans/settings/teams/7': refusal(500, 'boom', {}, 'database unavailable') });
    open();
    await until(() => alerts().length === 1, 'the load error');
    expect(alerts()).toEqual(['No se pudieron cargar los ajustes: database unavailable']);

    switchLanguage('en');
    expect(alerts()).toEqual(['Could not load the settings: database unavailable']);
  });

  test("a field the form refuses, and a save the server refused", async () => {
    stubApi({ 'GET /api/plans/settings/teams/7': settings, 'PUT /api/plans/settings/teams/7': refusal(400, 'bad', {}, 'body/shift must match format') });
    open();
    const office = () => document.querySelectorAll<HTMLInputElement>('dialog input[inputmode="decimal"]');
    type(await until(() => office()[0], 'the form'), '91');
    type(office()[1], '-103.35');
    submit();
    expect(document.querySelector('#plan-settings-officeLat-error')?.textContent).toBe('La latitud es un número entre −90 y 90.');
    expect(alerts()).toEqual(['Revisa los campos marcados.']);
    switchLanguage('en');
    expect(document.querySelector('#plan-settings-officeLat-error')?.textContent).toBe('Latitude is a number between −90 and 90.');
    expect(alerts()).toEqual(['Check the marked fields.']);

    switchLanguage('es');
    type(office()[0], '20.67');
    submit();
    await until(() => alerts().length === 1 && alerts()[0]?.startsWith('No se guardaron'), 'the save error');
    expect(alerts()).toEqual(['No se guardaron los ajustes: body/shift must match format']);
    switchLanguage('en');
    expect(alerts()).toEqual(['The settings were not saved: body/shift must match format']);
  });
});
