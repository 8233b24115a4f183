import { afterAll, describe, expect, it } from 'vitest';
import type { PlanOut, PlanRoute } from '../server/contract/plan.ts';
import { decodePolyline } from '../server/routing/geometry/polyline.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

/**
 * A lender in Bogotá sets Ronda up with `npm start` (server/main.ts, no demo): its routes, map and
 * plans are Bogotá's, not the demo city's (the onboarding probe found every route starting in
 * central Guadalajara, and every leg 0 m once the office was set: all points snapped to one
 * Guadalajara street).
 */
const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
const DATE = '2030-03-12';
const OFFICE = { lat: 4.6533, lon: -74.0836 };
let server: ServerProcess;

afterAll(async () => server?.stop());

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const res = await fetch(server.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Every place a route names: its start, end, stops and the points of its drawn path. */
function placesOf(route: PlanRoute): { lat: number; lon: number }[] {
  const ends = [route.start, route.end].filter((p): p is { lat: number; lon: number; at: string } => p.lat !== null && p.lon !== null);
  return [...ends, ...route.stops, ...decodePolyline(route.polyline).map(([lon, lat]) => ({ lat, lon }))];
}
const inBogota = (p: { lat: number; lon: number }) => p.lat > 4.5 && p.lat < 4.9 && p.lon > -74.3 && p.lon < -73.9;

describe(`npm start for a lender in Bogotá (${kind})`, () => {
  it('plans Bogotá over Bogotá: no demo city streets, open routes until the office is set, then from and back to it', { timeout: 180_000 }, async () => {
    server = await startServerProcess(kind);
    // Nothing known yet: the map opens on the world, not on the demo city.
    expect((await call('GET', '/api/map/config')).body).toMatchObject({ center: [0, 20], zoom: 2 });
    expect((await call('GET', '/api/map/streets')).body).toEqual({ type: 'FeatureCollection', features: [] });

    const team = (await call('POST', '/api/teams', { name: 'Bogotá Norte', timeZone: 'America/Bogota', currency: 'COP' })).body.id as number;
    for (const name of ['Andrés Gómez', 'Luisa Fernández', 'Carlos Rincón']) expect((await call('POST', '/api/collectors', { name, teamId: team })).status).toBe(201);
    const csv = ['external_id,name,address,lat,lon,balance_due,days_past_due'];
    for (let i = 0; i < 48; i++) {
      csv.push(`BOG-${i},Deudor ${i},Calle ${100 + i},${(4.6 + ((i * 7) % 48) * (0.16 / 48)).toFixed(5)},${(-74.14 + (i % 12) * (0.1 / 12)).toFixed(5)},${200_000 + i * 1000},${10 + i}`);
    }
    const imported = await call('POST', `/api/accounts/import?teamId=${team}`, csv.join('\n') + '\n', 'text/csv');
    expect(imported.body).toMatchObject({ imported: 48 });
    expect((await call('POST', '/api/visits/generate', { date: DATE, teamId: team, maxPerCollector: 15 })).body).toMatchObject({ created: 45 });

    const open = (await call('POST', '/api/plans/optimize', { date: DATE, teamId: team, options: { iterations: 100, seed: 1 } })).body as PlanOut;
    expect(open.provider).toBe('haversine');
    expect(open.routes).toHaveLength(3);
    for (const route of open.routes) {
      expect(route.stops.length).toBeGreaterThan(0);
      // No office: the route starts at its first visit at the start of the shift, and ends at its last.
      expect(route).toMatchObject({ startKind: 'first_visit', endKind: 'last_visit', start: { lat: route.stops[0].lat, lon: route.stops[0].lon, at: route.stops[0].arrivalAt } });
      expect(route.stops[0]).toMatchObject({ travelS: 0, distanceM: 0 });
      expect(placesOf(route).every(inBogota)).toBe(true);
      for (const s of route.stops.slice(1)) expect(s.distanceM).toBeGreaterThan(0);
      expect(route.distanceM).toBe(route.stops.reduce((sum, s) => sum + s.distanceM, 0));
    }

    // README "Configuration": a team's office (and shift, breaks, visits per collector) through the plan settings.
    expect((await call('PUT', `/api/plans/settings/teams/${team}`, { office: OFFICE, maxVisitsPerCollector: 15 })).status).toBe(204);
    const plan = (await call('POST', '/api/plans/optimize', { date: DATE, teamId: team, options: { iterations: 100, seed: 1 } })).body as PlanOut;
    expect(plan.provider).toBe('haversine');
    expect(plan.routes.map((r) => r.stops.length)).toEqual([15, 15, 15]);
    for (const route of plan.routes) {
      expect(route).toMatchObject({ startKind: 'office', endKind: 'office', start: OFFICE, end: OFFICE });
      expect(decodePolyline(route.polyline)[0]).toEqual([OFFICE.lon, OFFICE.lat]);
      expect(placesOf(route).every(inBogota)).toBe(true);
      for (const s of route.stops) expect(s.distanceM).toBeGreaterThan(0);
      // Travel between visits, not a flat 10 minutes of service each.
      const gaps = route.stops.slice(1).map((s, i) => Date.parse(s.eta) - Date.parse(route.stops[i].eta));
      expect(new Set(gaps).size).toBeGreaterThan(1);
    }
    // The admin (no team) sees where the debtors are.
    const view = (await call('GET', '/api/map/config')).body as { center: [number, number]; zoom: number };
    expect(inBogota({ lon: view.center[0], lat: view.center[1] })).toBe(true);
    expect(view.zoom).toBeGreaterThanOrEqual(10);
    expect(view.zoom).toBeLessThanOrEqual(13);
  });
});
