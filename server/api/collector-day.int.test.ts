import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanOut } from '../contract/plan.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { createCollector, createTeam, postCsv } from '../operations/testing/fixtures.ts';

/**
 * SPEC §6: a collector reads their own day — visits, check-ins, payments, events, plan and
 * figures — the way the dashboard's wall, replay and metrics ask for them, and none of a teammate's.
 */
const DATE = '2030-04-02';
let t: TestServer;
let centro: number;
let ana: number;
let beto: number;
let anaToken: string;
const visit: Record<'ana' | 'beto', number> = { ana: 0, beto: 0 };
const event: Record<'ana' | 'beto', number> = { ana: 0, beto: 0 };

beforeAll(async () => {
  t = await startTestServer();
  centro = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana', centro);
  beto = await createCollector(t, 'Beto', centro);
  expect((await postCsv(t, 'external_id,name,lat,lon,balance_due,days_past_due,team\nA-1,Rosa,20.67,-103.35,1000,30,Centro\nB-1,Pepe,20.68,-103.36,1000,30,Centro\n')).status).toBe(200);
  const accounts = (await t.api<{ accounts: { id: number; externalId: string }[] }>('GET', '/api/accounts')).body.accounts;
  const who = [['ana', ana, 'A-1'], ['beto', beto, 'B-1']] as const;
  for (const [name, collectorId, ext] of who) {
    const v = await t.api<{ id: number }>('POST', '/api/visits', { accountId: accounts.find((a) => a.externalId === ext)!.id, date: DATE, collectorId });
    expect(v.status).toBe(201);
    visit[name] = v.body.id;
  }
  const optimized = await t.api('POST', '/api/plans/optimize', { date: DATE, teamId: centro, options: { iterations: 20, seed: 1 } });
  expect(optimized.status, JSON.stringify(optimized.body)).toBe(200);
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  for (const [name, collectorId] of who) {
    const ts = new Date(Date.now() - 60_000).toISOString();
    expect((await t.api('POST', '/api/checkins', { id: id(), visitId: visit[name], ts, lat: 20.67, lon: -103.35, outcome: 'paid' })).status).toBe(201);
    expect((await t.api('POST', '/api/payments', { id: id(), visitId: visit[name], ts, amount: 100, currency: 'MXN', method: 'cash' })).status).toBe(201);
    const row = await t.server.dbh.db
      .insertInto('events')
      .values({ type: 'long_stop', severity: 'warning', team_id: centro, collector_id: collectorId, visit_id: null, opened_at: new Date(), closed_at: null, details: '{}', acknowledged_by: null, acknowledged_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    event[name] = row.id;
  }
  await t.server.auth.createUser({ email: 'ana@test.local', name: 'Ana', password: 'pw-123456', role: 'collector', teamId: centro, collectorId: ana });
  anaToken = (await t.api('POST', '/api/auth/login', { email: 'ana@test.local', password: 'pw-123456' }, null)).body.token;
});
afterAll(async () => t?.close());

const asAna = async <T = any>(path: string) => {
  const r = await t.api<T>('GET', path, undefined, anaToken);
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
};
const collectorsOf = (rows: { collectorId: number | null }[]) => [...new Set(rows.map((r) => r.collectorId))];

describe("a collector's own day through the API", () => {
  it('lists their own visits, check-ins, payments and open events, as the wall and replay ask', async () => {
    expect(collectorsOf((await asAna(`/api/visits?date=${DATE}&limit=5000`)).visits)).toEqual([ana]);
    expect(collectorsOf((await asAna(`/api/checkins?collectorId=${ana}&limit=1000`)).checkins)).toEqual([ana]);
    expect(collectorsOf((await asAna('/api/payments?limit=20')).payments)).toEqual([ana]);
    expect((await asAna('/api/events?open=true&limit=1000')).events.map((e: { id: number }) => e.id)).toEqual([event.ana]);
    expect((await asAna(`/api/visits/${visit.ana}`)).id).toBe(visit.ana);
  });

  it("gets nothing of a teammate's, even by naming them", async () => {
    expect((await asAna(`/api/visits?collectorId=${beto}`)).visits).toEqual([]);
    expect((await asAna(`/api/checkins?collectorId=${beto}`)).checkins).toEqual([]);
    expect((await asAna(`/api/events?collectorId=${beto}`)).events).toEqual([]);
    expect((await t.api('GET', `/api/visits/${visit.beto}`, undefined, anaToken)).status).toBe(404);
    // Still the office's to acknowledge.
    expect((await t.api('POST', `/api/events/${event.ana}/ack`, undefined, anaToken)).status).toBe(403);
  });

  it('reads the day plan with their own route only', async () => {
    const { plans } = await asAna<{ plans: PlanOut[] }>(`/api/plans?date=${DATE}`);
    expect(plans.map((p) => p.routes.map((r) => r.collectorId))).toEqual([[ana]]);
    expect(plans[0].routes[0].stops.map((s) => s.visitId)).toEqual([visit.ana]);
    expect((await asAna<PlanOut>(`/api/plans/${DATE}`)).routes.map((r) => r.collectorId)).toEqual([ana]);
  });

  it('reads their own figures, not the team\'s', async () => {
    // Paid now (a check-in or payment in the future is refused), whatever day DATE's visits were planned for.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const q = `from=${day(-1)}&to=${day(1)}`;
    expect(collectorsOf((await asAna(`/api/metrics/collectors?${q}`)).rows)).toEqual([ana]);
    expect((await asAna(`/api/metrics/summary?${q}&groupBy=total`)).rows[0]).toEqual(expect.objectContaining({ collected: 100 }));
    const csv = await fetch(`${t.baseUrl}/api/metrics/collectors.csv?${q}`, { headers: { authorization: `Bearer ${anaToken}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).includes('Beto')).toBe(false);
  });
});
