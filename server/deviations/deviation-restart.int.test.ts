import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import type { EventOut } from '../contract/event.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { PositionWrite } from '../ingest/batch-writer.ts';
import { encodePolyline } from '../routing/geometry/polyline.ts';
import { DeviationService } from './deviation.service.ts';
import { acknowledgeEvent } from './event.repository.ts';

/**
 * A restart (a deploy, a crash) between an incident's open and its close: the instance that comes
 * up carries on what the stopped one left open, and closes what nobody watches any more.
 */

const DAY = Date.UTC(2030, 2, 12);
const DATE = '2030-03-12';
const H = 3_600_000;
const LAT = 20.67;
const LON = -103.4;
const M_LAT = 111_195;

let tdb: TestDatabase;
let dbh: DbHandle;
let team: number;

beforeAll(async () => {
  tdb = await createTestDatabase();
  dbh = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.databaseUrl ? null : tdb.dataDir, poolSize: 2 });
  await migrateToLatest(dbh.db);
  team = (await dbh.db.insertInto('teams').values({ name: 'Centro', time_zone: 'America/Mexico_City' }).returning('id').executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await dbh?.close();
  await tdb?.drop();
});

async function collectorWithPhone(name: string): Promise<{ collector: number; device: number }> {
  const collector = (await dbh.db.insertInto('collectors').values({ name, team_id: team }).returning('id').executeTakeFirstOrThrow()).id;
  const device = (await dbh.db.insertInto('devices').values({ unique_id: `${name}-phone`, name, collector_id: collector, token_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
  return { collector, device };
}

let versions = 0;

/** Today's stored plan (a new version): each collector drives east along one street, 8:00 to 18:00 UTC, no visits. */
async function storePlan(collectors: number[]): Promise<void> {
  const plan = (await dbh.db.insertInto('plans').values({ team_id: team, plan_date: DATE, version: ++versions, kind: 'optimize', provider: 'haversine', created_by: 't', unassigned: '[]' }).returning('id').executeTakeFirstOrThrow()).id;
  for (const collectorId of collectors) {
    const route = {
      collectorId, startKind: 'office', start: { lat: LAT, lon: LON, at: new Date(DAY + 8 * H).toISOString() }, end: { lat: LAT, lon: LON + 0.02, at: new Date(DAY + 17 * H).toISOString() },
      shiftEndAt: new Date(DAY + 18 * H).toISOString(), stops: [], distanceM: 2100, polyline: encodePolyline([[LON, LAT], [LON + 0.02, LAT]]),
    };
    await dbh.db.insertInto('plan_routes').values({ plan_id: plan, collector_id: collectorId, route: JSON.stringify(route) }).execute();
  }
}

/** Fixes every 30 s, `northM` metres north of the street (the corridor is 100 m). */
function fixes(p: { collector: number; device: number }, fromMs: number, n: number, northM: number): PositionWrite[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: p.device, collectorId: p.collector, deviceTimeMs: fromMs + i * 30_000, serverTimeMs: fromMs + i * 30_000, lat: LAT + northM / M_LAT, lon: LON + 0.005 + i * 0.0001,
    speedKph: null, courseDeg: null, altitudeM: null, accuracyM: null, batteryPct: null, satellites: null, valid: true, protocol: 'mqtt', attributesJson: '{}', segmentM: null, segmentS: null, moving: null,
  }));
}

function instance(streamed: EventOut[], nowMs: number): DeviationService {
  return new DeviationService({ db: dbh.db, log: pino({ level: 'silent' }), emit: (_t, e) => streamed.push(e), now: () => nowMs, tickMs: 3_600_000 });
}

