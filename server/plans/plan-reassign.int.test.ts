import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { PlanOut } from '../contract/plan.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';

/**
 * A dispatcher's changes as the board makes them (issue 4, SPEC §1 "reassign or reorder visits with
 * one action"): a move changes the collector of the moved visit only, a reorder outlives the next
 * change to its route, and a change that meets a day moved on says how.
 */

const DATE = '2030-04-09';
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const SOLVE = { iterations: 200, seed: 1 };

let t: TestServer;
let team: number;
let dispatcher: string;
let ana: number;
let beto: number;
let accounts: number[];

const planNow = async (): Promise<PlanOut> => (await t.api('GET', `/api/plans/${DATE}`, undefined, dispatcher)).body;
const stopsOf = (plan: PlanOut, collectorId: number) => plan.routes.find((r) => r.collectorId === collectorId)!.stops;
const idsOf = (plan: PlanOut, collectorId: number) => stopsOf(plan, collectorId).map((s) => s.visitId);
const ownerOf = (plan: PlanOut) => new Map(plan.routes.flatMap((r) => r.stops.map((s) => [s.visitId, r.collectorId] as const)));
const reassign = (body: object) => t.api('POST', `/api/plans/${DATE}/reassign`, { options: SOLVE, ...body }, dispatcher);

beforeAll(async () => {
  t = await startTestServer();
  team = await createTeam(t, 'Oriente');
  dispatcher = await loginAs(t, 'dispatcher', team, 'Dana Despacho');
  ana = await createCollector(t, 'Ana', team);
  beto = await createCollector(t, 'Beto', team);
  expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: OFFICE, maxVisitsPerCollector: 16 }, dispatcher)).status).toBe(204);
  // 24 debtors on two streets, one running east of the office and one west, 300 m apart: a route's order matters.
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < 24; i++) {
    const side = i < 12 ? 1 : -1;
    lines.push(`R-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + 0.001 * (i % 3)).toFixed(6)},${(OFFICE.lon + side * 0.003 * (1 + (i % 12))).toFixed(6)},${1000 + i},30,Oriente`);
  }
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: lines.join('\n') + '\n' });
  expect(res.status).toBe(200);
  const listed = (await t.api('GET', '/api/accounts?limit=100')).body.accounts as { id: number; externalId: string }[];
  accounts = Array.from({ length: 24 }, (_, i) => listed.find((a) => a.externalId === `R-${i}`)!.id);
  for (const accountId of accounts.slice(0, 22)) {
    expect((await t.api('POST', '/api/visits', { accountId, date: DATE, priority: 50, serviceMinutes: 10 }, dispatcher)).status).toBe(201);
  }
  const planned = await t.api('POST', '/api/plans/optimize', { date: DATE, options: { iterations: 300, seed: 3 } }, dispatcher);
  expect(planned.status).toBe(200);
  expect(planned.body.unassigned).toEqual([]);
  expect(idsOf(planned.body, ana).length).toBeGreaterThan(3);
  expect(idsOf(planned.body, beto).length).toBeGreaterThan(3);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('a move', () => {
  it('changes the collector of the moved visit only; both routes re-sequenced with new ETAs', async () => {
    // Ana drives at a third of the speed: a re-plan free to share out her day handed most of it to Beto.
    expect((await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { speedFactor: 0.3 }, dispatcher)).status).toBe(204);
    const before = await planNow();
    const moved = stopsOf(before, ana).at(-2)!;
    const r = await reassign({ moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }] });
    expect(r.status).toBe(200);
    const after = r.body as PlanOut;
    expect(after.changedCollectorIds).toEqual([ana, beto]);
    const owners = ownerOf(after);
    const changedHands = [...ownerOf(before)].filter(([visitId, collectorId]) => owners.get(visitId) !== collectorId).map(([visitId]) => visitId);
    expect(changedHands).toEqual([moved.visitId]);
    expect(after.unassigned).toEqual([]);
    expect(idsOf(after, beto)).toContain(moved.visitId);
    // Both routes re-sequenced, their ETAs computed again (Ana's now at her slower speed).
    for (const collectorId of [ana, beto]) {
      const stops = stopsOf(after, collectorId);
      expect(stops.map((s) => s.sequence)).toEqual(stops.map((_, i) => i + 1));
      for (let i = 1; i < stops.length; i++) expect(Date.parse(stops[i].eta)).toBeGreaterThan(Date.parse(stops[i - 1].departureAt));
    }
    expect(stopsOf(after, ana)[1].eta).not.toBe(stopsOf(before, ana)[1].eta);
    expect((await t.api('PUT', `/api/plans/settings/collectors/${ana}`, { speedFactor: null }, dispatcher)).status).toBe(204);
  });

  it('onto a route with no room left is refused, naming why, and nothing changes (no other visit gives way)', async () => {
    const before = await planNow();
    expect((await t.api('PUT', `/api/plans/settings/collectors/${beto}`, { maxVisits: idsOf(before, beto).length }, dispatcher)).status).toBe(204);
    const moved = stopsOf(before, ana)[0];
    const r = await reassign({ moves: [{ visitId: moved.visitId, toCollectorId: beto, version: moved.visitVersion }] });
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('max_tasks');
    expect(r.body.message).toMatch(new RegExp(`^visit ${moved.visitId} cannot go to collector ${beto}: visit \\d+ would have to leave the route \\(the collector takes no more visits\\)$`));
    expect((await planNow()).version).toBe(before.version);
    expect((await t.api('GET', `/api/visits/${moved.visitId}`, undefined, dispatcher)).body).toMatchObject({ collectorId: ana, version: moved.visitVersion });
    expect((await t.api('PUT', `/api/plans/settings/collectors/${beto}`, { maxVisits: null }, dispatcher)).status).toBe(204);
  });
});

