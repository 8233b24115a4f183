import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { CollectorSummary } from '../contract/collector.ts';
import type { PlanOut } from '../contract/plan.ts';
import { CSV_HEADER, accountLine, createCollector, createTeam, loginAs, postCsv } from '../operations/testing/fixtures.ts';

/** Days ahead of any clock this runs on: their visits are still to do. */
const DAY = '2030-03-12';
const NEXT_DAY = '2030-03-13';
const SOLVE = { iterations: 50, seed: 1 };

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE: 'America/Mexico_City' });
}, 60_000);
afterAll(async () => t?.close());

type Refusal = { message: string; reason?: string; values?: Record<string, string | number> };
const listed = async (query = '', token?: string) => (await t.api<{ collectors: CollectorSummary[] }>('GET', `/api/collectors${query}`, undefined, token)).body.collectors;
const patch = <T = Refusal>(id: number, body: unknown, token?: string) => t.api<T>('PATCH', `/api/collectors/${id}`, body, token);

/** `n` accounts of a team that has none yet (named as in the CSV): their ids. */
async function accounts(teamName: string, teamId: number, first: number, n: number): Promise<number[]> {
  const lines = Array.from({ length: n }, (_, i) => accountLine(first + i, teamName));
  expect((await postCsv(t, [CSV_HEADER, ...lines].join('\n') + '\n')).body).toMatchObject({ imported: n });
  return (await t.api<{ accounts: { id: number }[] }>('GET', `/api/accounts?teamId=${teamId}`)).body.accounts.map((a) => a.id);
}

async function visit(accountId: number, date: string, collectorId: number | null): Promise<{ id: number; version: number }> {
  const r = await t.api<{ id: number; version: number }>('POST', '/api/visits', { accountId, date, collectorId });
  if (r.status !== 201) throw new Error(`visit: ${JSON.stringify(r.body)}`);
  return r.body;
}

describe('renaming a collector', () => {
  it('shows the new name in the list; a name of spaces, an empty change or an overlong name is a 400', async () => {
    const team = await createTeam(t, 'Centro');
    const ana = await createCollector(t, 'Ana Garcai', team);
    const renamed = await patch(ana, { name: '  Ana García ', phone: '33 1234 5678' });
    expect(renamed).toEqual({ status: 200, body: { id: ana, name: 'Ana García', phone: '33 1234 5678', teamId: team, active: true } });
    // The list gives the phone too: the team page's edit starts from it, and the wall's card dials it.
    expect((await listed()).find((c) => c.id === ana)).toMatchObject({ name: 'Ana García', phone: '33 1234 5678', teamId: team, active: true });
    expect((await patch(ana, { phone: null })).body).toMatchObject({ phone: null });
    expect((await listed()).find((c) => c.id === ana)?.phone).toBeNull();

    for (const body of [{ name: '   ' }, { name: 'x'.repeat(121) }, {}, { nickname: 'Anita' }]) expect((await patch(ana, body)).status, JSON.stringify(body)).toBe(400);
    expect((await patch(999_999, { name: 'Nadie' })).body).toMatchObject({ message: 'collector 999999 does not exist', reason: 'collector_not_found', values: { collectorId: 999_999 } });
    expect((await listed()).find((c) => c.id === ana)?.name).toBe('Ana García');
  });

  it("a supervisor renames their own team's collectors; another team's are unknown to them, and moving one is an admin's act", async () => {
    const centro = await createTeam(t, 'Centro Histórico');
    const norte = await createTeam(t, 'Norte');
    const bea = await createCollector(t, 'Bea', centro);
    const ciro = await createCollector(t, 'Ciro', norte);
    const supervisor = await loginAs(t, 'supervisor', centro, 'Centro Histórico supervisor');

    expect((await patch(bea, { name: 'Beatriz Luna' }, supervisor)).status).toBe(200);
    expect((await listed('', supervisor)).map((c) => c.name)).toEqual(['Beatriz Luna']);
    // In the very words of a collector that does not exist, as every write to another team's record.
    expect(await patch(ciro, { name: 'Ciro R.' }, supervisor)).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: `collector ${ciro} does not exist`, reason: 'collector_not_found', values: { collectorId: ciro } },
    });
    const move = await patch(bea, { teamId: norte }, supervisor);
    expect(move.status).toBe(403);
    expect(move.body).toMatchObject({ message: 'only an admin moves a collector to another team', reason: 'move_for_admins', values: { collectorId: bea } });
    expect((await patch(bea, { name: 'B. Luna' }, await loginAs(t, 'dispatcher', centro, 'Centro Histórico dispatcher'))).status).toBe(403);
    expect((await patch(bea, { name: 'B. Luna' }, await loginAs(t, 'manager', null, 'a manager'))).status).toBe(403);

    const all = await listed();
    expect(all.find((c) => c.id === bea)).toMatchObject({ name: 'Beatriz Luna', teamId: centro });
    expect(all.find((c) => c.id === ciro)).toMatchObject({ name: 'Ciro', teamId: norte });
  });
});

