import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import type { TeamRows } from '../operations/missing-team.ts';
import { CSV_HEADER, accountLine, createCollector, createTeam, postCsv } from '../operations/testing/fixtures.ts';

/**
 * A write that found its team, then lost it to a DELETE /api/teams/{id} committing before the write
 * (team.int.test.ts races the two for real). Made certain here: a trigger deletes the team right
 * before the row naming it is written, and the row's foreign key refuses it. (The trigger's delete
 * goes back with the refused write: the team stays, unlike in the race.)
 */
let t: TestServer;
let stays: number;

beforeAll(async () => {
  t = await startTestServer();
  await sql`
    create function test_team_goes() returns trigger language plpgsql as $$
    begin
      delete from teams where id = new.team_id and name like 'Efímero%';
      return new;
    end $$`.execute(t.server.dbh.db);
  stays = await createTeam(t, 'Estable');
}, 60_000);
afterAll(async () => t?.close());

/** While `run` runs, a row of `table` naming a team called 'Efímero…' deletes that team first. */
async function whileTeamsGo(table: TeamRows, run: () => Promise<void>): Promise<void> {
  const db = t.server.dbh.db;
  await sql`create trigger test_team_goes before insert or update of team_id on ${sql.table(table)} for each row execute function test_team_goes()`.execute(db);
  try {
    await run();
  } finally {
    await sql`drop trigger test_team_goes on ${sql.table(table)}`.execute(db);
  }
}

let doomed = 0;
const doomedTeam = () => createTeam(t, `Efímero ${++doomed}`);
/** What a request a moment later would be told, and that it happened meanwhile. */
const gone = (teamId: number) => ({
  status: 404,
  body: { statusCode: 404, error: 'Not Found', message: `team ${teamId} does not exist: it was deleted meanwhile`, reason: 'team_not_found', values: { teamId } },
});

describe('a write naming a team deleted after the route found it', () => {
  it('adding or moving a collector: team_not_found, not an uncoded 409', async () => {
    await whileTeamsGo('collectors', async () => {
      const team = await doomedTeam();
      expect(await t.api('POST', '/api/collectors', { name: 'Tardío', teamId: team })).toEqual(gone(team));
      const mover = await createCollector(t, 'Viajero', stays);
      const moveTo = await doomedTeam();
      expect(await t.api('PATCH', `/api/collectors/${mover}`, { teamId: moveTo })).toEqual(gone(moveTo));
      expect((await t.api<{ collectors: { id: number; teamId: number }[] }>('GET', '/api/collectors')).body.collectors.find((c) => c.id === mover)?.teamId).toBe(stays);
    });
  });

  it('adding or moving a user', async () => {
    await whileTeamsGo('users', async () => {
      const team = await doomedTeam();
      const user = { name: 'Tarde', password: 'pw-123456', role: 'supervisor' };
      expect(await t.api('POST', '/api/users', { ...user, email: 'tarde@test.local', teamId: team })).toEqual(gone(team));
      const { id } = (await t.api<{ id: number }>('POST', '/api/users', { ...user, email: 'viaja@test.local', teamId: stays })).body;
      const moveTo = await doomedTeam();
      expect(await t.api('PATCH', `/api/users/${id}`, { teamId: moveTo })).toEqual(gone(moveTo));
      expect((await t.api<{ users: { id: number; teamId: number }[] }>('GET', '/api/users')).body.users.find((u) => u.id === id)?.teamId).toBe(stays);
    });
  });

  it("saving a team's plan settings or deviation rules", async () => {
    await whileTeamsGo('team_plan_settings', async () => {
      const team = await doomedTeam();
      expect(await t.api('PUT', `/api/plans/settings/teams/${team}`, { maxVisitsPerCollector: 12 })).toEqual(gone(team));
    });
    await whileTeamsGo('deviation_rules', async () => {
      const team = await doomedTeam();
      expect(await t.api('PATCH', `/api/teams/${team}/deviation-rules`, { offline: { minutes: 30 } })).toEqual(gone(team));
    });
  });

  it('importing accounts into it, named by the rows or as the file’s team, or moving an account to it', async () => {
    await whileTeamsGo('accounts', async () => {
      // The importer reads every team once, before its transaction: which one went, the foreign key's violation says.
      const named = await doomedTeam();
      const file = [CSV_HEADER, accountLine(1, 'Estable'), accountLine(2, `Efímero ${doomed}`)].join('\n');
      expect(await postCsv(t, file)).toEqual(gone(named));
      const asFiles = await doomedTeam();
      expect(await postCsv(t, [CSV_HEADER, accountLine(3, '')].join('\n'), `?teamId=${asFiles}`)).toEqual(gone(asFiles));
      // Nothing imported: the file goes whole or not at all.
      expect((await t.api<{ accounts: unknown[] }>('GET', '/api/accounts')).body.accounts).toEqual([]);

      expect((await postCsv(t, [CSV_HEADER, accountLine(4, 'Estable')].join('\n'))).body).toMatchObject({ imported: 1 });
      const account = (await t.api<{ accounts: { id: number }[] }>('GET', '/api/accounts')).body.accounts[0].id;
      const moveTo = await doomedTeam();
      expect(await t.api('PATCH', `/api/accounts/${account}`, { teamId: moveTo })).toEqual(gone(moveTo));
    });
  });
});
