import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, loginAs } from '../operations/testing/fixtures.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE: 'America/Monterrey', CURRENCY: 'MXN' });
}, 60_000);
afterAll(async () => t?.close());

const teamOf = async (id: number) => (await t.api<{ teams: { id: number; timeZone: string; currency: string; name: string }[] }>('GET', '/api/teams')).body.teams.find((x) => x.id === id);

describe('teams: time zone and currency', () => {
  it('a new team takes the server defaults unless given its own; unknown zones and currencies are a clear 400', async () => {
    const plain = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Norte' });
    expect(plain.status).toBe(201);
    expect(await teamOf(plain.body.id)).toMatchObject({ name: 'Norte', timeZone: 'America/Monterrey', currency: 'MXN' });

    const own = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Frontera', timeZone: 'America/Tijuana', currency: 'USD' });
    expect(own.status).toBe(201);
    expect(await teamOf(own.body.id)).toMatchObject({ timeZone: 'America/Tijuana', currency: 'USD' });

    const zone = await t.api<{ message: string }>('POST', '/api/teams', { name: 'Marte', timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(zone.body.message).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect((await t.api('POST', '/api/teams', { name: 'Pesos', currency: 'pesos' })).status).toBe(400);
  });

  it('an admin changes a team; others may not; an unknown team is 404', async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Sureste' })).body.id;
    const changed = await t.api('PATCH', `/api/teams/${id}`, { name: 'Sureste (Cancún)', timeZone: 'America/Cancun' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ id, name: 'Sureste (Cancún)', timeZone: 'America/Cancun', currency: 'MXN' });
    expect((await t.api('PATCH', `/api/teams/${id}`, { timeZone: 'Nowhere/Else' })).status).toBe(400);
    expect((await t.api('PATCH', `/api/teams/${id}`, {})).status).toBe(400);
    expect((await t.api('PATCH', '/api/teams/999999', { name: 'X' })).status).toBe(404);
    const supervisor = await loginAs(t, 'supervisor', id);
    expect((await t.api('PATCH', `/api/teams/${id}`, { timeZone: 'America/Mexico_City' }, supervisor)).status).toBe(403);
    expect(await teamOf(id)).toMatchObject({ timeZone: 'America/Cancun' });
  });

  it("refuses a name that differs from another team's only by letter case with a 409 naming that team", async () => {
    const pacifico = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Pacífico' })).body.id;
    const twin = await t.api<{ message: string }>('POST', '/api/teams', { name: 'PACÍFICO' });
    expect(twin.status).toBe(409);
    expect(twin.body.message).toBe(`conflicts with what is stored: team ${pacifico} is named "Pacífico": team names must differ by more than letter case`);
    const other = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Golfo' })).body.id;
    const renamed = await t.api<{ message: string }>('PATCH', `/api/teams/${other}`, { name: 'pacífico' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.message).toMatch(/team \d+ is named "Pacífico"/);
    // Its own name in other letters is no clash.
    expect((await t.api('PATCH', `/api/teams/${pacifico}`, { name: 'PACÍFICO' })).body).toMatchObject({ id: pacifico, name: 'PACÍFICO' });
  });

  it("a team's people get its clock and money on the dashboard and only their team to pick, and its collectors carry its zone", async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Baja', timeZone: 'America/Tijuana', currency: 'USD' })).body.id;
    const ines = await createCollector(t, 'Inés', id);
    const supervisor = await loginAs(t, 'supervisor', id, 'Baja supervisor');
    expect((await t.api('GET', '/api/map/config', undefined, supervisor)).body).toMatchObject({ timeZone: 'America/Tijuana', currency: 'USD' });
    expect((await t.api('GET', '/api/map/config')).body).toMatchObject({ timeZone: 'America/Monterrey', currency: 'MXN' });
    // Their team filters offer their team only; an admin's, every team.
    expect((await t.api<{ teams: { id: number }[] }>('GET', '/api/teams', undefined, supervisor)).body.teams.map((x) => x.id)).toEqual([id]);
    expect((await t.api<{ teams: { id: number }[] }>('GET', '/api/teams')).body.teams.length).toBeGreaterThan(1);
    const collectors = (await t.api<{ collectors: { id: number; timeZone: string | null }[] }>('GET', '/api/collectors')).body.collectors;
    expect(collectors.find((c) => c.id === ines)?.timeZone).toBe('America/Tijuana');
  });
});

describe('values the database refuses', () => {
  it('are the request\'s fault: a 400 or a 409 that says why, and the next request is served as usual', async () => {
    const nul = await t.api<{ message: string }>('POST', '/api/teams', { name: 'Cero\u0000' });
    expect(nul.status).toBe(400);
    expect(nul.body.message).toMatch(/^invalid value: .*0x00/);
    expect((await t.api('POST', '/api/teams', { name: 'Centro' })).status).toBe(201);
    const twice = await t.api<{ message: string }>('POST', '/api/teams', { name: 'Centro' });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/^conflicts with what is stored: .*teams_name/);
    expect((await t.api('GET', '/api/visits?date=2026-02-30')).status).toBe(400);
    expect((await t.api('GET', '/api/accounts/99999999999')).status).toBe(400);
    expect((await t.api('GET', '/api/teams')).status).toBe(200);
  });
});
