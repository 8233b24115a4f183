import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { until } from '../../test/support/until.ts';
import type { PhonePlan } from '../contract/plan.ts';
import { createCollector, createTeam } from '../operations/testing/fixtures.ts';
import { localDate } from './local-time.ts';

let db: TestDatabase;
let t: TestServer | undefined;

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

/** The plans a phone receives on its plan topic within a moment of subscribing. */
async function plansReceived(server: TestServer, uniqueId: string, token: string): Promise<PhonePlan[]> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.server.ports.mqtt}`, { username: uniqueId, password: token, reconnectPeriod: 0, clean: true });
  const plans: PhonePlan[] = [];
  client.on('message', (_topic, payload) => plans.push(JSON.parse(payload.toString())));
  await client.subscribeAsync(`ronda/${uniqueId}/plan`, { qos: 1 });
  await until('a plan', () => plans.length > 0, 3000).catch(() => undefined);
  await client.endAsync();
  return plans;
}

describe("a phone's retained plan of the day", () => {
  it('reaches a phone registered after the plan was made, and every phone after a restart', async () => {
    db = await createTestDatabase();
    t = await startTestServer({}, db);
    const team = await createTeam(t, 'Centro');
    const ana = await createCollector(t, 'Ana', team);
    const csv = 'external_id,name,address,lat,lon,balance_due,days_past_due,team\nRT-1,Rosa Díaz,Av. Juárez 100,20.6767,-103.3475,900,30,Centro\n';
    await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
    const accountId = (await t.api('GET', '/api/accounts?search=RT-1')).body.accounts[0].id;
    const today = localDate(Date.now(), 'America/Mexico_City');
    expect((await t.api('POST', '/api/visits', { accountId, date: today })).status).toBe(201);
    const plan = await t.api('POST', '/api/plans/optimize', { date: today, teamId: team, options: { iterations: 10, seed: 1 } });
    expect(plan.status).toBe(200);
    const visitIds = plan.body.routes.find((r: { collectorId: number }) => r.collectorId === ana).stops.map((s: { visitId: number }) => s.visitId);
    expect(visitIds).toHaveLength(1);

    const phone = await t.createDevice('ana-new-phone', ana);
    const first = await plansReceived(t, 'ana-new-phone', phone.token);
    expect(first.map((p) => [p.version, p.date, p.visits.map((v) => v.visitId)])).toEqual([[1, today, visitIds]]);

    await t.close();
    t = await startTestServer({}, db);
    const again = await until('the plan after a restart', async () => {
      const received = await plansReceived(t!, 'ana-new-phone', phone.token);
      return received.length ? received : undefined;
    });
    expect(again.map((p) => [p.version, p.date, p.visits.map((v) => v.visitId)])).toEqual([[1, today, visitIds]]);
  });
});
