import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { PlanOut, TeamPlanSettingsOut } from '../contract/plan.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

/**
 * Even share (TeamPlanSettings `evenShare`): travel minimisation alone sends one collector to a
 * cluster of debtors far from the office and leaves the others idle; shared out, everyone who came
 * to work gets their part of the day, and a visit only one collector can do is still done.
 */
const DATE = '2030-03-12';
const OFFICE = { lat: 20.6767, lon: -103.3475 };
/** 20 debtors within ~300 m of each other, ~5 km from the office: one route is the cheapest way to serve them. */
const VISITS = 20;
const SOLVE = { iterations: 200, seed: 1 };

let t: TestServer;
let team: number;
let dispatcher: string;
const collectors: number[] = [];
const visitIds: number[] = [];

const optimize = async () => {
  const r = await t.api('POST', '/api/plans/optimize', { date: DATE, options: SOLVE }, dispatcher);
  expect(r.status).toBe(200);
  return r.body as PlanOut;
};
const counts = (plan: PlanOut) => collectors.map((id) => plan.routes.find((r) => r.collectorId === id)?.stops.length ?? 0);
const settings = (body: object) => t.api('PUT', `/api/plans/settings/teams/${team}`, body, dispatcher);

beforeAll(async () => {
  t = await startTestServer();
  team = await createTeam(t, 'Reparto');
  dispatcher = await loginAs(t, 'dispatcher', team, 'Dora Dispatcher');
  for (const name of ['Ana', 'Beto', 'Caro', 'Elena']) collectors.push(await createCollector(t, name, team));
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < VISITS; i++) {
    lines.push(`ES-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + 0.045 + (i % 5) * 0.0007).toFixed(6)},${(OFFICE.lon + Math.floor(i / 5) * 0.0007).toFixed(6)},${1000 + i},30,Reparto`);
  }
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: lines.join('\n') + '\n' });
  expect(res.status).toBe(200);
  const accounts = (await t.api('GET', '/api/accounts?search=Deudor&limit=100')).body.accounts as { id: number; externalId: string }[];
  for (let i = 0; i < VISITS; i++) {
    const r = await t.api('POST', '/api/visits', { accountId: accounts.find((a) => a.externalId === `ES-${i}`)!.id, date: DATE, priority: 50, serviceMinutes: 10 }, dispatcher);
    expect(r.status).toBe(201);
    visitIds.push(r.body.id);
  }
  expect((await settings({ office: OFFICE, maxVisitsPerCollector: 25 })).status).toBe(204);
}, 60_000);
afterAll(async () => t?.close());

describe('team plan settings', () => {
  it('are read back with the defaults filled in, even share off until set', async () => {
    const r = await t.api('GET', `/api/plans/settings/teams/${team}`, undefined, dispatcher);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ office: OFFICE, shift: { start: '08:00', end: '18:00' }, maxVisitsPerCollector: 25, break: null, evenShare: false } satisfies TeamPlanSettingsOut);
  });

  it("are another team's secret, and only its dispatchers, supervisors and admins change them", async () => {
    const other = await createTeam(t, 'Otro');
    const stranger = await loginAs(t, 'dispatcher', other, 'Otro Dispatcher');
    expect((await t.api('GET', `/api/plans/settings/teams/${team}`, undefined, stranger)).status).toBe(404);
    expect((await t.api('GET', `/api/plans/settings/teams/9999999`)).status).toBe(404);
    const manager = await loginAs(t, 'manager', team, 'Mara Manager');
    expect((await t.api('GET', `/api/plans/settings/teams/${team}`, undefined, manager)).status).toBe(200);
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { evenShare: true }, manager)).status).toBe(403);
    expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { evenShare: 'yes' }, dispatcher)).status).toBe(400);
  });
});

describe('even share', () => {
  it('is needed: left free, the optimizer serves the cluster with fewer collectors and idles the rest', async () => {
    const plan = await optimize();
    expect(plan.unassigned).toEqual([]);
    expect(Math.min(...counts(plan))).toBe(0);
  });

  it('gives every collector who can work visits within one of the share, serving as many', async () => {
    expect((await settings({ evenShare: true })).status).toBe(204);
    expect((await t.api('GET', `/api/plans/settings/teams/${team}`, undefined, dispatcher)).body.evenShare).toBe(true);
    const plan = await optimize();
    expect(plan.unassigned).toEqual([]);
    const share = VISITS / collectors.length;
    for (const n of counts(plan)) expect(Math.abs(n - share)).toBeLessThanOrEqual(1);
  });

  it('still serves every visit of a skill only one collector has, beyond that collector’s share', async () => {
    const skilled = visitIds.slice(0, 8);
    for (const id of skilled) expect((await t.api('PUT', `/api/plans/settings/visits/${id}`, { skills: ['legal'] }, dispatcher)).status).toBe(204);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${collectors[0]}`, { skills: ['legal'] }, dispatcher)).status).toBe(204);
    const plan = await optimize();
    expect(plan.unassigned).toEqual([]);
    const ana = plan.routes.find((r) => r.collectorId === collectors[0])!.stops.map((s) => s.visitId);
    expect(ana).toEqual(expect.arrayContaining(skilled));
    for (const n of counts(plan).slice(1)) expect(n).toBeGreaterThan(0);
  });

  it('does not hold back a dispatcher moving a visit to a collector already at the share', async () => {
    const plan = (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body as PlanOut;
    // Between two collectors without the skill, to the fuller one: their own max (25) has room, the share (5) has none.
    const [from, to] = plan.routes.filter((r) => r.collectorId !== collectors[0] && r.stops.length > 0).sort((a, b) => a.stops.length - b.stops.length);
    expect(to.stops.length).toBeGreaterThanOrEqual(VISITS / collectors.length);
    const stop = from.stops[0];
    const r = await t.api('POST', `/api/plans/${DATE}/reassign`, { moves: [{ visitId: stop.visitId, toCollectorId: to.collectorId, version: stop.visitVersion }], options: SOLVE }, dispatcher);
    expect(r.status).toBe(200);
    expect((r.body as PlanOut).routes.find((x) => x.collectorId === to.collectorId)!.stops.length).toBe(to.stops.length + 1);
  });
});
