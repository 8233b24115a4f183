import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import type { EventOut } from '../contract/event.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { recordCheckin } from '../operations/checkin.service.ts';
import { cancelVisit, patchVisit, reassignVisit } from '../operations/visit.service.ts';
import type { Actor } from '../operations/actor.ts';
import type { DeviationNotice } from './deviation-notices-redis.ts';
import { DeviationService } from './deviation.service.ts';
import { dwellTrack } from './testing/dwell-track.ts';

/**
 * Two instances' deviation services on one database (SPEC §8), their notices handed straight from
 * one to the other (deviation-notices-redis.ts carries them between processes; see
 * test/scale-out-deviations.int.test.ts): what one hears of visits and check-ins changed through
 * the other, and the one `offline` event they store between them.
 */

const DAY = Date.UTC(2030, 2, 12);
const DATE = '2030-03-12';
const H = 3_600_000;
const LAT = 20.67;
const LON = -103.4;
const SYSTEM: Actor = { kind: 'system', label: 'test' };

let tdb: TestDatabase;
let dbh: DbHandle;
let team: number;
let device: number;
const running: DeviationService[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  dbh = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.databaseUrl ? null : tdb.dataDir, poolSize: 4 });
  await migrateToLatest(dbh.db);
  team = (await dbh.db.insertInto('teams').values({ name: 'Centro', time_zone: 'UTC' }).returning('id').executeTakeFirstOrThrow()).id;
  const owner = await collectorNamed('Dueño');
  device = (await dbh.db.insertInto('devices').values({ unique_id: 'phone', name: 'phone', collector_id: owner, token_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await dbh?.close();
  await tdb?.drop();
});

async function collectorNamed(name: string): Promise<number> {
  return (await dbh.db.insertInto('collectors').values({ name, team_id: team }).returning('id').executeTakeFirstOrThrow()).id;
}

/** Today's visits of a collector, 1.1 km apart northwards, each with its address. */
async function visitsOf(collectorId: number, n: number): Promise<{ visitId: number; lat: number; lon: number }[]> {
  const out: { visitId: number; lat: number; lon: number }[] = [];
  for (let i = 0; i < n; i++) {
    const lat = LAT + (i + collectorId * 10) * 0.01;
    const account = (await dbh.db.insertInto('accounts').values({ team_id: team, external_id: `C${collectorId}-${i}`, name: `Deudor ${i}`, lat, lon: LON }).returning('id').executeTakeFirstOrThrow()).id;
    const visitId = (await dbh.db.insertInto('visits').values({ account_id: account, team_id: team, collector_id: collectorId, visit_date: DATE, priority: 50, status: 'assigned' }).returning('id').executeTakeFirstOrThrow()).id;
    out.push({ visitId, lat, lon: LON });
  }
  return out;
}

/** A and B, started, with A's notices reaching B; `heard` resolves once B has read what they name. */
async function twoInstances(): Promise<{ a: DeviationService; b: DeviationService; aEvents: EventOut[]; bEvents: EventOut[]; heard(): Promise<void> }> {
  const reads: Promise<void>[] = [];
  const aEvents: EventOut[] = [];
  const bEvents: EventOut[] = [];
  const log = pino({ level: 'silent' });
  const b = new DeviationService({ db: dbh.db, log, emit: (_t, e) => bEvents.push(e), now: () => DAY + 10 * H, tickMs: 3_600_000 });
  const a = new DeviationService({ db: dbh.db, log, emit: (_t, e) => aEvents.push(e), announce: (n: DeviationNotice) => reads.push(b.onNotice(n)), now: () => DAY + 10 * H, tickMs: 3_600_000 });
  await Promise.all([a.start(), b.start()]);
  running.push(a, b);
  // Notices of visits go once the changing task is over.
  const heard = async () => {
    await new Promise((r) => setImmediate(r));
    await Promise.all(reads.splice(0));
  };
  return { a, b, aEvents, bEvents, heard };
}

function planOn(services: DeviationService[], collectorId: number, visits: { visitId: number; lat: number; lon: number }[]): void {
  for (const s of services) {
    s.setPlan({ collectorId, teamId: team, shift: { startMs: DAY + 8 * H, endMs: DAY + 18 * H }, route: [], visits: visits.map((v, i) => ({ ...v, seq: i + 1, status: 'assigned' })) });
  }
}

/** The phone's fixes, stored and handed to `s` as its batch writer would. */
async function reportTo(s: DeviationService, collectorId: number, fixes: { ts: number; lat: number; lon: number }[]): Promise<void> {
  s.onPositionsCommitted(
    fixes.map((f) => ({
      deviceId: device, collectorId, deviceTimeMs: f.ts, serverTimeMs: f.ts, lat: f.lat, lon: f.lon, speedKph: null, courseDeg: null, altitudeM: null, accuracyM: null,
      batteryPct: null, satellites: null, valid: true, protocol: 'mqtt', attributesJson: '{}', segmentM: null, segmentS: null, moving: null,
    })),
  );
  await s.flushed();
}

/** The fixes as the instance serving the device stores them: what every instance reads back (fixesOfCollector). */
async function store(collectorId: number, fixes: { ts: number; lat: number; lon: number }[]): Promise<void> {
  await dbh.db
    .insertInto('positions')
    .values(fixes.map((f) => ({ device_id: device, collector_id: collectorId, device_time: new Date(f.ts), server_time: new Date(f.ts), lat: f.lat, lon: f.lon, valid: true, protocol: 'mqtt', attributes: '{}' })))
    .execute();
}

const visitsWith = (events: EventOut[], type: string) => events.filter((e) => e.type === type).map((e) => e.visitId);

describe("two instances' deviation services on one database", () => {
  it('B hears of a check-in taken by A: no arrived_no_checkin at the visit checked in, one at the visit not', async () => {
    const { a, b, bEvents, heard } = await twoInstances();
    const ana = await collectorNamed('Ana');
    const [paid, open] = await visitsOf(ana, 2);
    planOn([a, b], ana, [paid, open]);
    const r = await recordCheckin(dbh.db, { id: crypto.randomUUID(), visitId: paid.visitId, ts: new Date().toISOString(), lat: paid.lat, lon: paid.lon, outcome: 'paid' }, { actor: SYSTEM, deviceId: null, collectorId: null });
    a.onCheckin(r.checkin);
    a.onVisit(r.visit!);
    await heard();

    await reportTo(b, ana, dwellTrack([paid, open], DAY + 10 * H));
    expect(visitsWith(bEvents, 'arrived_no_checkin')).toEqual([open.visitId]);
  });

  it("B follows visits A moved to another collector or day, or cancelled: none of them is watched on B as the collector's", async () => {
    const { a, b, bEvents, heard } = await twoInstances();
    const [beto, caro] = [await collectorNamed('Beto'), await collectorNamed('Caro')];
    const [toCaro, toTomorrow, kept] = await visitsOf(beto, 3);
    const [cancelled, next] = await visitsOf(caro, 2);
    planOn([a, b], beto, [toCaro, toTomorrow, kept]);
    planOn([a, b], caro, [cancelled, next]);
    // Slack 0: reaching a visit before an earlier one still due is out of order.
    await a.updateRules(team, { visitOrder: { slack: 0 } }, 'test');
    a.onVisit(await reassignVisit(dbh.db, toCaro.visitId, caro, 1, SYSTEM));
    a.onVisit(await patchVisit(dbh.db, toTomorrow.visitId, { version: 1, date: '2030-03-13' }, SYSTEM));
    a.onVisit(await cancelVisit(dbh.db, cancelled.visitId, 1, undefined, SYSTEM));
    await heard();
    expect(b.rulesOf(team).visitOrder.slack).toBe(0);

    await reportTo(b, beto, dwellTrack([toCaro, toTomorrow, kept], DAY + 10 * H));
    await reportTo(b, caro, dwellTrack([next], DAY + 10 * H));
    expect(visitsWith(bEvents, 'arrived_no_checkin')).toEqual([kept.visitId, next.visitId]);
    expect(visitsWith(bEvents, 'visit_out_of_order')).toEqual([]);
  });

  it('B reads the visits of its plans again after notices were lost (Redis away): a check-in and a move made meanwhile count', async () => {
    const { b, bEvents } = await twoInstances();
    const eva = await collectorNamed('Eva');
    const [paid, moved, open] = await visitsOf(eva, 3);
    planOn([b], eva, [paid, moved, open]);
    // Taken by an instance whose notices never arrived.
    await recordCheckin(dbh.db, { id: crypto.randomUUID(), visitId: paid.visitId, ts: new Date().toISOString(), lat: paid.lat, lon: paid.lon, outcome: 'paid' }, { actor: SYSTEM, deviceId: null, collectorId: null });
    await reassignVisit(dbh.db, moved.visitId, null, 1, SYSTEM);
    await b.reloadAll();

    await reportTo(b, eva, dwellTrack([paid, moved, open], DAY + 10 * H));
    expect(visitsWith(bEvents, 'arrived_no_checkin')).toEqual([open.visitId]);
  });

  it('store one offline event for a quiet phone both watch, which its return to either closes', async () => {
    const { a, b } = await twoInstances();
    const dora = await collectorNamed('Dora');
    planOn([a, b], dora, await visitsOf(dora, 1));
    // Quiet since the shift began at 08:00: both engines open `offline` at 10:00.
    a.tick(DAY + 10 * H);
    b.tick(DAY + 10 * H);
    await Promise.all([a.flushed(), b.flushed()]);
    const offline = () => dbh.db.selectFrom('events').select(['opened_at', 'closed_at']).where('collector_id', '=', dora).where('type', '=', 'offline').execute();
    expect(await offline()).toEqual([{ opened_at: new Date(DAY + 8 * H), closed_at: null }]);

    await reportTo(b, dora, [{ ts: DAY + 10 * H + 60_000, lat: LAT, lon: LON }]);
    expect(await offline()).toEqual([{ opened_at: new Date(DAY + 8 * H), closed_at: new Date(DAY + 10 * H + 60_000) }]);
    // Quiet again: a new event, again one.
    a.tick(DAY + 11 * H);
    b.tick(DAY + 11 * H);
    await Promise.all([a.flushed(), b.flushed()]);
    expect((await offline()).filter((e) => e.closed_at === null)).toEqual([{ opened_at: new Date(DAY + 10 * H + 60_000), closed_at: null }]);
  });

  it('closes an offline event a stopped instance left open, which the phone has reported since, instead of taking it over', async () => {
    const { b, bEvents } = await twoInstances();
    const hugo = await collectorNamed('Hugo');
    planOn([b], hugo, await visitsOf(hugo, 1));
    // Left open yesterday evening by an instance that stopped; the phone reported this morning at 08:30, through another.
    const left = (await dbh.db.insertInto('events').values({ type: 'offline', severity: 'critical', team_id: team, collector_id: hugo, opened_at: new Date(DAY - 6 * H), details: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
    await dbh.db
      .insertInto('positions')
      .values({ device_id: device, collector_id: hugo, device_time: new Date(DAY + 8.5 * H), server_time: new Date(DAY + 8.5 * H), lat: LAT, lon: LON, valid: true, protocol: 'mqtt', attributes: '{}' })
      .execute();
    b.tick(DAY + 10 * H);
    await b.flushed();
    const hugos = await dbh.db.selectFrom('events').select(['id', 'closed_at', 'details']).where('collector_id', '=', hugo).where('type', '=', 'offline').orderBy('id').execute();
    expect(hugos.map((e) => ({ left: e.id === left, closedAt: e.closed_at, closedBy: (e.details as { closedBy?: string }).closedBy }))).toEqual([
      { left: true, closedAt: new Date(DAY + 8.5 * H), closedBy: 'reported_since' },
      { left: false, closedAt: null, closedBy: undefined },
    ]);
    // The wall hears of both: the stale one closed, the new one open.
    expect(bEvents.filter((e) => e.type === 'offline').map((e) => [e.id === left, e.closedAt !== null])).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('closes at start the offline events a stopped instance left open whose phones have reported since; one still quiet stays open', async () => {
    const [ines, juan] = [await collectorNamed('Ines'), await collectorNamed('Juan')];
    const leftOpen = async (collectorId: number) =>
      (await dbh.db.insertInto('events').values({ type: 'offline', severity: 'critical', team_id: team, collector_id: collectorId, opened_at: new Date(DAY + 9 * H), details: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
    const [heard, quiet] = [await leftOpen(ines), await leftOpen(juan)];
    await dbh.db
      .insertInto('positions')
      .values({ device_id: device, collector_id: ines, device_time: new Date(DAY + 9.5 * H), server_time: new Date(DAY + 9.5 * H), lat: LAT, lon: LON, valid: true, protocol: 'mqtt', attributes: '{}' })
      .execute();
    const streamed: EventOut[] = [];
    const starting = new DeviationService({ db: dbh.db, log: pino({ level: 'silent' }), emit: (_t, e) => streamed.push(e), now: () => DAY + 10 * H, tickMs: 3_600_000 });
    await starting.start();
    running.push(starting);
    const closedAt = async (id: number) => (await dbh.db.selectFrom('events').select('closed_at').where('id', '=', id).executeTakeFirstOrThrow()).closed_at;
    expect(await closedAt(heard)).toEqual(new Date(DAY + 9.5 * H));
    expect(await closedAt(quiet)).toBeNull();
    expect(streamed.filter((e) => e.collectorId === ines || e.collectorId === juan).map((e) => [e.id, e.closedAt])).toEqual([[heard, new Date(DAY + 9.5 * H).toISOString()]]);
  });

  it("stores an offline event closed and the next one opened in one batch as two events, the first closed", async () => {
    const { b } = await twoInstances();
    const [fede, gabi] = [await collectorNamed('Fede'), await collectorNamed('Gabi')];
    planOn([b], fede, await visitsOf(fede, 1));
    planOn([b], gabi, await visitsOf(gabi, 1));
    b.tick(DAY + 10 * H);
    await b.flushed();
    // Fede's return is being stored while Gabi's return and her next silence wait: they go in one batch.
    void reportTo(b, fede, [{ ts: DAY + 10 * H + 60_000, lat: LAT, lon: LON }]);
    void reportTo(b, gabi, [{ ts: DAY + 10 * H + 60_000, lat: LAT, lon: LON }]);
    b.tick(DAY + 11 * H);
    await b.flushed();
    const gabis = await dbh.db.selectFrom('events').select(['opened_at', 'closed_at']).where('collector_id', '=', gabi).where('type', '=', 'offline').orderBy('id').execute();
    expect(gabis).toEqual([
      { opened_at: new Date(DAY + 8 * H), closed_at: new Date(DAY + 10 * H + 60_000) },
      { opened_at: new Date(DAY + 10 * H + 60_000), closed_at: null },
    ]);
  });

  it('store one visit_skipped for a visit both skip, streamed by the instance that stored it; one only B saw reached is not skipped by A', async () => {
    const { a, b, aEvents, bEvents } = await twoInstances();
    const hugo = await collectorNamed('Hugo');
    const [reached, skipped] = await visitsOf(hugo, 2);
    planOn([a, b], hugo, [reached, skipped]);
    // Six minutes at the first door, through B only.
    const fixes = dwellTrack([reached], DAY + 10 * H);
    await store(hugo, fixes);
    await reportTo(b, hugo, fixes);
    // The shift ends (18:00) on both clocks.
    a.tick(DAY + 18 * H);
    b.tick(DAY + 18 * H);
    await Promise.all([a.flushed(), b.flushed()]);
    const stored = await dbh.db.selectFrom('events').select(['visit_id', 'opened_at']).where('collector_id', '=', hugo).where('type', '=', 'visit_skipped').execute();
    expect(stored).toEqual([{ visit_id: skipped.visitId, opened_at: new Date(DAY + 18 * H) }]);
    expect([...visitsWith(aEvents, 'visit_skipped'), ...visitsWith(bEvents, 'visit_skipped')]).toEqual([skipped.visitId]);
    expect([a.stats().failures, b.stats().failures]).toEqual([0, 0]);
  });
});