describe('adding a collector', () => {
  it('stores the name trimmed; a name of spaces only is refused in words, added or renamed to', async () => {
    const team = await createTeam(t, 'Altos');
    const added = await t.api<{ id: number }>('POST', '/api/collectors', { name: '  Lupe Díaz  ', teamId: team });
    expect(added.status).toBe(201);
    expect((await listed()).find((c) => c.id === added.body.id)?.name).toBe('Lupe Díaz');

    const blank = { statusCode: 400, error: 'Bad Request', message: 'name is blank: a collector needs a name that is not only spaces', reason: 'collector_name_blank', values: {} };
    expect(await t.api('POST', '/api/collectors', { name: ' \t ', teamId: team })).toEqual({ status: 400, body: blank });
    expect(await patch(added.body.id, { name: '   ' })).toEqual({ status: 400, body: blank });
    expect((await listed()).filter((c) => c.teamId === team).map((c) => c.name)).toEqual(['Lupe Díaz']);
  });

  it('refuses, each with a reason code: another team or no team for a supervisor, an unknown team, an externalId in use', async () => {
    const altos = await createTeam(t, 'Altos de Jalisco');
    const costa = await createTeam(t, 'Costa');
    const supervisor = await loginAs(t, 'supervisor', altos, 'Altos de Jalisco supervisor');
    const post = (body: Record<string, unknown>, token?: string) => t.api<Refusal>('POST', '/api/collectors', body, token);

    expect(await post({ name: 'Rita', teamId: costa }, supervisor)).toMatchObject({
      status: 403,
      body: { message: `team ${costa} is not your team`, reason: 'not_your_team', values: { teamId: costa } },
    });
    expect(await post({ name: 'Rita', teamId: null }, supervisor)).toMatchObject({
      status: 403,
      body: { message: 'only an admin adds a collector to no team', reason: 'no_team_for_admins', values: {} },
    });
    expect(await post({ name: 'Rita', teamId: 999_999 })).toMatchObject({
      status: 404,
      body: { message: 'team 999999 does not exist', reason: 'team_not_found', values: { teamId: 999_999 } },
    });
    expect((await post({ name: 'Rita', teamId: altos, externalId: 'EMP-7' })).status).toBe(201);
    const twin = await post({ name: 'Rita bis', teamId: costa, externalId: 'EMP-7' });
    expect(twin.status).toBe(409);
    expect(twin.body).toMatchObject({ reason: 'external_id_taken', values: { externalId: 'EMP-7' }, message: 'another collector has the externalId EMP-7' });
  });

  it('lists in the OpenAPI document the reason codes each collector route may answer', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs/json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    const codes = (text = '') => [...text.matchAll(/^- \d{3} `([a-z_]+)`/gm)].map((m) => m[1]).sort();
    expect(codes(doc.paths['/api/collectors']?.post?.description)).toEqual(['collector_name_blank', 'external_id_taken', 'no_team_for_admins', 'not_in_a_team', 'not_your_team', 'team_not_found']);
    // The shared code (SCOPE_REFUSALS), in its one wording.
    expect(doc.paths['/api/collectors']?.post?.description).toContain('- 404 `team_not_found` (`values.teamId`): no team has this id');
    expect(codes(doc.paths['/api/collectors/{id}']?.patch?.description)).toEqual(['collector_has_visits', 'collector_name_blank', 'collector_not_found', 'move_for_admins', 'team_not_found']);
    expect(doc.paths['/api/collectors/{id}']?.patch?.description).toContain('- 409 `collector_has_visits` (`values.visits`): moving or deactivating');
  });
});