describe('a reorder', () => {
  it('is kept by the next change to the route: the moved visit is locked in its new place', async () => {
    const before = await planNow();
    const [first, ...rest] = idsOf(before, beto);
    const last = rest.pop()!;
    const wanted = [first, last, ...rest];
    const r = await reassign({ reorder: { collectorId: beto, visitIds: wanted, movedVisitId: last } });
    expect(r.status).toBe(200);
    expect(idsOf(r.body, beto)).toEqual(wanted);

    // Another change to Beto's route: a new visit given to him. The order up to the moved visit stays; the rest is re-planned around the newcomer.
    const created = (await t.api('POST', '/api/visits', { accountId: accounts[22], date: DATE, priority: 50, serviceMinutes: 10 }, dispatcher)).body;
    const m = await reassign({ moves: [{ visitId: created.id, toCollectorId: beto, version: created.version }] });
    expect(m.status).toBe(200);
    const now = idsOf(m.body, beto);
    expect(now.slice(0, 2)).toEqual([first, last]);
    expect(new Set(now)).toEqual(new Set([...wanted, created.id]));
    // The board shows it locked, and "Liberar" gives the order back to the optimizer.
    expect(stopsOf(m.body, beto).filter((s) => s.locked).map((s) => s.visitId)).toEqual([last]);
    expect((await planNow()).version).toBe(m.body.version);
  });

  it('locks the visit the order moved when the request does not name it', async () => {
    const before = await planNow();
    const open = idsOf(before, ana);
    // Ana's third visit goes first: the first two are not locked, the moved one is, and the first place follows it.
    const wanted = [open[2], open[0], open[1], ...open.slice(3)];
    const r = await reassign({ reorder: { collectorId: ana, visitIds: wanted } });
    expect(r.status).toBe(200);
    expect(idsOf(r.body, ana)).toEqual(wanted);
    expect(stopsOf(r.body, ana).filter((s) => s.locked).map((s) => s.visitId)).toEqual([open[2]]);
    const bad = await reassign({ reorder: { collectorId: ana, visitIds: wanted, movedVisitId: idsOf(before, beto)[0] } });
    expect(bad.status).toBe(400);
  });

  it('passes over a visit done since the board drew the route: no conflict', async () => {
    const before = await planNow();
    const stops = stopsOf(before, beto);
    const done = stops[0];
    const visit = (await t.api('GET', `/api/visits/${done.visitId}`, undefined, dispatcher)).body;
    expect((await t.api('POST', `/api/visits/${done.visitId}/status`, { status: 'completed', version: visit.version, outcome: 'paid' })).status).toBe(200);
    // The order a board that had not heard of it sends: every stop of the plan, the 3rd and 4th swapped (after the locked 2nd).
    const order = stops.map((s) => s.visitId);
    [order[2], order[3]] = [order[3], order[2]];
    const r = await reassign({ reorder: { collectorId: beto, visitIds: order, movedVisitId: order[3] } });
    expect(r.status).toBe(200);
    expect(idsOf(r.body, beto)).toEqual(order.slice(1));
  });
});

describe('a change that meets a day moved on', () => {
  it("answers 409 with a reason a board can word: 'version', 'closed', 'not_on_route'", async () => {
    const before = await planNow();
    const stop = stopsOf(before, ana)[1];
    const stale = await reassign({ moves: [{ visitId: stop.visitId, toCollectorId: beto, version: stop.visitVersion - 1 }] });
    expect(stale).toMatchObject({ status: 409, body: { reason: 'version' } });
    expect(stale.body.message).toMatch(/^visit \d+ was changed by .+ at \S+ \(it is now version \d+, your change was made on version \d+\); reload the plan and try again$/);

    const visit = (await t.api('GET', `/api/visits/${stop.visitId}`, undefined, dispatcher)).body;
    expect((await t.api('POST', `/api/visits/${stop.visitId}/status`, { status: 'missed', version: visit.version, outcome: 'absent' })).status).toBe(200);
    const closed = await reassign({ moves: [{ visitId: stop.visitId, toCollectorId: beto, version: visit.version + 1 }] });
    expect(closed).toMatchObject({ status: 409, body: { reason: 'closed', message: `visit ${stop.visitId} is missed; it can no longer be reassigned` } });
    expect(await reassign({ cancel: [{ visitId: stop.visitId, version: visit.version + 1 }] })).toMatchObject({ status: 409, body: { reason: 'closed' } });
    expect(await reassign({ lock: [stop.visitId] })).toMatchObject({ status: 409, body: { reason: 'closed' } });

    const elsewhere = idsOf(before, beto).at(-1)!;
    const notHis = await reassign({ reorder: { collectorId: ana, visitIds: [elsewhere, ...idsOf(before, ana)] } });
    expect(notHis).toMatchObject({ status: 409, body: { reason: 'not_on_route' } });
    expect((await planNow()).version).toBe(before.version);
  });
});
