import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { byText, click, show, signIn, stubApi, switchLanguage, until } from '../testing/page-harness.ts';
import AccountImport from './AccountImport.svelte';

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('admin');
});
afterEach(() => close());

function pick(file: File): void {
  const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const alert = () => document.querySelector<HTMLElement>('[role="alert"]');

describe('the accounts import: an error note follows a language switch', () => {
  test("a workbook refused before it is sent", async () => {
    stubApi({});
    close = show(AccountImport, { teamId: 7, currency: 'MXN', onImported: () => {} });
    pick(new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])], 'cartera.xlsx'));
    expect((await until(alert, 'the refusal')).textContent).toContain('Es un libro de Excel, no un CSV');

    switchLanguage('en');
    expect(alert()?.textContent).toContain('This is an Excel workbook, not a CSV');
  });

  test('an import the server failed', async () => {
    stubApi({ 'POST /api/accounts/import': new Response('{"message":"disk full"}', { status: 500 }) });
    close = show(AccountImport, { teamId: 7, currency: 'MXN', onImported: () => {} });
    pick(new File(['external_id,name\n1,Ana\n'], 'cartera.csv', { type: 'text/csv' }));
    click(await until(() => byText('button:not([disabled])', 'Importar'), 'the import button'));
    expect((await until(alert, 'the failure')).textContent?.trim()).toBe('No se importó nada: disk full');

    switchLanguage('en');
    expect(alert()?.textContent?.trim()).toBe('Nothing was imported: disk full');
  });
});
