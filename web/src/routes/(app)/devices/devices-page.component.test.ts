import type { DeviceOut } from '$contract/device.ts';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { byText, click, refusal, show, signIn, stubApi, switchLanguage, until } from '$lib/testing/page-harness.ts';
import Page from './+page.svelte';

const phone: DeviceOut = { id: 5, uniqueId: '359000000000001', name: 'Teléfono de Luisa', collectorId: null, protocol: 'mqtt', active: true, createdAt: '2026-01-05T10:00:00Z', lastReport: null };
const base = { 'GET /api/devices/unknown': { devices: [] }, 'GET /api/records/rejected': { records: [], total: 0 } };

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('admin');
});
afterEach(() => close());

/** The page's one note (`data-notice` since notes are NoticeLines; a plain `.notice-box` before). */
const notice = () => document.querySelector<HTMLElement>('.notice-box');

async function disablePhone(): Promise<HTMLElement> {
  close = show(Page);
  click(await until(() => byText('td button', 'Desactivar'), 'the disable button'));
  click(await until(() => byText('dialog button', 'Confirmar'), 'the confirmation'));
  return until(notice, 'the note');
}

describe('the devices page: a note shown follows a language switch', () => {
  test('"disabled" said in Spanish reads in English after the switch', async () => {
    stubApi({ ...base, 'GET /api/devices': { devices: [phone], deviceHost: null }, 'PATCH /api/devices/359000000000001': { ...phone, active: false } });
    expect((await disablePhone()).textContent?.trim()).toBe('Teléfono de Luisa está desactivado.');

    switchLanguage('en');
    expect(notice()?.textContent?.trim()).toBe('Teléfono de Luisa is disabled.');
  });

  test('an unworded failure follows the switch', async () => {
    stubApi({ ...base, 'GET /api/devices': { devices: [phone], deviceHost: null }, 'PATCH /api/devices/359000000000001': refusal(500, 'x', {}, 'boom') });
    expect((await disablePhone()).textContent?.trim()).toBe('No se pudo completar: boom');

    switchLanguage('en');
    expect(notice()?.textContent?.trim()).toBe('Could not finish: boom');
  });

  test('a failed load follows the switch', async () => {
    stubApi({ ...base, 'GET /api/devices': new Response('{"message":"boom"}', { status: 500 }) });
    close = show(Page);
    await until(() => byText('[role="alert"]', 'No se pudieron cargar los dispositivos: boom'), 'the load error');

    switchLanguage('en');
    expect(byText('[role="alert"]', 'Could not load the devices: boom')).toBeDefined();
  });
});
