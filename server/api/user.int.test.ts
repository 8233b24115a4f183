import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

/** SPEC §6 roles: admins hand out logins of every role; any user changes their own password. */
let t: TestServer;
let centro: number;
let poniente: number;
let ana: number;
let carla: number;

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  poniente = await createTeam(t, 'Poniente');
  ana = await createCollector(t, 'Ana', centro);
  carla = await createCollector(t, 'Carla', poniente);
}, 120_000);
afterAll(async () => t?.close());

const login = (email: string, password: string) => t.api<{ token: string; user: { role: string; teamId: number | null } }>('POST', '/api/auth/login', { email, password }, null);
const me = async (token: string) => (await t.api('GET', '/api/auth/me', undefined, token)).status;
let n = 0;
const newUser = async (body: Record<string, unknown>) => {
  const r = await t.api<{ id: number; email: string }>('POST', '/api/users', { email: `user${++n}@test.local`, name: `User ${n}`, password: 'long-enough-1', ...body });
  if (r.status !== 201) throw new Error(`POST /api/users: ${JSON.stringify(r.body)}`);
  return r.body;
};

describe('users: an admin creates them', () => {
  it('creates a supervisor who can log in with their team, and lists users without password hashes', async () => {
    const created = await t.api('POST', '/api/users', { email: 'Sofia.Supervisora@Test.local', name: 'Sofía', role: 'supervisor', teamId: centro, password: 'sofia-pw-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'sofia.supervisora@test.local', name: 'Sofía', role: 'supervisor', teamId: centro, collectorId: null, active: true });
    const session = await login('SOFIA.supervisora@test.local', 'sofia-pw-1');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ role: 'supervisor', teamId: centro });

    const list = await t.api<{ users: Record<string, unknown>[] }>('GET', '/api/users');
    expect(list.status).toBe(200);
    expect(list.body.users.map((u) => u.email)).toEqual(expect.arrayContaining([ADMIN.email, 'sofia.supervisora@test.local']));
    for (const u of list.body.users) expect(Object.keys(u).sort()).toEqual(['active', 'collectorId', 'createdAt', 'email', 'id', 'name', 'role', 'teamId']);
    expect(JSON.stringify(list.body)).not.toMatch(/password|\$2[aby]\$/);
    const filtered = await t.api<{ users: { email: string }[] }>('GET', `/api/users?role=supervisor&teamId=${centro}`);
    expect(filtered.body.users.map((u) => u.email)).toEqual(['sofia.supervisora@test.local']);
  });

  it('creates a dispatcher, a manager and a collector login; the collector sees only themself', async () => {
    await newUser({ role: 'dispatcher', teamId: poniente });
    const manager = await newUser({ role: 'manager', teamId: null });
    expect((await login(manager.email, 'long-enough-1')).body.user).toMatchObject({ role: 'manager', teamId: null });
    // Without a team, a collector's login takes its collector's.
    const collector = await newUser({ role: 'collector', collectorId: ana });
    const session = await login(collector.email, 'long-enough-1');
    expect(session.body.user).toMatchObject({ role: 'collector', teamId: centro, collectorId: ana });
    const seen = await t.api<{ collectors: { id: number }[] }>('GET', '/api/collectors', undefined, session.body.token);
    expect(seen.body.collectors.map((c) => c.id)).toEqual([ana]);
  });

  it('refuses what does not fit, each with a reason code: bad email, short password, a taken email in any case, role and team that disagree', async () => {
    const base = { name: 'X', role: 'dispatcher', teamId: centro, password: 'long-enough-1' };
    const post = (body: Record<string, unknown>) => t.api<{ message: string; reason?: string; values?: Record<string, unknown> }>('POST', '/api/users', body);
    expect((await post({ ...base, email: 'not-an-email' })).status).toBe(400);
    expect((await post({ ...base, email: 'short@test.local', password: 'short' })).status).toBe(400);
    expect((await post({ ...base, email: 'x@test.local', role: 'owner' })).status).toBe(400);

    const taken = await post({ ...base, email: 'SOFIA.SUPERVISORA@test.local' });
    expect(taken.status).toBe(409);
    expect(taken.body.message).toBe('a user with email sofia.supervisora@test.local already exists');
    expect(taken.body).toMatchObject({ reason: 'email_taken', values: { email: 'sofia.supervisora@test.local' } });

    const anaLogin = (await t.api<{ users: { id: number; email: string }[] }>('GET', `/api/users?role=collector&teamId=${centro}`)).body.users[0];
    const cases: [Record<string, unknown>, number, RegExp, string, Record<string, unknown>][] = [
      [{ role: 'supervisor', teamId: null }, 400, /role supervisor needs a team/, 'team_required', { role: 'supervisor' }],
      [{ role: 'dispatcher', teamId: undefined }, 400, /role dispatcher needs a team/, 'team_required', { role: 'dispatcher' }],
      [{ role: 'manager', teamId: centro }, 400, /role manager works across every team: teamId must be null/, 'team_not_allowed', { role: 'manager', teamId: centro }],
      [{ role: 'admin', teamId: centro }, 400, /role admin works across every team/, 'team_not_allowed', { role: 'admin', teamId: centro }],
      [{ role: 'collector', teamId: centro }, 400, /role collector needs collectorId/, 'collector_required', {}],
      [
        { role: 'collector', teamId: centro, collectorId: carla },
        400,
        new RegExp(`collector ${carla} is in team ${poniente}, not team ${centro}`),
        'collector_not_in_team',
        { collectorId: carla, teamId: centro, collectorTeamId: poniente },
      ],
      [{ role: 'dispatcher', teamId: centro, collectorId: ana }, 400, /collectorId is only for role collector/, 'collector_not_allowed', { role: 'dispatcher', collectorId: ana }],
      [{ role: 'dispatcher', teamId: 999999 }, 404, /team 999999 does not exist/, 'team_not_found', { teamId: 999999 }],
      [{ role: 'collector', teamId: centro, collectorId: 999999 }, 404, /collector 999999 does not exist/, 'collector_not_found', { collectorId: 999999 }],
      // Without a team the login would take its collector's: there is none.
      [{ role: 'collector', teamId: undefined, collectorId: 999999 }, 404, /collector 999999 does not exist/, 'collector_not_found', { collectorId: 999999 }],
      // Ana already has a login (the test above): the refusal names it.
      [
        { role: 'collector', teamId: centro, collectorId: ana },
        409,
        /collector \d+ already has a login/,
        'collector_has_login',
        { collectorId: ana, userId: anaLogin.id, email: anaLogin.email },
      ],
    ];
    for (const [over, status, message, reason, values] of cases) {
      const r = await post({ ...base, email: `case${++n}@test.local`, ...over });
      expect({ over, status: r.status, body: r.body }).toMatchObject({ over, status, body: { message: expect.stringMatching(message), reason, values } });
      // Only what the wording names: a client can rely on `values` holding nothing else.
      expect({ over, keys: Object.keys(r.body.values!).sort() }).toEqual({ over, keys: Object.keys(values).sort() });
    }
  });

  it('is described in the OpenAPI document, with the devices\' new routes', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs/json`)).json()) as { paths: Record<string, Record<string, { description?: string }>> };
    // Each route lists the reason codes it may answer, so a client knows what to word.
    const placement = ['team_required', 'team_not_allowed', 'collector_not_allowed', 'collector_required', 'team_not_found', 'collector_not_found', 'collector_not_in_team', 'collector_has_login'];
    const codes = (text = '') => [...text.matchAll(/^- \d{3} `([a-z_]+)`/gm)].map((m) => m[1]).sort();
    expect(codes(doc.paths['/api/users']?.post?.description)).toEqual([...placement, 'email_taken'].sort());
    expect(codes(doc.paths['/api/users/{id}']?.patch?.description)).toEqual([...placement, 'email_taken', 'last_admin', 'user_not_found'].sort());
    expect(doc.paths['/api/users']?.post?.description).toContain('- 409 `email_taken` (`values.email`): another user has this email, in any letter case');
    expect(Object.keys(doc.paths['/api/users'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/users/{id}'] ?? {})).toEqual(['patch']);
    expect(Object.keys(doc.paths['/api/auth/password'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/devices/{uniqueId}'] ?? {})).toEqual(['patch']);
    expect(Object.keys(doc.paths['/api/devices/{uniqueId}/token'] ?? {})).toEqual(['post']);
  });

  it('is for admins only', async () => {
    const supervisor = await loginAs(t, 'supervisor', centro, 'Sup only');
    const manager = await loginAs(t, 'manager', null, 'Mgr only');
    for (const token of [supervisor, manager]) {
      expect((await t.api('GET', '/api/users', undefined, token)).status).toBe(403);
      expect((await t.api('POST', '/api/users', { email: 'y@test.local', name: 'Y', role: 'dispatcher', teamId: centro, password: 'long-enough-1' }, token)).status).toBe(403);
      expect((await t.api('PATCH', '/api/users/1', { name: 'Hacked' }, token)).status).toBe(403);
    }
    expect((await t.api('GET', '/api/users', undefined, null)).status).toBe(401);
  });
});

describe('users: an admin changes them', () => {
  it('deactivating ends their sessions at once, live stream included; they cannot log in until reactivated', async () => {
    const u = await newUser({ role: 'dispatcher', teamId: centro });
    const { token } = (await login(u.email, 'long-enough-1')).body;
    const socket = io(t.baseUrl, { path: '/live', auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise((resolve, reject) => (socket.once('snapshot', resolve), socket.once('connect_error', reject)));
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(await me(token)).toBe(200);

    const off = await t.api('PATCH', `/api/users/${u.id}`, { active: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: u.id, active: false });
    expect(await me(token)).toBe(401);
    expect(await closed).toBe('io server disconnect');
    socket.close();
    expect((await login(u.email, 'long-enough-1')).status).toBe(401);

    expect((await t.api('PATCH', `/api/users/${u.id}`, { active: true })).status).toBe(200);
    expect((await login(u.email, 'long-enough-1')).status).toBe(200);
  });

  it('a password reset ends their sessions; the old password stops working', async () => {
    const u = await newUser({ role: 'supervisor', teamId: poniente });
    const { token } = (await login(u.email, 'long-enough-1')).body;
    expect((await t.api('PATCH', `/api/users/${u.id}`, { password: 'x' })).status).toBe(400);
    expect((await t.api('PATCH', `/api/users/${u.id}`, { password: 'brand-new-pw' })).status).toBe(200);
    expect(await me(token)).toBe(401);
    expect((await login(u.email, 'long-enough-1')).status).toBe(401);
    expect((await login(u.email, 'brand-new-pw')).status).toBe(200);
  });

  it('a new role or team ends their sessions (no dashboard keeps the old scope); a new name does not', async () => {
    const u = await newUser({ role: 'dispatcher', teamId: centro });
    let { token } = (await login(u.email, 'long-enough-1')).body;
    const renamed = await t.api('PATCH', `/api/users/${u.id}`, { name: 'Despacho Norte' });
    expect(renamed.body).toMatchObject({ name: 'Despacho Norte', role: 'dispatcher', teamId: centro });
    expect(await me(token)).toBe(200);

    expect((await t.api('PATCH', `/api/users/${u.id}`, { teamId: poniente })).body).toMatchObject({ teamId: poniente });
    expect(await me(token)).toBe(401);
    ({ token } = (await login(u.email, 'long-enough-1')).body);
    expect((await t.api('GET', '/api/auth/me', undefined, token)).body).toMatchObject({ role: 'dispatcher', teamId: poniente });

    // The final state must hold together: a manager has no team.
    const noTeam = await t.api<{ message: string }>('PATCH', `/api/users/${u.id}`, { role: 'manager' });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.message).toMatch(/teamId must be null/);
    expect(noTeam.body).toMatchObject({ reason: 'team_not_allowed', values: { role: 'manager', teamId: poniente } });
    expect((await t.api('PATCH', `/api/users/${u.id}`, { role: 'manager', teamId: null })).body).toMatchObject({ role: 'manager', teamId: null });
    expect(await me(token)).toBe(401);
  });

  it('refuses an email another user has, an unknown user, an empty change', async () => {
    const a = await newUser({ role: 'dispatcher', teamId: centro });
    const b = await newUser({ role: 'dispatcher', teamId: centro });
    const taken = await t.api('PATCH', `/api/users/${b.id}`, { email: a.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ reason: 'email_taken', values: { email: a.email } });
    const nobody = await t.api('PATCH', '/api/users/999999', { name: 'Nadie' });
    expect(nobody.status).toBe(404);
    expect(nobody.body).toMatchObject({ message: 'user 999999 does not exist', reason: 'user_not_found', values: { userId: 999999 } });
    // Made the login of a collector who has one already: the refusal names that login.
    const held = await t.api<{ reason: string; values: Record<string, unknown> }>('PATCH', `/api/users/${b.id}`, { role: 'collector', teamId: centro, collectorId: ana });
    expect(held.status).toBe(409);
    expect(held.body).toMatchObject({ reason: 'collector_has_login', values: { collectorId: ana, email: expect.stringMatching(/^user\d+@test\.local$/) } });
    expect((await t.api('PATCH', `/api/users/${b.id}`, {})).status).toBe(400);
    expect((await t.api('PATCH', `/api/users/${b.id}`, { password_hash: 'x' })).status).toBe(400);
  });

  it('gives a collector one active login: two admins creating one at once, or an old login reactivated beside the new one, get collector_has_login', async () => {
    const dora = await createCollector(t, 'Dora', centro);
    const both = await Promise.all([1, 2].map((k) => t.api<{ id: number; reason?: string }>('POST', '/api/users', { email: `dora${k}@test.local`, name: 'Dora', role: 'collector', collectorId: dora, password: 'long-enough-1' })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const made = both.find((r) => r.status === 201)!.body;
    expect(both.find((r) => r.status === 409)!.body).toMatchObject({ reason: 'collector_has_login', values: { collectorId: dora, userId: made.id } });

    await t.api('PATCH', `/api/users/${made.id}`, { active: false });
    const next = await newUser({ role: 'collector', collectorId: dora });
    const back = await t.api('PATCH', `/api/users/${made.id}`, { active: true });
    expect(back.status).toBe(409);
    expect(back.body).toMatchObject({ reason: 'collector_has_login', values: { collectorId: dora, userId: next.id, email: next.email } });
    const active = (await t.api<{ users: { id: number; collectorId: number | null }[] }>('GET', `/api/users?role=collector&active=true`)).body.users.filter((u) => u.collectorId === dora);
    expect(active.map((u) => u.id)).toEqual([next.id]);
  });

  it('keeps one active admin: the last one cannot be deactivated or demoted', async () => {
    const admins = (await t.api<{ users: { id: number; email: string }[] }>('GET', '/api/users?role=admin&active=true')).body.users;
    expect(admins.map((u) => u.email)).toEqual([ADMIN.email]);
    const self = admins[0].id;
    const off = await t.api<{ message: string }>('PATCH', `/api/users/${self}`, { active: false });
    expect(off.status).toBe(409);
    expect(off.body.message).toMatch(/only active admin/);
    expect(off.body).toMatchObject({ reason: 'last_admin', values: { userId: self } });
    const stepDown = await t.api('PATCH', `/api/users/${self}`, { role: 'manager', teamId: null });
    expect(stepDown.status).toBe(409);
    expect(stepDown.body).toMatchObject({ reason: 'last_admin' });

    // With a second admin, the first may step down; the asker's own session goes on.
    const second = await newUser({ role: 'admin', teamId: null });
    const secondToken = (await login(second.email, 'long-enough-1')).body.token;
    const demoted = await t.api('PATCH', `/api/users/${second.id}`, { role: 'manager' }, secondToken);
    expect(demoted.status).toBe(200);
    expect(await me(secondToken)).toBe(200);
    expect((await t.api('GET', '/api/users', undefined, secondToken)).status).toBe(403);
  });
});

describe('POST /api/auth/password: any user, their own', () => {
  it('needs the current password; ends their other sessions and keeps this one', async () => {
    const u = await newUser({ role: 'collector', teamId: poniente, collectorId: carla });
    const here = (await login(u.email, 'long-enough-1')).body.token;
    const elsewhere = (await login(u.email, 'long-enough-1')).body.token;

    const wrong = await t.api('POST', '/api/auth/password', { current: 'not-it-at-all', new: 'another-pw-2' }, here);
    expect(wrong.status).toBe(403);
    expect((await t.api('POST', '/api/auth/password', { current: 'long-enough-1', new: 'short' }, here)).status).toBe(400);
    expect((await t.api('POST', '/api/auth/password', { current: 'long-enough-1', new: 'another-pw-2' }, null)).status).toBe(401);
    expect(await me(elsewhere)).toBe(200);

    expect((await t.api('POST', '/api/auth/password', { current: 'long-enough-1', new: 'another-pw-2' }, here)).body).toEqual({ ok: true });
    expect(await me(here)).toBe(200);
    expect(await me(elsewhere)).toBe(401);
    expect((await login(u.email, 'long-enough-1')).status).toBe(401);
    expect((await login(u.email, 'another-pw-2')).status).toBe(200);
  });
});