describe('deviation incidents across a restart', () => {
  it("carries on an off_route incident the stopped instance left open: no second one while it goes on, the same row (acknowledged) closes when the collector is back", async () => {
    const ana = await collectorWithPhone('ana');
    await storePlan([ana.collector]);
    const before: EventOut[] = [];
    const first = instance(before, DAY + 10 * H);
    await first.start();
    first.onPositionsCommitted(fixes(ana, DAY + 10 * H, 9, 300));
    await first.flushed();
    const opened = before.find((e) => e.type === 'off_route')!;
    expect(opened).toMatchObject({ collectorId: ana.collector, openedAt: new Date(DAY + 10 * H).toISOString(), closedAt: null });
    await acknowledgeEvent(dbh.db, opened.id, 'Sara Supervisor');
    await first.stop();

    const after: EventOut[] = [];
    const second = instance(after, DAY + 10 * H + 10 * 60_000);
    await second.start();
    // Still 300 m off for five more minutes: nothing new.
    second.onPositionsCommitted(fixes(ana, DAY + 10 * H + 10 * 60_000, 10, 300));
    await second.flushed();
    expect(after).toEqual([]);
    // Back on the street for two minutes: the incident the first instance opened ends there.
    const back = DAY + 10 * H + 15 * 60_000;
    second.onPositionsCommitted(fixes(ana, back, 5, 0));
    await second.stop();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: opened.id, type: 'off_route', closedAt: new Date(back).toISOString(), acknowledgedBy: 'Sara Supervisor', details: { maxDistanceM: 300 } });
    const rows = await dbh.db.selectFrom('events').select(['id', 'closed_at']).where('collector_id', '=', ana.collector).execute();
    expect(rows).toEqual([{ id: opened.id, closed_at: new Date(back) }]);
  });

  it("closes at start what nobody carries on: yesterday's long stop at yesterday's last report, an incident of a rule turned off since", async () => {
    const beto = await collectorWithPhone('beto');
    const caro = await collectorWithPhone('caro');
    await storePlan([caro.collector]);
    await dbh.db.insertInto('deviation_rules').values({ team_id: team, rules: JSON.stringify({ speeding: { enabled: false } }), updated_by: 't' }).execute();
    const leftOpen = async (collectorId: number, type: 'long_stop' | 'speeding', openedMs: number) =>
      (await dbh.db.insertInto('events').values({ type, severity: 'warning', team_id: team, collector_id: collectorId, opened_at: new Date(openedMs), details: JSON.stringify({ lat: LAT, lon: LON }) }).returning('id').executeTakeFirstOrThrow()).id;
    const report = (p: { collector: number; device: number }, ms: number) =>
      dbh.db.insertInto('positions').values({ device_id: p.device, collector_id: p.collector, device_time: new Date(ms), server_time: new Date(ms), lat: LAT, lon: LON, valid: true, protocol: 'mqtt', attributes: '{}' }).execute();
    // Yesterday (local, UTC−6) Beto stopped at 15:00 and reported until 17:00; this morning he reported at 9:00.
    const yesterday = DAY - 24 * H;
    const stop = await leftOpen(beto.collector, 'long_stop', yesterday + 21 * H);
    await report(beto, yesterday + 23 * H);
    await report(beto, DAY + 15 * H);
    const speeding = await leftOpen(caro.collector, 'speeding', DAY + 14 * H);
    await report(caro, DAY + 14.5 * H);

    const streamed: EventOut[] = [];
    const starting = instance(streamed, DAY + 16 * H);
    await starting.start();
    await starting.stop();
    const closed = await dbh.db.selectFrom('events').select(['id', 'closed_at', 'details']).where('id', 'in', [stop, speeding]).orderBy('id').execute();
    expect(closed.map((e) => ({ id: e.id, closedAt: e.closed_at, closedBy: (e.details as { closedBy?: string }).closedBy }))).toEqual([
      { id: stop, closedAt: new Date(yesterday + 23 * H), closedBy: 'not_watched' },
      { id: speeding, closedAt: new Date(DAY + 14.5 * H), closedBy: 'not_watched' },
    ]);
    expect(streamed.map((e) => e.id).sort()).toEqual([stop, speeding].sort());
  });
});
