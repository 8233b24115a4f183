import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { byText, show, signIn, stubApi, switchLanguage, until } from '$lib/testing/page-harness.ts';
import Page from './+page.svelte';

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('manager');
});
afterEach(() => close());

describe('the metrics page: an error note follows a language switch', () => {
  test('a failed load', async () => {
    stubApi({ 'GET /api/teams': { teams: [] }, 'GET /api/metrics/summary': new Response('{"message":"timeout"}', { status: 503 }) });
    close = show(Page);
    await until(() => byText('[role="alert"]', 'No se pudieron cargar las métricas: timeout'), 'the error');

    switchLanguage('en');
    expect(byText('[role="alert"]', 'Could not load the metrics: timeout')).toBeDefined();
  });
});
