import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { openDatabase, type DbHandle } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { BatchWriter, type BatchWriterOptions, type PositionWrite } from './batch-writer.ts';

let tdb: TestDatabase | undefined;
let handle: DbHandle | undefined;
afterAll(async () => {
  await handle?.close();
  await tdb?.drop();
});

/** A writer on the test database that logs nothing; options not given are those of the refused-row tests. */
function writerOn(pool: DbHandle['pool'], options: Partial<BatchWriterOptions> = {}, onCommitted: (rows: PositionWrite[]) => void = () => undefined): BatchWriter {
  const defaults: BatchWriterOptions = { batchRows: 500, flushMs: 20, queueMax: 10_000, concurrency: 1, dailyRollup: true };
  return new BatchWriter(pool, { ...defaults, ...options }, pino({ level: 'silent' }), onCommitted);
}

function fix(deviceId: number, deviceTimeMs: number): PositionWrite {
  return {
    deviceId, collectorId: null, deviceTimeMs, serverTimeMs: deviceTimeMs, lat: 20.67, lon: -103.35, speedKph: 10, courseDeg: null,
    altitudeM: null, accuracyM: 5, batteryPct: 80, satellites: null, valid: true, protocol: 'mqtt', attributesJson: '{}',
    segmentM: null, segmentS: null, moving: null,
  };
}

