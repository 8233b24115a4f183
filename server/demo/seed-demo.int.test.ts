import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { DEMO_COLLECTOR_LOGIN, DEMO_PASSWORD, seedDemo } from './seed-demo.ts';

let db: TestDatabase;
let t: TestServer | undefined;

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe("the demo's teams on a later start", () => {
  it("follow the zone the demo picks, unless someone gave a team a zone of its own", async () => {
    db = await createTestDatabase();
    t = await startTestServer({}, db);
    const kysely = t.server.dbh.db;
    const zones = async () => Object.fromEntries((await kysely.selectFrom('teams').select(['name', 'time_zone']).execute()).map((r) => [r.name, r.time_zone]));
    // Started in the evening: the demo picked a morning zone.
    await seedDemo(kysely, t.server.auth, 2, 'Etc/GMT-4', 'America/Mexico_City');
    expect(await zones()).toMatchObject({ Centro: 'Etc/GMT-4', Poniente: 'Etc/GMT-4' });
    await kysely.updateTable('teams').set({ time_zone: 'America/Bogota' }).where('name', '=', 'Poniente').execute();
    // Started again the next morning in Mexico City: back to the configured zone, except the team someone set.
    await seedDemo(kysely, t.server.auth, 2, 'America/Mexico_City', 'America/Mexico_City');
    expect(await zones()).toMatchObject({ Centro: 'America/Mexico_City', Poniente: 'America/Bogota' });
    // The first collector's own login, made once however often the demo starts.
    const logins = await kysely.selectFrom('users as u').innerJoin('collectors as c', 'c.id', 'u.collector_id').select(['u.email', 'u.role', 'c.external_id']).where('u.role', '=', 'collector').execute();
    expect(logins).toEqual([{ email: DEMO_COLLECTOR_LOGIN, role: 'collector', external_id: 'demo-col-001' }]);
    expect(await t.server.auth.login(DEMO_COLLECTOR_LOGIN, DEMO_PASSWORD)).toBeTruthy();
  });
});
