import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daytimeZone } from '../demo/demo-day.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { PlanOut } from '../contract/plan.ts';
import { createCollector, createTeam, loginAs } from '../operations/testing/fixtures.ts';
import { localDate } from './local-time.ts';

/**
 * A dispatcher moving a visit between two routes of today while both collectors' phones check in,
 * each at a visit of the other's route: the re-plan and the check-ins mark the same collector-days
 * for the metrics rollup (migration 0007) in opposite orders. With the day's marks just read away
 * by a metrics reader, PostgreSQL rolled the re-plan back as a deadlock's victim: a 500.
 */

const ZONE = daytimeZone();
const OFFICE = { lat: 20.6767, lon: -103.3475 };
const SOLVE = { iterations: 50, seed: 1 };
const VISITS = 40;

let t: TestServer;
let dispatcher: string;
let today: string;
const collectors: number[] = [];
const phones: MqttClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ TIME_ZONE: ZONE });
  const team = await createTeam(t, 'Centro');
  dispatcher = await loginAs(t, 'dispatcher', team, 'Dana Despacho');
  for (const name of ['ana', 'beto']) {
    const collectorId = await createCollector(t, name, team);
    collectors.push(collectorId);
    const dev = await t.createDevice(`${name}-phone`, collectorId);
    phones.push(await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: `${name}-phone`, password: dev.token, reconnectPeriod: 0 }));
  }
  expect((await t.api('PUT', `/api/plans/settings/teams/${team}`, { office: OFFICE, maxVisitsPerCollector: VISITS, evenShare: true }, dispatcher)).status).toBe(204);
  const lines = ['external_id,name,address,lat,lon,balance_due,days_past_due,team'];
  for (let i = 0; i < VISITS; i++) lines.push(`DL-${i},Deudor ${i},Calle ${i},${(OFFICE.lat + 0.0005 * (i % 5)).toFixed(6)},${(OFFICE.lon + 0.0005 * (i - VISITS / 2)).toFixed(6)},1000,30,Centro`);
  const res = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: lines.join('\n') + '\n' });
  expect(res.status).toBe(200);
  today = localDate(Date.now(), ZONE);
  for (const a of (await t.api('GET', '/api/accounts?limit=100')).body.accounts as { id: number }[]) {
    expect((await t.api('POST', '/api/visits', { accountId: a.id, date: today, serviceMinutes: 5 }, dispatcher)).status).toBe(201);
  }
  const planned = await t.api('POST', '/api/plans/optimize', { date: today, options: SOLVE }, dispatcher);
  expect(planned.status).toBe(200);
  expect(planned.body.unassigned).toEqual([]);
}, 120_000);

afterAll(async () => {
  for (const phone of phones) await phone.endAsync(true);
  await t?.close();
});

describe("a move on today's board while phones check in on both routes", () => {
  it('is stored or refused as a conflict, never a 500, round after round, with a metrics reader between rounds', async () => {
    const answers: number[] = [];
    for (let round = 0; ; round++) {
      // The wall's and the manager's figures read the day, which takes its marks away: the next writes mark it afresh.
      expect((await t.api('GET', `/api/metrics/summary?from=${today}&to=${today}&groupBy=total`)).status).toBe(200);
      const plan = (await t.api('GET', `/api/plans/${today}`, undefined, dispatcher)).body as PlanOut;
      const open = collectors.map((id) => plan.routes.find((r) => r.collectorId === id)!.stops.filter((s) => s.status === 'assigned'));
      if (open.some((stops) => stops.length < 2)) break;
      const from = round % 2;
      const moved = open[from][0];
      const ts = new Date(Date.now() - 60_000).toISOString();
      const [move] = await Promise.all([
        t.api('POST', `/api/plans/${today}/reassign`, { moves: [{ visitId: moved.visitId, toCollectorId: collectors[1 - from], version: moved.visitVersion }], options: SOLVE }, dispatcher),
        ...phones.map((phone, i) =>
          phone.publishAsync(`ronda/${i === 0 ? 'ana' : 'beto'}-phone/checkin`, JSON.stringify({ id: randomUUID(), visitId: open[1 - i][1].visitId, ts, ...OFFICE, outcome: 'absent' }), { qos: 1 }),
        ),
      ]);
      answers.push(move.status);
    }
    expect(answers.length).toBeGreaterThan(12);
    expect(answers.filter((s) => s !== 200 && s !== 409)).toEqual([]);
  }, 120_000);
});
