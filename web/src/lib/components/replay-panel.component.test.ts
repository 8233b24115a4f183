import type { CollectorSummary } from '$contract/collector.ts';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fleet } from '../fleet.svelte.ts';
import { byText, show, signIn, stubApi, switchLanguage, until } from '../testing/page-harness.ts';
import ReplayPanel from './ReplayPanel.svelte';

// The panel keeps its pick in the address; there is no router here to keep it.
vi.mock('$app/navigation', () => ({ replaceState: () => {}, goto: async () => {} }));

const luisa: CollectorSummary = {
  id: 3,
  name: 'Luisa',
  phone: null,
  teamId: 7,
  teamName: 'Norte',
  timeZone: 'America/Mexico_City',
  active: true,
  devices: [{ uniqueId: 'luisa-tracker', protocol: 'gt06', active: true }],
  last: null,
};
const failure = () => new Response('{}', { status: 500, statusText: 'Internal Server Error' });

let close = () => {};
beforeEach(() => {
  switchLanguage('es');
  signIn('supervisor', 7);
});
afterEach(() => {
  close();
  fleet.stop();
});

const fix = (ts: string, lon: number) => ({
  ts,
  serverTime: ts,
  lat: 20.67,
  lon,
  speedKph: 20,
  courseDeg: 90,
  altitudeM: null,
  accuracyM: 5,
  batteryPct: 80,
  satellites: 9,
  valid: true,
  protocol: 'gt06',
  attributes: {},
  segmentM: null,
});

/** Luisa picked in the collector list, as a supervisor does. */
async function pickLuisa(): Promise<void> {
  await fleet.load();
  close = show(ReplayPanel, { points: [], cursor: 0, checkins: [], route: null });
  const pick = document.querySelector<HTMLSelectElement>('select')!;
  pick.value = '3';
  pick.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}
const alerts = () => [...document.querySelectorAll('[role="alert"]')].map((a) => a.textContent?.trim());

describe('the replay: its errors follow a language switch', () => {
  test("the day's devices and the track that failed to load", async () => {
    stubApi({
      'GET /api/collectors': { collectors: [luisa] },
      'GET /api/collectors/3/devices-used': failure,
      'GET /api/devices/luisa-tracker/positions': failure,
      'GET /api/checkins': { checkins: [] },
      'GET /api/plans': { plans: [] },
    });
    await pickLuisa();
    await until(() => alerts().length === 2, 'both errors');
    expect(alerts()).toEqual([
      'No se pudieron cargar los dispositivos que reportaron ese día: Internal Server Error',
      'No se pudo cargar el recorrido: Internal Server Error',
    ]);

    switchLanguage('en');
    expect(alerts()).toEqual(['Could not load the devices that reported that day: Internal Server Error', 'Could not load the track: Internal Server Error']);
  });

  test('the visits and planned route that failed to load under a track', async () => {
    stubApi({
      'GET /api/collectors': { collectors: [luisa] },
      'GET /api/collectors/3/devices-used': { devices: [] },
      'GET /api/devices/luisa-tracker/positions': { positions: [fix('2026-03-02T15:00:00.000Z', -103.35), fix('2026-03-02T15:01:00.000Z', -103.34)], next: null },
      'GET /api/checkins': failure,
      'GET /api/plans': { plans: [] },
    });
    await pickLuisa();
    await until(() => alerts().length === 1, 'the error');
    expect(alerts()).toEqual(['No se pudieron cargar las visitas o la ruta planeada: Internal Server Error']);

    switchLanguage('en');
    expect(alerts()).toEqual(['Could not load the visits or the planned route: Internal Server Error']);
  });
});
