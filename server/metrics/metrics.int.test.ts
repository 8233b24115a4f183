import { randomUUID } from 'node:crypto';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { MetricsResponse, type CollectorDayMetrics, type MetricsSummaryResponse } from '../contract/metrics.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';
import { DAY, TIME_ZONE, expectedFigures, seedMetricsScenario, type MetricsScenario } from './testing/metrics-scenario.ts';
import { localIso } from '../plans/local-time.ts';

let t: TestServer;
let s: MetricsScenario;
let otherTeam: number;

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE });
  s = await seedMetricsScenario(t);
  // Another team's collector with a visit the same day: outside a team filter and a team manager's view.
  otherTeam = await createTeam(t, 'Sur');
  const other = await createCollector(t, 'Otro Cobrador', otherTeam);
  await t.server.dbh.db.insertInto('accounts').values({ team_id: otherTeam, external_id: 'SUR-1', name: 'Sur Uno', installment_amount: 999 }).execute();
  const account = await t.server.dbh.db.selectFrom('accounts').select('id').where('external_id', '=', 'SUR-1').executeTakeFirstOrThrow();
  expect((await t.api('POST', '/api/visits', { accountId: account.id, date: DAY, collectorId: other })).status).toBe(201);
}, 60_000);
afterAll(async () => t?.close());

const metrics = async (query: string, token?: string) => t.api<MetricsResponse>('GET', `/api/metrics/collectors?${query}`, undefined, token);
const rowOf = (rows: CollectorDayMetrics[], collectorId: number) => rows.find((r) => r.collectorId === collectorId);

