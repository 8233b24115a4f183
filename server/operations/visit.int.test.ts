import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { CSV_HEADER, accountLine, createCollector, createTeam, loginAs, postCsv } from './testing/fixtures.ts';

let t: TestServer;
let team: number;
let ana: number;
let luis: number;
let accountIds: number[];

beforeAll(async () => {
  t = await startTestServer();
  team = await createTeam(t, 'Centro');
  ana = await createCollector(t, 'Ana', team);
  luis = await createCollector(t, 'Luis', team);
  const lines = [CSV_HEADER];
  for (let i = 1; i <= 12; i++) lines.push(accountLine(i, 'Centro', { dpd: String(i * 10) }));
  lines.push(accountLine(13, 'Centro', { dpd: '0' }));
  lines.push(accountLine(14, 'Centro', { balance: '0', dpd: '40' }));
  await postCsv(t, lines.join('\n'));
  accountIds = (await t.api('GET', '/api/accounts?limit=100')).body.accounts.map((a: { id: number }) => a.id);
});
afterAll(async () => t?.close());

const newVisit = async (date = '2026-12-01') => {
  const r = await t.api('POST', '/api/visits', { accountId: accountIds[0], date });
  expect(r.status).toBe(201);
  return r.body as { id: number; version: number; status: string; priority: number };
};

