import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

/**
 * SPEC §6: each role sees only what its role and team allow. Admins and managers read every
 * team; a team's people their own team; a collector only themself; a user of no team no team.
 */
let t: TestServer;
let centro: number;
let poniente: number;
let ana: number;
let beto: number;
let carla: number;
/** Logins by who they are. */
const as: Record<'manager' | 'supervisor' | 'anaCollector' | 'teamlessSupervisor' | 'teamlessCollector', string> = {} as never;

async function fixAt(uniqueId: string, minutesAgo: number) {
  const dev = await t.server.dbh.db.selectFrom('devices').select(['id', 'collector_id']).where('unique_id', '=', uniqueId).executeTakeFirstOrThrow();
  const r = await t.server.ingest.submitPositions({ deviceId: dev.id, uniqueId, collectorId: dev.collector_id }, 'mqtt', [
    { kind: 'position', fixTime: new Date(Date.now() - minutesAgo * 60_000), lat: 20.6767 + minutesAgo * 1e-4, lon: -103.3475, valid: true, attributes: {} },
  ]);
  expect(r.stored).toBe(1);
}

async function collectorUser(name: string, teamId: number | null, collectorId: number | null): Promise<string> {
  const email = `${name.toLowerCase()}@test.local`;
  await t.server.auth.createUser({ email, name, password: 'pw-123456', role: 'collector', teamId, collectorId });
  return (await t.api('POST', '/api/auth/login', { email, password: 'pw-123456' }, null)).body.token;
}

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  poniente = await createTeam(t, 'Poniente');
  ana = await createCollector(t, 'Ana', centro);
  beto = await createCollector(t, 'Beto', centro);
  carla = await createCollector(t, 'Carla', poniente);
  for (const [uniqueId, collectorId] of [['ana-phone', ana], ['beto-phone', beto], ['carla-phone', carla], ['spare-phone', null]] as const) {
    await t.createDevice(uniqueId, collectorId);
  }
  for (const uniqueId of ['ana-phone', 'beto-phone', 'carla-phone']) {
    await fixAt(uniqueId, 10);
    await fixAt(uniqueId, 5);
  }
  as.manager = await loginAs(t, 'manager', null);
  as.supervisor = await loginAs(t, 'supervisor', centro);
  as.teamlessSupervisor = await loginAs(t, 'supervisor', null);
  as.anaCollector = await collectorUser('Ana', centro, ana);
  as.teamlessCollector = await collectorUser('Nadie', null, null);
});
afterAll(async () => t?.close());

const collectors = async (token: string) =>
  (await t.api<{ collectors: { name: string; last: unknown }[] }>('GET', '/api/collectors', undefined, token)).body.collectors.map((c) => [c.name, c.last !== null]);
const teams = async (token: string) => (await t.api<{ teams: { name: string }[] }>('GET', '/api/teams', undefined, token)).body.teams.map((x) => x.name);
const devices = async (token: string) => (await t.api<{ devices: { uniqueId: string }[] }>('GET', '/api/devices', undefined, token)).body.devices.map((d) => d.uniqueId);
const trail = async (uniqueId: string, token: string, query = '') => {
  const r = await t.api<{ positions: unknown[] }>('GET', `/api/devices/${uniqueId}/positions${query}`, undefined, token);
  return r.status === 200 ? r.body.positions.length : r.status;
};