describe('manager metrics for a seeded day', () => {
  it('every figure equals the hand computation from the raw rows', async () => {
    const r = await metrics(`from=${DAY}&to=${DAY}&teamId=${s.teamId}`);
    expect(r.status).toBe(200);
    expect(r.body.currency).toBe('MXN');
    const raw = await fetch(`${t.baseUrl}/api/metrics/collectors?from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(raw.headers.get('server-timing')).toMatch(/^db;dur=\d+(\.\d)?$/);
    // The answer's JSON is written by the database (collectorDayMetricsJson): it must still be the contract's shape.
    if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', (v) => /^\d{4}-\d{2}-\d{2}$/.test(v));
    if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)) && v.endsWith('Z'));
    const body = await raw.json();
    expect([...Value.Errors(MetricsResponse, body)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    expect(r.body.rows.map((x) => x.collectorId).sort()).toEqual([s.rosa, s.luis].sort());
    const want = expectedFigures(s);
    const norte = { teamId: s.teamId, teamName: 'Norte', day: DAY, timeZone: TIME_ZONE };
    expect(rowOf(r.body.rows, s.rosa)).toEqual({ collectorId: s.rosa, collectorName: 'Rosa Díaz', ...norte, ...want.rosa });
    expect(rowOf(r.body.rows, s.luis)).toEqual({ collectorId: s.luis, collectorName: 'Luis Ortega', ...norte, ...want.luis });
  });

  it('planned km leave out a visit a later plan version cancelled', async () => {
    const first = s.firstPlan.routes.find((r) => r.collectorId === s.rosa)!.distanceM;
    const latest = s.latestPlan.routes.find((r) => r.collectorId === s.rosa)!.distanceM;
    // Cancelling Elena's visit shortened Rosa's route; otherwise this test could not tell the versions apart.
    expect(s.latestPlan.version).toBe(s.firstPlan.version + 1);
    expect(latest).toBeLessThan(first);
    const row = rowOf((await metrics(`from=${DAY}&to=${DAY}&collectorId=${s.rosa}`)).body.rows, s.rosa)!;
    expect(row.plannedKm).toBe(Math.round(latest / 10) / 100);
  });

  it('filters by team and collector; a supervisor sees only their team, a collector only themself (api/collector-day.int.test.ts)', async () => {
    const all = (await metrics(`from=${DAY}&to=${DAY}`)).body.rows;
    expect(all.some((r) => r.teamId === otherTeam)).toBe(true);
    expect((await metrics(`from=${DAY}&to=${DAY}&collectorId=${s.luis}`)).body.rows.map((r) => r.collectorId)).toEqual([s.luis]);
    const supervisor = await loginAs(t, 'supervisor', s.teamId, 'Sara Supervisor');
    const scoped = (await metrics(`from=${DAY}&to=${DAY}`, supervisor)).body.rows;
    expect(new Set(scoped.map((r) => r.teamId))).toEqual(new Set([s.teamId]));
    expect((await metrics(`from=${DAY}&to=${DAY}&teamId=${otherTeam}`, supervisor)).status).toBe(403);
    // A collector login that is no collector of the team's sees no one.
    expect((await metrics(`from=${DAY}&to=${DAY}`, await loginAs(t, 'collector', s.teamId, 'Rosa Login'))).body.rows).toEqual([]);
  });

  it('days outside the range have no rows; a reversed or over-long range is a clear 400', async () => {
    expect((await metrics('from=2026-11-21&to=2026-11-30')).body.rows).toEqual([]);
    const reversed = await metrics(`from=2026-11-21&to=${DAY}`);
    expect(reversed.status).toBe(400);
    expect((reversed.body as unknown as { message: string }).message).toMatch(/from must not be after to/);
    expect((await metrics('from=2025-01-01&to=2026-11-20')).status).toBe(400);
    expect((await metrics('from=yesterday&to=2026-11-20')).status).toBe(400);
  });

  it('the CSV export carries the same figures, one line per collector and day', async () => {
    const res = await fetch(`${t.baseUrl}/api/metrics/collectors.csv?from=${DAY}&to=${DAY}&teamId=${s.teamId}`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ronda-metrics-${DAY}-${DAY}-MXN.csv"`);
    // UTF-8 with its byte-order mark: Excel opens "Rosa Díaz" as such, not as "Rosa DÃ­az".
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    const cols = header.split(',');
    expect(lines).toHaveLength(2);
    const rosa = Object.fromEntries(lines.map((l) => l.split(',')).find((f) => f[cols.indexOf('collectorName')] === 'Rosa Díaz')!.map((v, i) => [cols[i], v]));
    const want = expectedFigures(s).rosa;
    expect(rosa).toMatchObject({
      day: DAY,
      drivenKm: String(want.drivenKm),
      plannedKm: String(want.plannedKm),
      visitsCompleted: '3',
      effectiveRate: '0.6667',
      currency: 'MXN',
      collected: '600',
      promised: '600',
      due: '1450',
      avgVisitMin: '8.3',
      idleMin: '15',
      // 09:00 in the team's zone, written as such.
      firstReport: localIso(Date.parse(want.firstReport!), TIME_ZONE),
    });
    expect(rosa.firstReport).toMatch(/T09:00:00-06:00$/);
  });

  it('the summary sums the same collector-days per team, collector, day and in total, rounded once', async () => {
    const summary = async (groupBy: string, range = `from=${DAY}&to=${DAY}`) =>
      t.api<MetricsSummaryResponse>('GET', `/api/metrics/summary?${range}&teamId=${s.teamId}&groupBy=${groupBy}`);
    const distance = (id: number) => s.latestPlan.routes.find((r) => r.collectorId === id)!.distanceM;
    // The team by hand: both collectors' figures in the file header, added up.
    const team = {
      day: DAY, teamName: 'Norte', timeZone: TIME_ZONE, collectors: 2,
      plannedKm: Math.round((distance(s.rosa) + distance(s.luis)) / 10) / 100,
      drivenKm: 5.67, visitsPlanned: 4 + 1, visitsCompleted: 3 + 1, visitsWithPayment: 2 + 1, effectiveRate: 0.75,
      collected: 600 + 200, promised: 600, due: 1450 + 200, timedVisits: 3, onSiteMin: 25, avgVisitMin: 8.3, idleMin: 15, movingMin: 17,
      firstReport: '2026-11-20T15:00:00.000Z', lastReport: '2026-11-20T15:57:00.000Z',
    };
    const byTeam = await summary('team');
    expect(byTeam.status).toBe(200);
    expect(byTeam.body.rows).toEqual([{ key: `t${s.teamId}`, label: 'Norte', ...team }]);
    expect((await summary('total')).body.rows).toEqual([{ key: 'total', label: null, ...team }]);
    expect((await summary('day')).body.rows).toEqual([{ key: DAY, label: DAY, ...team }]);
    const byCollector = (await summary('collector')).body.rows;
    expect(byCollector.map((r) => [r.key, r.label, r.collected, r.avgVisitMin])).toEqual([[`c${s.luis}`, 'Luis Ortega', 200, null], [`c${s.rosa}`, 'Rosa Díaz', 600, 8.3]]);
    // Nothing in the range: counts are zeros; money, like the ratios, has no figure (no amount in any currency).
    const empty = (await summary('total', 'from=2026-12-01&to=2026-12-02')).body.rows;
    expect(empty).toMatchObject([{ key: 'total', collectors: 0, drivenKm: 0, visitsPlanned: 0, collected: null, effectiveRate: null, plannedKm: null, firstReport: null }]);
    expect((await t.api('GET', `/api/metrics/summary?from=${DAY}&to=${DAY}&groupBy=week`)).status).toBe(400);
  });

  it('a write after a read shows on the next read, whoever made it', async () => {
    const read = async () => rowOf((await metrics(`from=${DAY}&to=${DAY}&collectorId=${s.luis}`)).body.rows, s.luis)!;
    const before = await read();
    // Luis's phone syncs a second payment for Félix's visit a week late.
    const late = await t.api('POST', '/api/payments', { id: randomUUID(), visitId: s.visits.get('MET-FELIX'), ts: '2026-11-20T17:30:00Z', amount: 50, currency: 'MXN', method: 'cash' });
    expect(late.status).toBe(201);
    // Someone corrects Félix's installment straight in the database.
    await t.server.dbh.db.updateTable('accounts').set({ installment_amount: 260 }).where('id', '=', s.accounts.get('MET-FELIX')!).execute();
    const after = await read();
    expect(after.collected).toBe(before.collected! + 50);
    expect(after.due).toBe(260);
    expect(after.visitsWithPayment).toBe(1); // still one visit, now with two payments
  });

  it('a collector with two devices drove once: distance from the one that saw the most, first report from either', async () => {
    const read = async () => rowOf((await metrics(`from=${DAY}&to=${DAY}&collectorId=${s.rosa}`)).body.rows, s.rosa)!;
    const before = await read();
    // A tracker in Rosa's car reports three fixes at the office before her phone starts, 08:55–08:57, 300 m apart.
    const tracker = await t.createDevice('rosa-tracker', s.rosa);
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'rosa-tracker', password: tracker.token });
    const fixes = [0, 1, 2].map((i) => ({ ts: Date.parse('2026-11-20T14:55:00Z') + i * 60_000, lat: 20.64 + i * 0.0027, lon: -103.35, speed: 15 }));
    await c.publishAsync('ronda/rosa-tracker/position', JSON.stringify(fixes), { qos: 1 });
    await c.endAsync();
    const after = await read();
    expect(after.drivenKm).toBe(before.drivenKm); // the phone's 58 fixes, not the tracker's 3
    expect(after.movingMin).toBe(before.movingMin);
    expect(after.firstReport).toBe('2026-11-20T14:55:00.000Z');
    expect(after.lastReport).toBe(before.lastReport);
  });

  it('a collector parked ten minutes at a visit drove nothing, however the phone scatters; the drive after counts its 2 km', async () => {
    const team = await createTeam(t, 'Oeste');
    const paula = await createCollector(t, 'Paula Reyes', team);
    const phone = await t.createDevice('paula-phone', paula);
    // 600 fixes once a second scattered ±9 m around her car (reported speed 0), then 240 s north at 30 km/h.
    let seed = 1;
    const uniform = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const scatter = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) * 9 / 111_195;
    const start = Date.parse(`${DAY}T16:00:00Z`);
    const fixes = Array.from({ length: 841 }, (_, s) => {
      const north = s < 600 ? 0 : ((s - 600) * 30) / 3.6;
      return { ts: start + s * 1000, lat: 20.65 + north / 111_195 + scatter(), lon: -103.35 + scatter(), speed: s < 600 ? 0 : 30, accuracy: 9 };
    });
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'paula-phone', password: phone.token });
    await c.publishAsync('ronda/paula-phone/position', JSON.stringify(fixes.slice(0, 600)), { qos: 1 });
    const parked = rowOf((await metrics(`from=${DAY}&to=${DAY}&collectorId=${paula}`)).body.rows, paula)!;
    expect(parked.drivenKm).toBe(0);
    expect(parked.movingMin).toBe(0);
    await c.publishAsync('ronda/paula-phone/position', JSON.stringify(fixes.slice(600)), { qos: 1 });
    await c.endAsync();
    const after = rowOf((await metrics(`from=${DAY}&to=${DAY}&collectorId=${paula}`)).body.rows, paula)!;
    // Within 10 % at this poor accuracy (the scatter across 36 m chords still adds a little). Summed fix to fix, the parked ten minutes alone made 9.1 km.
    expect(after.drivenKm).toBeGreaterThan(1.9);
    expect(after.drivenKm).toBeLessThan(2.2);
    expect(after.movingMin).toBeCloseTo(4, 1);
  });

  it("cuts each collector's day in their team's time zone, and re-cuts it when the zone changes", async () => {
    // Tijuana is UTC−8 in November, two hours behind the server's Mexico City: 23:30 there is 01:30 of the next day here.
    const team = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Pacífico', timeZone: 'America/Tijuana' });
    expect(team.status).toBe(201);
    const ines = await createCollector(t, 'Inés Tijuana', team.body.id);
    const phone = await t.createDevice('ines-phone', ines);
    await t.server.dbh.db.insertInto('accounts').values({ team_id: team.body.id, external_id: 'PAC-1', name: 'Pac Uno', installment_amount: 300 }).execute();
    const account = await t.server.dbh.db.selectFrom('accounts').select('id').where('external_id', '=', 'PAC-1').executeTakeFirstOrThrow();
    const visit = await t.api<{ id: number }>('POST', '/api/visits', { accountId: account.id, date: DAY, collectorId: ines });
    expect(visit.status).toBe(201);
    const tijuana = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00-08:00`);
    // 23:30–23:50 local, one fix a minute northward, 0.001° (111 m) each.
    const fixes = Array.from({ length: 21 }, (_, i) => ({ ts: tijuana('23:30') + i * 60_000, lat: 32.5 + i * 0.001, lon: -117.0, speed: 7 }));
    const mq = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'ines-phone', password: phone.token });
    await mq.publishAsync('ronda/ines-phone/position', JSON.stringify(fixes), { qos: 1 });
    await mq.endAsync();
    const at = new Date(tijuana('23:45')).toISOString();
    expect((await t.api('POST', '/api/checkins', { id: randomUUID(), visitId: visit.body.id, ts: at, lat: 32.52, lon: -117.0, outcome: 'paid' })).status).toBe(201);
    expect((await t.api('POST', '/api/payments', { id: randomUUID(), visitId: visit.body.id, ts: at, amount: 300, currency: 'MXN', method: 'cash' })).status).toBe(201);

    const day = async (date: string) => rowOf((await metrics(`from=${date}&to=${date}&collectorId=${ines}`)).body.rows, ines);
    const next = '2026-11-21';
    expect(await day(DAY)).toMatchObject({ visitsCompleted: 1, visitsWithPayment: 1, collected: 300, drivenKm: 2.22, firstReport: new Date(tijuana('23:30')).toISOString() });
    expect(await day(next)).toBeUndefined();
    // Each row names the zone its times read in (the dashboard shows them so); a sum over two zones names none.
    expect(await day(DAY)).toMatchObject({ timeZone: 'America/Tijuana' });
    const summary = async (query: string) => (await t.api<MetricsSummaryResponse>('GET', `/api/metrics/summary?from=${DAY}&to=${DAY}${query}`)).body.rows;
    expect(await summary(`&groupBy=team&teamId=${team.body.id}`)).toMatchObject([{ teamName: 'Pacífico', timeZone: 'America/Tijuana' }]);
    expect(await summary('&groupBy=total')).toMatchObject([{ timeZone: null }]);

    // The team turns out to work on Mexico City time: the same payment and trail now fall on the 21st there.
    const moved = await t.api<{ timeZone: string }>('PATCH', `/api/teams/${team.body.id}`, { timeZone: 'America/Mexico_City' });
    expect(moved.status).toBe(200);
    expect(moved.body.timeZone).toBe('America/Mexico_City');
    expect(await day(DAY)).toMatchObject({ visitsCompleted: 1, visitsWithPayment: 1, collected: 0, drivenKm: 0, firstReport: null });
    expect(await day(next)).toMatchObject({ visitsCompleted: 0, collected: 300, drivenKm: 2.22 });
  });

  it('never adds pesos to dollars: money is read in one currency at a time, the team\'s by default', async () => {
    const summary = async (query: string) => t.api<MetricsSummaryResponse>('GET', `/api/metrics/summary?from=${DAY}&to=${DAY}&groupBy=total${query}`);
    const pesosBefore = (await summary('')).body.rows[0];
    const team = await t.api<{ id: number }>('POST', '/api/teams', { name: 'Frontera', currency: 'USD' });
    expect(team.status).toBe(201);
    const beto = await createCollector(t, 'Beto Frontera', team.body.id);
    await t.server.dbh.db.insertInto('accounts').values({ team_id: team.body.id, external_id: 'FRO-1', name: 'Fro Uno', installment_amount: 80, currency: 'USD' }).execute();
    const account = await t.server.dbh.db.selectFrom('accounts').select('id').where('external_id', '=', 'FRO-1').executeTakeFirstOrThrow();
    const visit = await t.api<{ id: number }>('POST', '/api/visits', { accountId: account.id, date: DAY, collectorId: beto });
    expect((await t.api('POST', '/api/payments', { id: randomUUID(), visitId: visit.body.id, ts: `${DAY}T18:00:00Z`, amount: 75, currency: 'USD', method: 'cash' })).status).toBe(201);

    // All teams: the server's pesos, the dollars one query away; the visit counts whatever the currency.
    const pesos = await summary('');
    expect(pesos.body).toMatchObject({ currency: 'MXN', currencies: ['MXN', 'USD'] });
    expect(pesos.body.rows[0]).toMatchObject({ collected: pesosBefore.collected, due: pesosBefore.due, visitsPlanned: pesosBefore.visitsPlanned + 1 });
    expect((await summary('&currency=USD')).body.rows[0]).toMatchObject({ collected: 75, due: 80, promised: 0 });
    // A peso collector read in dollars has no amount, which is not "owes USD 0".
    const inDollars = (await metrics(`from=${DAY}&to=${DAY}&currency=USD`)).body.rows;
    expect(rowOf(inDollars, s.rosa)).toMatchObject({ visitsCompleted: 3, collected: null, promised: null, due: null });
    expect(rowOf(inDollars, beto)).toMatchObject({ collected: 75, due: 80 });
    // One team: its own currency without asking.
    const frontera = await summary(`&teamId=${team.body.id}`);
    expect(frontera.body).toMatchObject({ currency: 'USD', currencies: ['USD'] });
    expect(frontera.body.rows[0]).toMatchObject({ collected: 75, due: 80 });
    const csv = await fetch(`${t.baseUrl}/api/metrics/collectors.csv?from=${DAY}&to=${DAY}&teamId=${team.body.id}`, { headers: { authorization: `Bearer ${t.token}` } });
    const [header, line] = (await csv.text()).trim().split('\r\n');
    const row = Object.fromEntries(line.split(',').map((v, i) => [header.split(',')[i], v]));
    expect(row).toMatchObject({ collectorName: 'Beto Frontera', currency: 'USD', collected: '75', due: '80' });
    expect((await summary('&currency=usd')).status).toBe(400);

    // The account turns out to be kept in pesos: its installment moves to the peso figures on the next read.
    await t.server.dbh.db.updateTable('accounts').set({ currency: 'MXN' }).where('id', '=', account.id).execute();
    expect((await summary('')).body.rows[0]).toMatchObject({ due: pesosBefore.due! + 80, collected: pesosBefore.collected });
    expect((await summary('&currency=USD')).body.rows[0]).toMatchObject({ collected: 75, due: 0 });
  });
});
