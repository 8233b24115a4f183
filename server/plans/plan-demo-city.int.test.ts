import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { DEMO_CITY_CENTER, randomAddresses } from '../../simulators/demo-city/index.ts';
import type { MapConfig } from '../contract/map.ts';
import type { PlanOut } from '../contract/plan.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';
import { decodePolyline } from '../routing/geometry/polyline.ts';

/**
 * Under the demo (`npm run demo`, the demo city's streets loaded) a team elsewhere is routed where
 * it is: its places are off the demo city's road graph, so they are not snapped onto it (haversine ×
 * 1.3 for them), and its map opens on its own city. The demo city's teams keep the road graph.
 */
const DATE = '2030-03-12';
const BOGOTA_OFFICE = { lat: 4.6533, lon: -74.0836 };
let t: TestServer;
let bogota: number;
let gdl: number;

async function importCsv(teamId: number, rows: string[]): Promise<void> {
  const res = await fetch(`${t.baseUrl}/api/accounts/import?teamId=${teamId}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` },
    body: ['external_id,name,address,lat,lon,balance_due,days_past_due', ...rows].join('\n') + '\n',
  });
  expect(res.status).toBe(200);
}

async function visitsFor(teamId: number, prefix: string): Promise<void> {
  const accounts = (await t.api('GET', `/api/accounts?search=${prefix}&limit=100`)).body.accounts as { id: number }[];
  for (const a of accounts) expect((await t.api('POST', '/api/visits', { accountId: a.id, date: DATE })).status).toBe(201);
}

const optimize = async (teamId: number) => (await t.api('POST', '/api/plans/optimize', { date: DATE, teamId, options: { iterations: 100, seed: 1 } })).body as PlanOut;
const near = (a: [number, number], b: [number, number], deg: number) => Math.abs(a[0] - b[0]) < deg && Math.abs(a[1] - b[1]) < deg;

beforeAll(async () => {
  t = await startTestServer({}, undefined, { city: true });
  bogota = await createTeam(t, 'Bogotá Norte');
  for (const name of ['Andrés', 'Luisa']) await createCollector(t, name, bogota);
  await importCsv(bogota, Array.from({ length: 12 }, (_, i) => `BOG-${i},Deudor ${i},Calle ${i},${(4.6 + i * 0.013).toFixed(5)},${(-74.14 + ((i * 5) % 12) * 0.008).toFixed(5)},500000,30`));
  await visitsFor(bogota, 'BOG-');
  gdl = await createTeam(t, 'Centro');
  await createCollector(t, 'Ana', gdl);
  await importCsv(gdl, randomAddresses(6, 3).map((a, i) => `GDL-${i},Deudor ${i},${a.label.replace(/,/g, ' ')},${a.position[1]},${a.position[0]},900,30`));
  await visitsFor(gdl, 'GDL-');
}, 120_000);
afterAll(async () => t?.close());

describe('a team far from the demo city, under the demo', () => {
  it('is not snapped onto the demo streets: haversine legs, and with no office its routes start at their first visit', async () => {
    const plan = await optimize(bogota);
    expect(plan.provider).toBe('haversine');
    for (const route of plan.routes.filter((r) => r.stops.length > 0)) {
      expect(route).toMatchObject({ startKind: 'first_visit', endKind: 'last_visit', start: { lat: route.stops[0].lat, lon: route.stops[0].lon } });
      for (const s of route.stops.slice(1)) expect(s.distanceM).toBeGreaterThan(500);
      for (const [lon, lat] of decodePolyline(route.polyline)) expect(near([lon, lat], [-74.09, 4.68], 0.2)).toBe(true);
    }
    expect(plan.routes.flatMap((r) => r.stops)).toHaveLength(12);
  });

  it('starts and ends at its office once set, still off the demo streets', async () => {
    expect((await t.api('PUT', `/api/plans/settings/teams/${bogota}`, { office: BOGOTA_OFFICE })).status).toBe(204);
    const plan = await optimize(bogota);
    expect(plan.provider).toBe('haversine');
    for (const route of plan.routes.filter((r) => r.stops.length > 0)) {
      expect(route).toMatchObject({ startKind: 'office', start: BOGOTA_OFFICE, end: BOGOTA_OFFICE });
      for (const s of route.stops) expect(s.distanceM).toBeGreaterThan(0);
    }
  });

  it('leaves the demo city teams on its road graph', async () => {
    expect((await t.api('PUT', `/api/plans/settings/teams/${gdl}`, { office: { lat: DEMO_CITY_CENTER[1], lon: DEMO_CITY_CENTER[0] } })).status).toBe(204);
    const plan = await optimize(gdl);
    expect(plan.provider).toBe('road-graph');
    expect(plan.routes[0].stops).toHaveLength(6);
  });
});

describe("the map's first view", () => {
  it("opens on the user's team: its office, else the middle of its debtors; the demo city for users of no team", async () => {
    const lima = await createTeam(t, 'Lima');
    await importCsv(lima, ['LIM-1,Uno,Av 1,-12.04,-77.03,100,10', 'LIM-2,Dos,Av 2,-12.06,-77.05,100,10', 'LIM-3,Tres,Av 3,-12.10,-77.00,100,10']);
    const view = (await t.api('GET', '/api/map/config', undefined, await loginAs(t, 'supervisor', lima, 'Sup Lima'))).body as MapConfig;
    expect(view.center).toEqual([-77.03, -12.06]);
    expect(view.zoom).toBeGreaterThanOrEqual(10);
    expect(view.zoom).toBeLessThan(14);

    const bogotaView = (await t.api('GET', '/api/map/config', undefined, await loginAs(t, 'dispatcher', bogota, 'Disp Bogota'))).body as MapConfig;
    expect(bogotaView).toMatchObject({ center: [BOGOTA_OFFICE.lon, BOGOTA_OFFICE.lat], zoom: 14 });

    const empty = await createTeam(t, 'Vacío');
    expect((await t.api('GET', '/api/map/config', undefined, await loginAs(t, 'supervisor', empty, 'Sup Vacio'))).body).toMatchObject({ center: DEMO_CITY_CENTER, zoom: 14 });
    expect((await t.api('GET', '/api/map/config')).body).toMatchObject({ center: DEMO_CITY_CENTER, zoom: 14 });
  });
});