describe('visits', () => {
  it('generates a day from the portfolio: overdue accounts with money due, by priority, shared between collectors', async () => {
    const r = await t.api('POST', '/api/visits/generate', { date: '2026-11-24', teamId: team });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ date: '2026-11-24', created: 12, skippedNoLocation: 0, skippedCapacity: 0, alreadyPlanned: 0 });
    const priorities = r.body.visits.map((v: { priority: number }) => v.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(r.body.visits[0].accountName).toBe('Deudor 12');
    const per = (c: number) => r.body.visits.filter((v: { collectorId: number }) => v.collectorId === c).length;
    expect([per(ana), per(luis)]).toEqual([6, 6]);
    expect(r.body.visits.every((v: { status: string; date: string }) => v.status === 'assigned' && v.date === '2026-11-24')).toBe(true);
    // A second call that day finds nothing new to visit, and says why: every due account already has its visit.
    expect((await t.api('POST', '/api/visits/generate', { date: '2026-11-24', teamId: team })).body).toMatchObject({ created: 0, skippedNoLocation: 0, skippedCapacity: 0, alreadyPlanned: 12 });
  });

  it('caps each collector and says how many accounts wait', async () => {
    const r = await t.api('POST', '/api/visits/generate', { date: '2026-11-25', teamId: team, maxPerCollector: 4 });
    expect(r.body).toMatchObject({ created: 8, skippedCapacity: 4 });
  });

  it('lets one of two dispatchers reassigning the same visit at once win; the other gets a conflict naming the winner', async () => {
    const v = await newVisit();
    const [d1, d2] = await Promise.all([loginAs(t, 'dispatcher', team, 'Carmen Ruiz'), loginAs(t, 'dispatcher', team, 'Jorge Díaz')]);
    const [r1, r2] = await Promise.all([
      t.api('POST', `/api/visits/${v.id}/reassign`, { collectorId: ana, version: v.version }, d1),
      t.api('POST', `/api/visits/${v.id}/reassign`, { collectorId: luis, version: v.version }, d2),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const [won, lost] = r1.status === 200 ? [r1, r2] : [r2, r1];
    const winner = won === r1 ? 'Carmen Ruiz (dispatcher)' : 'Jorge Díaz (dispatcher)';
    expect(won.body).toMatchObject({ status: 'assigned', version: v.version + 1, updatedBy: winner });
    expect(lost.body.message).toMatch(new RegExp(`^visit ${v.id} was changed by ${winner.replace(/[()]/g, '\\$&')} at \\S+ \\(it is now version 2, your change was made on version 1\\); reload the visit and try again$`));
    // In the code a board already words for a plan change that lost the same race.
    expect(lost.body).toMatchObject({ reason: 'version', values: { visitId: v.id, version: 2 } });
    const now = await t.api('GET', `/api/visits/${v.id}`);
    expect(now.body.collectorId).toBe(won === r1 ? ana : luis);
  });

  it('walks the lifecycle and refuses moves it does not allow with a clear 409', async () => {
    const v = await newVisit('2026-12-02');
    expect(v.status).toBe('planned');
    const move = async (status: string, version: number) => t.api('POST', `/api/visits/${v.id}/status`, { status, version });
    expect((await move('en_route', 1)).body).toMatchObject({
      message: `visit ${v.id} is planned; it cannot become en_route (allowed: assigned, cancelled)`,
      reason: 'transition_not_allowed',
      values: { visitId: v.id, from: 'planned', to: 'en_route' },
    });
    expect((await move('assigned', 1)).body).toMatchObject({ message: `visit ${v.id} has no collector: reassign it to one instead`, reason: 'visit_has_no_collector', values: { visitId: v.id } });
    const a = await t.api('POST', `/api/visits/${v.id}/reassign`, { collectorId: ana, version: 1 });
    expect(a.body).toMatchObject({ status: 'assigned', version: 2 });
    expect((await move('en_route', 2)).body).toMatchObject({ status: 'en_route', version: 3 });
    expect((await move('arrived', 3)).body).toMatchObject({ status: 'arrived', version: 4 });
    // An outcome says how a visit ended: none for a cancelled one, and "absent" is a missed visit, not a completed one.
    const said = async (status: string, outcome: string) => (await t.api('POST', `/api/visits/${v.id}/status`, { status, version: 4, outcome })).body;
    expect(await said('cancelled', 'paid')).toMatchObject({ reason: 'outcome_not_for_status', values: { status: 'cancelled', outcome: 'paid' }, message: 'a visit cancelled has no outcome paid: paid ends a visit completed' });
    expect(await said('completed', 'absent')).toMatchObject({ reason: 'outcome_not_for_status', values: { status: 'completed', outcome: 'absent' } });
    expect(await said('missed', 'paid')).toMatchObject({ reason: 'outcome_not_for_status' });
    expect((await t.api('GET', `/api/visits/${v.id}`)).body).toMatchObject({ status: 'arrived', outcome: null, version: 4 });
    const done = await t.api('POST', `/api/visits/${v.id}/status`, { status: 'completed', version: 4, outcome: 'refused' });
    expect(done.body).toMatchObject({ status: 'completed', outcome: 'refused', version: 5 });
    const again = await t.api('POST', `/api/visits/${v.id}/cancel`, { version: 5 });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`visit ${v.id} is completed; it cannot become cancelled (completed is final)`);
    // As a plan change meeting a finished visit says it (plan-reassign.int.test.ts).
    expect((await t.api('POST', `/api/visits/${v.id}/reassign`, { collectorId: luis, version: 5 })).body).toMatchObject({
      message: `visit ${v.id} is completed; it can no longer be reassigned`,
      reason: 'closed',
    });
  });

  it('overrides the priority and returns to the computed one', async () => {
    const v = await newVisit('2026-12-03');
    const o = await t.api('PATCH', `/api/visits/${v.id}`, { version: 1, priority: 99, window: { start: '09:00', end: '12:30' }, serviceMinutes: 25 });
    expect(o.body).toMatchObject({ priority: 99, priorityOverride: true, window: { start: '09:00', end: '12:30' }, serviceMinutes: 25, version: 2 });
    const back = await t.api('PATCH', `/api/visits/${v.id}`, { version: 2, priority: null });
    expect(back.body).toMatchObject({ priority: v.priority, priorityOverride: false });
  });

  it('refuses a dispatcher of another team and a manager', async () => {
    const v = await newVisit('2026-12-04');
    const other = await createTeam(t, 'Poniente');
    const d = await loginAs(t, 'dispatcher', other, 'Despacho Poniente');
    // Another team's visit is as unknown to them as a missing one, as in their reads.
    expect((await t.api('POST', `/api/visits/${v.id}/cancel`, { version: 1 }, d)).status).toBe(404);
    const m = await loginAs(t, 'manager', null, 'Gerente');
    expect((await t.api('POST', `/api/visits/${v.id}/cancel`, { version: 1 }, m)).status).toBe(403);
    expect((await t.api('GET', `/api/visits?date=2026-12-04`, undefined, m)).body.visits).toHaveLength(1);
  });
});
