import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import type { EventOut } from '../contract/event.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { PositionWrite } from '../ingest/batch-writer.ts';
import { DeviationService } from './deviation.service.ts';
import { until } from '../../test/support/until.ts';

/** The service against a real database with its clock in the test's hands: what the day turning over does. */

const DAY = Date.UTC(2030, 2, 12);
const H = 3_600_000;
const LAT = 20.67;
const LON = -103.4;
const M_LAT = 111_195;

let tdb: TestDatabase;
let dbh: DbHandle;
let team: number;
let collector: number;
let device: number;

function fix(tsMs: number, northM: number): PositionWrite {
  return {
    deviceId: device, collectorId: collector, deviceTimeMs: tsMs, serverTimeMs: tsMs, lat: LAT + northM / M_LAT, lon: LON + 0.01, speedKph: null, courseDeg: null,
    altitudeM: null, accuracyM: null, batteryPct: null, satellites: null, valid: true, protocol: 'mqtt', attributesJson: '{}', segmentM: null, segmentS: null, moving: null,
  };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  dbh = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.databaseUrl ? null : tdb.dataDir, poolSize: 2 });
  await migrateToLatest(dbh.db);
  team = (await dbh.db.insertInto('teams').values({ name: 'Centro', time_zone: 'UTC' }).returning('id').executeTakeFirstOrThrow()).id;
  collector = (await dbh.db.insertInto('collectors').values({ name: 'Ana', team_id: team }).returning('id').executeTakeFirstOrThrow()).id;
  device = (await dbh.db.insertInto('devices').values({ unique_id: 'ana-phone', name: 'ana-phone', collector_id: collector, token_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await dbh?.close();
  await tdb?.drop();
});

describe('DeviationService and the calendar', () => {
  it("keeps a plan handed over before its team's first tick, and ends it when the team's day turns over", async () => {
    let clock = DAY + 10 * H;
    const emitted: EventOut[] = [];
    const service = new DeviationService({ db: dbh.db, log: pino({ level: 'silent' }), emit: (_team, e) => emitted.push(e), now: () => clock, tickMs: 10 });
    await service.start();
    service.setPlan({ collectorId: collector, teamId: team, shift: { startMs: DAY + 10 * H - 60_000, endMs: DAY + 18 * H }, route: [[LON, LAT], [LON + 0.02, LAT]], visits: [] });
    await new Promise((r) => setTimeout(r, 100));
    expect(service.engine.hasPlan(collector)).toBe(true);

    // Four minutes 300 m off the street: one off-route incident, still open.
    service.onPositionsCommitted(Array.from({ length: 9 }, (_, i) => fix(clock + i * 30_000, 300)));
    const opened = await until('off_route opened', () => emitted.find((e) => e.type === 'off_route'));
    expect(opened).toMatchObject({ collectorId: collector, openedAt: new Date(clock).toISOString(), closedAt: null });

    clock = DAY + 24 * H + 5 * 60_000;
    const closed = await until('off_route closed by the new day', () => emitted.find((e) => e.id === opened.id && e.closedAt !== null));
    expect(closed.details).toMatchObject({ closedBy: 'plan_removed' });
    expect(service.engine.hasPlan(collector)).toBe(false);
    await service.stop();
    const stored = await dbh.db.selectFrom('events').select(['id', 'closed_at']).execute();
    expect(stored).toEqual([{ id: opened.id, closed_at: new Date(DAY + 10 * H + 240_000) }]);
  });

  it("reads today's stored plan at start with each visit's current status: a visit paid before a restart is not skipped", async () => {
    const day = '2030-03-12';
    const visitOf = async (ext: string, status: 'completed' | 'assigned') => {
      const account = (await dbh.db.insertInto('accounts').values({ team_id: team, external_id: ext, name: ext, lat: LAT, lon: LON }).returning('id').executeTakeFirstOrThrow()).id;
      return (await dbh.db.insertInto('visits').values({ account_id: account, team_id: team, collector_id: collector, visit_date: day, priority: 50, status }).returning('id').executeTakeFirstOrThrow()).id;
    };
    const paid = await visitOf('RS-1', 'completed');
    const open = await visitOf('RS-2', 'assigned');
    const plan = (await dbh.db.insertInto('plans').values({ team_id: team, plan_date: day, version: 1, kind: 'optimize', provider: 'haversine', created_by: 't', unassigned: '[]' }).returning('id').executeTakeFirstOrThrow()).id;
    // Stored when both were still to visit.
    const stop = (visitId: number, sequence: number) => ({ visitId, sequence, lat: LAT, lon: LON + sequence * 0.01, status: 'assigned', window: null, distanceM: 1000 });
    const route = { collectorId: collector, startKind: 'office', start: { lat: LAT, lon: LON, at: new Date(DAY + 8 * H).toISOString() }, end: { lat: LAT, lon: LON, at: new Date(DAY + 12 * H).toISOString() },
      shiftEndAt: new Date(DAY + 18 * H).toISOString(), stops: [stop(paid, 1), stop(open, 2)], distanceM: 3000, polyline: '' };
    await dbh.db.insertInto('plan_routes').values({ plan_id: plan, collector_id: collector, route: JSON.stringify(route) }).execute();

    const emitted: EventOut[] = [];
    const service = new DeviationService({ db: dbh.db, log: pino({ level: 'silent' }), emit: (_team, e) => emitted.push(e), now: () => DAY + 9 * H });
    await service.start();
    service.tick(DAY + 18 * H + 60_000);
    await service.stop();
    expect(emitted.filter((e) => e.type === 'visit_skipped').map((e) => e.visitId)).toEqual([open]);
  });

  it("keeps a team's rules across restarts, completed with the defaults", async () => {
    const first = new DeviationService({ db: dbh.db, log: pino({ level: 'silent' }), emit: () => undefined });
    await first.start();
    await first.updateRules(team, { offline: { minutes: 25 }, speeding: { enabled: false } }, 'Sara Supervisor (supervisor)');
    await first.stop();
    const second = new DeviationService({ db: dbh.db, log: pino({ level: 'silent' }), emit: () => undefined });
    await second.start();
    const rules = second.rulesOf(team);
    await second.stop();
    expect(rules.offline).toEqual({ enabled: true, minutes: 25 });
    expect(rules.speeding).toMatchObject({ enabled: false, limitKph: 80 });
    expect(rules.offRoute).toEqual({ enabled: true, corridorM: 100, hysteresisM: 20, openAfterS: 120, closeAfterS: 60 });
    const row = await dbh.db.selectFrom('deviation_rules').select('updated_by').where('team_id', '=', team).executeTakeFirstOrThrow();
    expect(row.updated_by).toBe('Sara Supervisor (supervisor)');
  });
});