describe('deactivating a collector', () => {
  it('deactivates their login and ends its sessions; bringing them back leaves the login to an admin', async () => {
    const team = await createTeam(t, 'Bajío');
    const joel = await createCollector(t, 'Joel', team);
    const user = await t.api<{ id: number }>('POST', '/api/users', { email: 'joel@test.local', name: 'Joel', role: 'collector', collectorId: joel, password: 'pw-123456' });
    expect(user.status).toBe(201);
    const login = () => t.api<{ token: string }>('POST', '/api/auth/login', { email: 'joel@test.local', password: 'pw-123456' }, null);
    const token = (await login()).body.token;
    expect((await listed('', token)).map((c) => c.id)).toEqual([joel]);

    expect((await patch(joel, { active: false })).body).toMatchObject({ id: joel, active: false });
    expect((await t.api('GET', '/api/collectors', undefined, token)).status).toBe(401);
    expect((await login()).status).toBe(401);
    expect((await t.api<{ users: { id: number; active: boolean }[] }>('GET', `/api/users?teamId=${team}`)).body.users).toEqual([
      expect.objectContaining({ id: user.body.id, active: false }),
    ]);

    expect((await patch(joel, { active: true })).body).toMatchObject({ active: true });
    expect((await login()).status).toBe(401);
    expect((await t.api('PATCH', `/api/users/${user.body.id}`, { active: true })).status).toBe(200);
    expect((await listed('', (await login()).body.token)).map((c) => c.id)).toEqual([joel]);
  });

  it('leaves them out of the next plan and off the list (unless asked for), until they are back', async () => {
    const team = await createTeam(t, 'Poniente');
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: { lat: 20.6767, lon: -103.3475 } })).status).toBe(204);
    const caro = await createCollector(t, 'Caro', team);
    const dani = await createCollector(t, 'Dani', team);
    for (const account of await accounts('Poniente', team, 100, 4)) await visit(account, DAY, null);
    const optimize = async () => t.api<PlanOut>('POST', '/api/plans/optimize', { date: DAY, teamId: team, options: SOLVE });

    expect(await patch(caro, { active: false })).toMatchObject({ status: 200, body: { id: caro, active: false } });
    const plan = await optimize();
    expect(plan.status).toBe(200);
    expect(plan.body.routes.map((r) => r.collectorId)).toEqual([dani]);
    expect(plan.body.routes[0].stops).toHaveLength(4);

    expect((await listed()).map((c) => c.id)).not.toContain(caro);
    expect((await listed('?includeInactive=true')).find((c) => c.id === caro)).toMatchObject({ name: 'Caro', active: false });

    expect((await patch(caro, { active: true })).body).toMatchObject({ active: true });
    expect((await optimize()).body.routes.map((r) => r.collectorId).sort((a, b) => a - b)).toEqual([caro, dani].sort((a, b) => a - b));
  });

  it('while a plan is being computed gives them none of its visits: the plan is computed again without them', async () => {
    const team = await createTeam(t, 'Poniente Alto');
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: { lat: 20.6767, lon: -103.3475 } })).status).toBe(204);
    const hugo = await createCollector(t, 'Hugo', team);
    const ines = await createCollector(t, 'Inés', team);
    for (const account of await accounts('Poniente Alto', team, 300, 6)) await visit(account, DAY, null);

    // A time-limited run searches until its deadline: Hugo leaves well within it.
    const running = t.api<PlanOut>('POST', '/api/plans/optimize', { date: DAY, teamId: team, options: { timeLimitMs: 2_000, seed: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await patch(hugo, { active: false })).status).toBe(200);
    const plan = await running;
    expect(plan.status).toBe(200);
    expect(plan.body.routes.map((r) => r.collectorId)).toEqual([ines]);
    const visits = (await t.api<{ visits: { collectorId: number | null }[] }>('GET', `/api/visits?teamId=${team}&date=${DAY}`)).body.visits;
    expect(visits.map((v) => v.collectorId)).toEqual(Array(6).fill(ines));
  });
});

