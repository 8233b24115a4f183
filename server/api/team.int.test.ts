import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { CSV_HEADER, accountLine, createCollector, loginAs, postCsv } from '../operations/testing/fixtures.ts';

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
    expect(zone.body).toMatchObject({ message: expect.stringMatching(/unknown time zone "Mars\/Olympus"/), reason: 'unknown_time_zone', values: { timeZone: 'Mars/Olympus' } });
    // Not three capitals: the schema's own 400, with no code. Three capitals no one uses: the team routes' code.
    expect((await t.api('POST', '/api/teams', { name: 'Pesos', currency: 'pesos' })).status).toBe(400);
    expect(await t.api('POST', '/api/teams', { name: 'Pesos', currency: 'ABC' })).toMatchObject({
      status: 400,
      body: { message: 'unknown currency "ABC" (an ISO 4217 code such as MXN, USD or COP)', reason: 'unknown_currency', values: { currency: 'ABC' } },
    });
  });

  it('an admin changes a team; others may not; an unknown team is 404', async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Sureste' })).body.id;
    const changed = await t.api('PATCH', `/api/teams/${id}`, { name: 'Sureste (Cancún)', timeZone: 'America/Cancun' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ id, name: 'Sureste (Cancún)', timeZone: 'America/Cancun', currency: 'MXN' });
    expect((await t.api('PATCH', `/api/teams/${id}`, { timeZone: 'Nowhere/Else' })).body).toMatchObject({ reason: 'unknown_time_zone', values: { timeZone: 'Nowhere/Else' } });
    expect((await t.api('PATCH', `/api/teams/${id}`, { currency: 'ABC' })).body).toMatchObject({ reason: 'unknown_currency', values: { currency: 'ABC' } });
    expect((await t.api('PATCH', `/api/teams/${id}`, {})).status).toBe(400);
    expect(await t.api('PATCH', '/api/teams/999999', { name: 'X' })).toMatchObject({
      status: 404,
      body: { message: 'team 999999 does not exist', reason: 'team_not_found', values: { teamId: 999999 } },
    });
    const supervisor = await loginAs(t, 'supervisor', id);
    expect((await t.api('PATCH', `/api/teams/${id}`, { timeZone: 'America/Mexico_City' }, supervisor)).status).toBe(403);
    expect(await teamOf(id)).toMatchObject({ timeZone: 'America/Cancun' });
  });

  it("refuses a name that differs from another team's only by letter case with a 409 naming that team", async () => {
    const pacifico = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Pacífico' })).body.id;
    const twin = await t.api<{ message: string }>('POST', '/api/teams', { name: 'PACÍFICO' });
    expect(twin.status).toBe(409);
    expect(twin.body.message).toBe(`team ${pacifico} is named "Pacífico": team names must differ by more than letter case`);
    // The code names the other team as stored, for a page to say which.
    expect(twin.body).toMatchObject({ reason: 'team_name_taken', values: { name: 'Pacífico', teamId: pacifico } });
    const other = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Golfo' })).body.id;
    const renamed = await t.api<{ message: string }>('PATCH', `/api/teams/${other}`, { name: 'pacífico' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.message).toMatch(/team \d+ is named "Pacífico"/);
    expect(renamed.body).toMatchObject({ reason: 'team_name_taken', values: { name: 'Pacífico', teamId: pacifico } });
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

describe('deleting a team', () => {
  type Refusal = { message: string; reason?: string; values?: Record<string, number> };
  const teamIds = async () => (await t.api<{ teams: { id: number }[] }>('GET', '/api/teams')).body.teams.map((x) => x.id);

  it('an empty team made by mistake is gone from every team list', async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Nortee' })).body.id;
    const deleted = await t.api('DELETE', `/api/teams/${id}`);
    expect(deleted).toEqual({ status: 204, body: null });
    expect(await teamIds()).not.toContain(id);
    // Its name is free again for the team meant.
    expect((await t.api('POST', '/api/teams', { name: 'Nortee' })).status).toBe(201);
    expect((await t.api('DELETE', `/api/teams/${id}`)).status).toBe(404);
  });

  it('a team with collectors or accounts is refused with what it holds, and keeps all of it', async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Occidente' })).body.id;
    const collector = await createCollector(t, 'Rosa', id);
    expect((await t.api('PUT', `/api/plans/settings/teams/${id}`, { office: { lat: 20.6767, lon: -103.3475 } })).status).toBe(204);

    const one = await t.api<Refusal>('DELETE', `/api/teams/${id}`);
    expect(one.status).toBe(409);
    expect(one.body).toMatchObject({ message: `team ${id} still has 1 collector: move or remove them first`, reason: 'team_not_empty', values: { collectors: 1 } });

    const imported = await postCsv(t, [CSV_HEADER, ...[1, 2, 3].map((i) => accountLine(9000 + i, 'Occidente'))].join('\n') + '\n');
    expect(imported.body).toMatchObject({ imported: 3 });
    const two = await t.api<Refusal>('DELETE', `/api/teams/${id}`);
    expect(two.status).toBe(409);
    expect(two.body.message).toBe(`team ${id} still has 1 collector and 3 accounts: move or remove them first`);
    expect(two.body.values).toEqual({ collectors: 1, accounts: 3 });

    expect(await teamIds()).toContain(id);
    expect((await t.api<{ collectors: { id: number }[] }>('GET', '/api/collectors')).body.collectors.map((c) => c.id)).toContain(collector);
    expect((await t.api<{ total: number }>('GET', `/api/accounts?teamId=${id}`)).body.total).toBe(3);
    expect((await t.api('GET', `/api/plans/settings/teams/${id}`)).body).toMatchObject({ office: { lat: 20.6767, lon: -103.3475 } });
  });

  it("a team with a supervisor is refused too: they would lose their team", async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Bajío' })).body.id;
    const supervisor = await loginAs(t, 'supervisor', id, 'Bajío supervisor');
    const r = await t.api<Refusal>('DELETE', `/api/teams/${id}`);
    expect(r.status).toBe(409);
    expect(r.body.values).toEqual({ users: 1 });
    expect((await t.api<{ teams: { id: number }[] }>('GET', '/api/teams', undefined, supervisor)).body.teams.map((x) => x.id)).toEqual([id]);
  });

  it('a team that only has settings goes with its settings', async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Prueba' })).body.id;
    expect((await t.api('PUT', `/api/plans/settings/teams/${id}`, { office: { lat: 20.6767, lon: -103.3475 }, maxVisitsPerCollector: 12 })).status).toBe(204);
    expect((await t.api('PATCH', `/api/teams/${id}/deviation-rules`, { offline: { minutes: 30 } })).status).toBe(200);
    expect((await t.api('DELETE', `/api/teams/${id}`)).status).toBe(204);
    expect(await teamIds()).not.toContain(id);
    expect((await t.api('GET', `/api/plans/settings/teams/${id}`)).status).toBe(404);
    expect((await t.api('GET', `/api/teams/${id}/deviation-rules`)).status).toBe(404);
  });

  it('a collector added while the team is deleted either lands in a team that stays or is refused: never a 500 nor a lost collector', async () => {
    for (let i = 0; i < 5; i++) {
      const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: `Carrera ${i}` })).body.id;
      const [deleted, added] = await Promise.all([t.api<Refusal>('DELETE', `/api/teams/${id}`), t.api<{ id: number }>('POST', '/api/collectors', { name: `Corredor ${i}`, teamId: id })]);
      if (deleted.status === 204) {
        expect(added).toMatchObject({ status: 404, body: { reason: 'team_not_found', values: { teamId: id } } });
        expect(await teamIds()).not.toContain(id);
      } else {
        expect(deleted.status).toBe(409);
        expect(deleted.body).toMatchObject({ reason: 'team_not_empty', values: { collectors: 1 } });
        expect(added.status).toBe(201);
        expect(await teamIds()).toContain(id);
      }
    }
  });

  it('only an admin deletes a team; an unknown team is 404', async () => {
    const id = (await t.api<{ id: number }>('POST', '/api/teams', { name: 'Intento' })).body.id;
    for (const role of ['supervisor', 'dispatcher', 'manager'] as const) {
      const token = await loginAs(t, role, role === 'manager' ? null : id, `Intento ${role}`);
      expect((await t.api('DELETE', `/api/teams/${id}`, undefined, token)).status).toBe(403);
    }
    expect(await teamIds()).toContain(id);
    const unknown = await t.api<Refusal>('DELETE', '/api/teams/999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ message: 'team 999999 does not exist', reason: 'team_not_found', values: { teamId: 999999 } });
  });
});