describe('who reads collectors, teams, devices and trails', () => {
  it('a manager reads every team, as an admin does; a supervisor their own team', async () => {
    expect(await collectors(as.manager)).toEqual([['Ana', true], ['Beto', true], ['Carla', true]]);
    expect(await teams(as.manager)).toEqual(['Centro', 'Poniente']);
    expect(await collectors(as.supervisor)).toEqual([['Ana', true], ['Beto', true]]);
    expect(await teams(as.supervisor)).toEqual(['Centro']);
    expect(await trail('beto-phone', as.supervisor)).toBe(2);
    expect(await trail('carla-phone', as.supervisor)).toBe(404);
  });

  it("a collector sees themself, their own devices and trail, not a teammate's", async () => {
    expect(await collectors(as.anaCollector)).toEqual([['Ana', true]]);
    expect(await devices(as.anaCollector)).toEqual(['ana-phone']);
    expect(await trail('ana-phone', as.anaCollector)).toBe(2);
    expect(await trail('beto-phone', as.anaCollector)).toBe(404);
    expect(await trail('carla-phone', as.anaCollector)).toBe(404);
    expect(await teams(as.anaCollector)).toEqual(['Centro']);
  });

  it("a device handed to another collector or team keeps the previous holder's trail from them, and shows it to those who saw it", async () => {
    await t.createDevice('handed-phone', ana);
    await fixAt('handed-phone', 30);
    await fixAt('handed-phone', 25);
    expect((await t.api('PATCH', '/api/devices/handed-phone', { collectorId: carla })).status).toBe(200);
    await fixAt('handed-phone', 20);
    const ponienteSupervisor = await loginAs(t, 'supervisor', poniente);
    expect(await trail('handed-phone', ponienteSupervisor), "Carla's only, not Ana's before her").toBe(1);
    expect(await trail('handed-phone', as.supervisor), "Centro's supervisor still reads Ana's day").toBe(2);
    expect(await trail('handed-phone', as.anaCollector), 'Ana her own').toBe(2);
    expect(await trail('handed-phone', as.manager)).toBe(3);
    expect(await trail('handed-phone', as.manager, `?collectorId=${ana}`), "the replay of Ana's day").toBe(2);
    expect(await trail('handed-phone', as.supervisor, `?collectorId=${carla}`), 'naming another team’s collector').toBe(404);
    expect(await trail('handed-phone', as.teamlessSupervisor)).toBe(404);
  });

  it('a user of no team sees no team: no collectors, positions, teams or plans', async () => {
    for (const token of [as.teamlessSupervisor, as.teamlessCollector]) {
      expect(await collectors(token)).toEqual([]);
      expect(await teams(token)).toEqual([]);
      expect(await trail('ana-phone', token)).toBe(404);
    }
    expect(await devices(as.teamlessCollector)).toEqual([]);
    const plan = await t.api('GET', `/api/plans/2026-11-30?teamId=${poniente}`, undefined, as.teamlessSupervisor);
    expect(plan).toEqual({
      status: 403,
      body: expect.objectContaining({ message: 'you belong to no team: a supervisor acts on their own team only', reason: 'not_in_a_team', values: { role: 'supervisor' } }),
    });
    expect((await t.api('GET', '/api/plans?date=2026-11-30', undefined, as.teamlessSupervisor)).status).toBe(403);
  });
});

describe('payments and check-ins by team', () => {
  it('?teamId= narrows the lists of payments and check-ins as it does accounts and visits', async () => {
    const csv = `external_id,name,lat,lon,balance_due,days_past_due,team\nC-1,Rosa,20.67,-103.35,1000,30,Centro\nP-1,Pepe,20.68,-103.40,1000,30,Poniente\n`;
    const imported = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    expect(imported.status).toBe(200);
    const accounts = (await t.api<{ accounts: { id: number; teamId: number }[] }>('GET', '/api/accounts')).body.accounts;
    let n = 0;
    for (const a of accounts) {
      const visit = await t.api<{ id: number }>('POST', '/api/visits', { accountId: a.id, date: '2026-11-30' });
      const ts = new Date(Date.now() - 60_000).toISOString();
      const id = (k: number) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
      expect((await t.api('POST', '/api/payments', { id: id(++n), accountId: a.id, ts, amount: 10, currency: 'MXN', method: 'cash' })).status).toBe(201);
      expect((await t.api('POST', '/api/checkins', { id: id(++n), visitId: visit.body.id, ts, lat: 20.67, lon: -103.35, outcome: 'absent' })).status).toBe(201);
    }
    for (const token of [t.token, as.manager]) {
      for (const list of ['payments', 'checkins'] as const) {
        const teamsOf = async (q: string) => (await t.api<Record<string, { teamId: number }[]>>('GET', `/api/${list}${q}`, undefined, token)).body[list].map((r) => r.teamId);
        expect(await teamsOf(`?teamId=${poniente}`)).toEqual([poniente]);
        expect((await teamsOf('')).sort()).toEqual([centro, poniente].sort());
      }
    }
    // A supervisor naming another team is refused, on every list as on plans and metrics; an admin naming none that exists is told so.
    for (const list of ['payments', 'checkins', 'accounts', 'visits', 'promises', 'events']) {
      const other = await t.api('GET', `/api/${list}?teamId=${poniente}`, undefined, as.supervisor);
      expect(other.body, list).toMatchObject({ statusCode: 403, reason: 'not_your_team', values: { teamId: poniente } });
      expect((await t.api('GET', `/api/${list}?teamId=${centro}`, undefined, as.supervisor)).status, list).toBe(200);
      expect((await t.api('GET', `/api/${list}?teamId=999`)).body, list).toMatchObject({ statusCode: 404, reason: 'team_not_found' });
    }
  });
});