describe('BatchWriter', () => {
  it('acknowledges a large batch in order, a slice per event-loop turn, and hands every committed row on once', async () => {
    tdb = await createTestDatabase();
    handle = await openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.databaseUrl ? null : tdb.dataDir });
    await migrateToLatest(handle.db);
    const handedOn: number[] = [];
    const writer = writerOn(handle.pool, { batchRows: 2000, flushMs: 50, dailyRollup: false }, (rows) => handedOn.push(...rows.map((r) => r.deviceTimeMs)));
    // Counts turns of the event loop while the acknowledgements arrive.
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    const resolved: number[] = [];
    const t0 = Date.UTC(2026, 10, 29, 12);
    const writes = Array.from({ length: 2000 }, (_, i) => writer.write([fix(1 + (i % 50), t0 + i * 1000)]).then(() => resolved.push(i)));
    let turnsAtFirst = -1;
    void writes[0].then(() => (turnsAtFirst = turns));
    setImmediate(tick);
    await Promise.all(writes);
    counting = false;

    expect(resolved).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(handedOn).toHaveLength(2000);
    // 2,000 acknowledgements took at least 2000/500 - 1 further turns instead of one long task.
    expect(turns - turnsAtFirst).toBeGreaterThanOrEqual(3);
    const { rows } = await handle.pool.query('select count(*)::int as n from positions');
    expect(rows[0].n).toBe(2000);
    await writer.close();
  });

  it('holds writes beyond the queue bound, admits them in arrival order as space frees and holds new messages meanwhile, committing each once', async () => {
    const writer = writerOn(handle!.pool, { batchRows: 50, flushMs: 5, queueMax: 100, concurrency: 2, dailyRollup: false });
    const t0 = Date.UTC(2026, 10, 30, 12);
    const resolved: number[] = [];
    let peakWaiting = 0;
    const writes = Array.from({ length: 1000 }, (_, i) => {
      const w = writer.write([fix(100 + (i % 7), t0 + i * 1000)]).then(() => resolved.push(i));
      peakWaiting = Math.max(peakWaiting, writer.getStats().waitingWriters);
      return w;
    });
    // A new message is held (not yet decoded) until every waiting write is queued.
    const held = writer.admission();
    expect(held).toBeInstanceOf(Promise);
    let acknowledgedWhenAdmitted = -1;
    void held!.then(() => (acknowledgedWhenAdmitted = resolved.length));
    await Promise.all(writes);
    expect(acknowledgedWhenAdmitted).toBeGreaterThanOrEqual(800);
    expect(writer.admission()).toBeUndefined();
    expect(peakWaiting).toBe(900);
    expect(writer.getStats().waitingWriters).toBe(0);
    // A device's acknowledgements go out in the order it published (MQTT 3.1.1 §4.6).
    expect(resolved).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const { rows } = await handle!.pool.query('select count(*)::int as n from positions where device_id >= 100');
    expect(rows[0].n).toBe(1000);
    await writer.close();
  });

  it('commits a batch around the rows the database refuses, tells each writer which of its rows those were, and never retries them', async () => {
    const handedOn: PositionWrite[] = [];
    const writer = writerOn(handle!.pool, {}, (rows) => handedOn.push(...rows));
    const t0 = Date.UTC(2026, 10, 30, 13);
    // Two rows the database cannot hold: jsonb refuses \u0000, and real overflows past 3.4e38.
    const nul = { ...fix(300, t0 + 7_000), attributesJson: JSON.stringify({ note: 'a\u0000b' }) };
    const huge = { ...fix(301, t0 + 9_000), speedKph: 1e39 };
    const good = Array.from({ length: 200 }, (_, i) => fix(302 + (i % 5), t0 + i * 1000));
    const writes = [
      ...good.slice(0, 100).map((r) => writer.write([r])),
      writer.write([fix(300, t0 + 6_000), nul, fix(300, t0 + 8_000)]),
      writer.write([huge]),
      ...good.slice(100).map((r) => writer.write([r])),
    ];
    const results = (await Promise.all(writes)).map((w) => w.refused);

    expect(results[100].map((r) => r.row)).toEqual([nul]);
    expect(results[100][0].reason).toMatch(/unicode|\\u0000/i);
    expect(results[101].map((r) => r.row)).toEqual([huge]);
    expect(results[101][0].reason).toMatch(/out of range|overflow/i);
    expect(results.filter((r) => r.length > 0)).toHaveLength(2);
    const stored = await handle!.pool.query('select device_id, count(*)::int as n from positions where device_id between 300 and 306 group by 1 order by 1');
    expect(stored.rows).toEqual([{ device_id: 300, n: 2 }, ...[302, 303, 304, 305, 306].map((d) => ({ device_id: d, n: 40 }))]);
    // Only stored rows reach the live stream and the deviation engine.
    expect(handedOn).toHaveLength(202);
    expect(handedOn).not.toContain(nul);
    expect(handedOn).not.toContain(huge);
    const stats = writer.getStats();
    expect(stats.refusedRows).toBe(2);
    expect(stats.committedRows).toBe(202);
    expect(stats.failures).toBe(0);
    await writer.close();
  });

  it('tells each writer how many of its rows the database already held, the later copy of a row sent twice in one batch included, and hands on only the rows added', async () => {
    const handedOn: PositionWrite[] = [];
    const writer = writerOn(handle!.pool, { flushMs: 50 }, (rows) => handedOn.push(...rows));
    const t0 = Date.UTC(2026, 10, 30, 15);
    expect(await writer.write([fix(330, t0), fix(330, t0 + 1000), fix(331, t0)])).toEqual({ refused: [], resent: 0 });
    // Both in one batch: two rows stored before, and a new row sent twice.
    const [again, twice] = await Promise.all([
      writer.write([fix(330, t0), fix(331, t0), fix(331, t0 + 1000)]),
      writer.write([fix(331, t0 + 1000), fix(330, t0 + 2000)]),
    ]);
    expect(again).toEqual({ refused: [], resent: 2 });
    expect(twice).toEqual({ refused: [], resent: 1 });
    const stored = await handle!.pool.query('select device_id, count(*)::int as n from positions where device_id in (330, 331) group by 1 order by 1');
    expect(stored.rows).toEqual([{ device_id: 330, n: 3 }, { device_id: 331, n: 2 }]);
    expect(writer.getStats().batches).toBe(2);
    // The live stream and the deviation engine see each fix once, however often the device sends it.
    expect(handedOn.map((r) => `${r.deviceId}@${r.deviceTimeMs - t0}`).sort()).toEqual(['330@0', '330@1000', '330@2000', '331@0', '331@1000']);
    await writer.close();
  });

  it('stores a speed too small for a real as 0 and a fractional satellite count rounded, instead of refusing the fix', async () => {
    const writer = writerOn(handle!.pool);
    const t0 = Date.UTC(2026, 10, 30, 14);
    const written = await writer.write([{ ...fix(320, t0), speedKph: 1e-40, courseDeg: -5e-324, segmentM: 1e-45, satellites: 7.6 }]);
    expect(written).toEqual({ refused: [], resent: 0 });
    const stored = await handle!.pool.query('select speed_kph, course_deg, segment_m, satellites from positions where device_id = 320');
    expect(stored.rows).toEqual([{ speed_kph: 0, course_deg: 0, segment_m: 0, satellites: 8 }]);
    await writer.close();
  });
});