describe('the teams API in the OpenAPI document', () => {
  it('lists the reason codes each team route may answer', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs/json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    const codes = (text = '') => [...text.matchAll(/^- \d{3} `([a-z_]+)`/gm)].map((m) => m[1]).sort();
    expect(codes(doc.paths['/api/teams']?.post?.description)).toEqual(['team_name_taken', 'unknown_currency', 'unknown_time_zone']);
    expect(codes(doc.paths['/api/teams/{id}']?.patch?.description)).toEqual(['team_name_taken', 'team_not_found', 'unknown_currency', 'unknown_time_zone']);
    expect(codes(doc.paths['/api/teams/{id}']?.delete?.description)).toEqual(['team_not_empty', 'team_not_found']);
    expect(doc.paths['/api/teams/{id}']?.patch?.description).toContain('- 400 `unknown_time_zone` (`values.timeZone`): not an IANA time zone');
  });
});

describe('values the database refuses', () => {
  it('are the request\'s fault: a 400 or a 409 that says why, and the next request is served as usual', async () => {
    const nul = await t.api<{ message: string }>('POST', '/api/teams', { name: 'Cero\u0000' });
    expect(nul.status).toBe(400);
    // Named before it reaches the database, whose words were "invalid byte sequence for encoding UTF8: 0x00".
    expect(nul.body).toMatchObject({ reason: 'invalid_request', message: 'body/name must not hold a NUL character (\\u0000)' });
    expect((await t.api('POST', '/api/teams', { name: 'Centro' })).status).toBe(201);
    const twice = await t.api<{ message: string }>('POST', '/api/teams', { name: 'Centro' });
    expect(twice.status).toBe(409);
    const centro = (await t.api<{ teams: { id: number; name: string }[] }>('GET', '/api/teams')).body.teams.find((x) => x.name === 'Centro')!.id;
    // In words, not the database's 'duplicate key value violates unique constraint "teams_name_key"'.
    expect(twice.body.message).toBe(`team ${centro} is named "Centro"`);
    // The exact name is the other constraint's refusal: the same code.
    expect(twice.body).toMatchObject({ reason: 'team_name_taken', values: { name: 'Centro', teamId: expect.any(Number) } });
    expect((await t.api('GET', '/api/visits?date=2026-02-30')).status).toBe(400);
    expect((await t.api('GET', '/api/accounts/99999999999')).status).toBe(400);
    expect((await t.api('GET', '/api/teams')).status).toBe(200);
  });
});