describe('deactivating or moving a collector who holds visits still to do', () => {
  it('is refused with the count until the visits are given to someone else or done; past days do not count', async () => {
    const sur = await createTeam(t, 'Sur');
    const oriente = await createTeam(t, 'Oriente');
    const eva = await createCollector(t, 'Eva', sur);
    const fer = await createCollector(t, 'Fer', sur);
    const [a1, a2, a3] = await accounts('Sur', sur, 200, 3);
    const first = await visit(a1, DAY, eva);
    const second = await visit(a2, NEXT_DAY, eva);
    // Yesterday's visit, never closed: history, not work still to do.
    await visit(a3, '2020-01-06', eva);

    for (const body of [{ active: false }, { teamId: oriente }]) {
      const refused = await patch(eva, body);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ reason: 'collector_has_visits', values: { visits: 2 } });
      expect(refused.body.message).toMatch(new RegExp(`^collector ${eva} still holds 2 visits not done for today or a later day: move them to another collector on the board`));
    }
    expect((await listed()).find((c) => c.id === eva)).toMatchObject({ teamId: sur, active: true });

    expect((await t.api('POST', `/api/visits/${first.id}/reassign`, { collectorId: fer, version: first.version })).status).toBe(200);
    expect((await patch(eva, { active: false })).body).toMatchObject({ values: { visits: 1 } });
    expect((await t.api('POST', `/api/visits/${second.id}/cancel`, { version: second.version })).status).toBe(200);

    expect((await patch(eva, { teamId: oriente })).body).toMatchObject({ teamId: oriente });
    expect((await patch(eva, { active: false })).body).toMatchObject({ teamId: oriente, active: false });
  });
});

describe('moving a collector to another team', () => {
  it("takes their login along, whose old session ends; an unknown team is a 404 naming it", async () => {
    const este = await createTeam(t, 'Este');
    const oeste = await createTeam(t, 'Oeste');
    const gil = await createCollector(t, 'Gil', este);
    const user = await t.api<{ id: number }>('POST', '/api/users', { email: 'gil@test.local', name: 'Gil', role: 'collector', collectorId: gil, password: 'pw-123456' });
    expect(user.body).toMatchObject({ teamId: este });
    const login = async () => (await t.api<{ token: string }>('POST', '/api/auth/login', { email: 'gil@test.local', password: 'pw-123456' }, null)).body.token;
    const before = await login();

    expect(await patch(gil, { teamId: 999_999 })).toMatchObject({ status: 404, body: { message: 'team 999999 does not exist', reason: 'team_not_found', values: { teamId: 999_999 } } });
    expect((await patch(gil, { teamId: oeste })).body).toMatchObject({ id: gil, teamId: oeste });

    expect((await t.api<{ users: { id: number }[] }>('GET', `/api/users?teamId=${oeste}`)).body.users.map((u) => u.id)).toEqual([user.body.id]);
    expect((await t.api('GET', '/api/collectors', undefined, before)).status).toBe(401);
    expect((await listed('', await login())).map((c) => [c.id, c.teamId])).toEqual([[gil, oeste]]);
    // Their login can still be changed: it agrees with its collector's team.
    expect((await t.api('PATCH', `/api/users/${user.body.id}`, { name: 'Gil Ortega' })).status).toBe(200);
  });
});
