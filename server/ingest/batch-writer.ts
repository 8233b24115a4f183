import type pg from 'pg';
import type { Logger } from 'pino';
import { refusesRows } from '../db/sqlstate.ts';
import { Fifo } from '../lib/fifo.ts';

/** A row as the writer takes it: times in epoch milliseconds, attributes already JSON text. */
export interface PositionWrite {
  deviceId: number;
  collectorId: number | null;
  deviceTimeMs: number;
  serverTimeMs: number;
  lat: number;
  lon: number;
  speedKph: number | null;
  courseDeg: number | null;
  altitudeM: number | null;
  accuracyM: number | null;
  batteryPct: number | null;
  satellites: number | null;
  valid: boolean;
  protocol: string;
  attributesJson: string;
  /** Distance and time from the device's previous fix; null when the fix is not newer than it. */
  segmentM: number | null;
  segmentS: number | null;
  moving: boolean | null;
}

export interface BatchWriterOptions {
  batchRows: number;
  flushMs: number;
  /** Queued rows beyond which `write` waits: devices stop getting ACKs instead of memory growing. */
  queueMax: number;
  /** Transactions in flight at once (1 for PGlite: it is a single session). */
  concurrency: number;
  /**
   * Keep position_daily_rollup in the same transaction (no TimescaleDB: with
   * it, a continuous aggregate does this). Days are cut in each collector's
   * team time zone (migration 0009).
   */
  dailyRollup: boolean;
}

/** A row the database refused for what it holds (see refusesRows), with the database's words. */
export interface RefusedRow {
  row: PositionWrite;
  reason: string;
}

/** What became of one `write`'s rows once committed. */
export interface WriteResult {
  /** Refused for what they hold (normally none): not stored, and sending them again cannot change that. */
  refused: RefusedRow[];
  /** How many the database already held (a resend, e.g. after a crash): committed all the same, not stored twice. */
  resent: number;
}

interface Pending {
  rows: PositionWrite[];
  resolve: (result: WriteResult) => void;
  reject: (e: Error) => void;
  refused?: RefusedRow[];
  resent?: number;
}

export interface WriterStats {
  queuedRows: number;
  committedRows: number;
  batches: number;
  failures: number;
  /** Rows the database refused for what they hold; the rest of their batch was committed. */
  refusedRows: number;
  waitingWriters: number;
  lastError: string | null;
}

/**
 * One statement per batch, so one round trip and an implicit transaction: the rows, the per-device
 * last position and (without TimescaleDB) the daily rollup commit together or not at all. Arrays in,
 * unnest out: fewer parses than multi-row VALUES. It answers with the (1-based) places of the rows
 * the table already held — resends, skipped by `on conflict do nothing` and so missing from its
 * RETURNING, and a key's later copies within the batch — normally none, so the answer stays small.
 */
function insertSql(withRollup: boolean): string {
  return `
  with input as (
    select *, to_timestamp(device_ms / 1000.0) as ts
    from unnest($1::int[], $2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::real[], $8::real[],
                $9::real[], $10::real[], $11::real[], $12::smallint[], $13::bool[], $14::text[], $15::text[],
                $16::real[], $17::real[], $18::bool[]) with ordinality
      as t(device_id, collector_id, device_ms, server_ms, lat, lon, speed, course, alt, acc, batt, sats, valid, protocol, attrs,
           seg_m, seg_s, moving, ord)
  ), inserted as (
    insert into positions (device_id, collector_id, device_time, server_time, lat, lon, speed_kph, course_deg, altitude_m,
                           accuracy_m, battery_pct, satellites, valid, protocol, attributes, segment_m, segment_s, moving)
    select device_id, collector_id, ts, to_timestamp(server_ms / 1000.0), lat, lon, speed, course, alt,
           acc, batt, sats, valid, protocol, attrs::jsonb, seg_m, seg_s, moving
    from input
    on conflict (device_id, device_time) do nothing
    returning device_id, collector_id, device_time, segment_m, segment_s, moving
  ), ${withRollup ? ROLLUP_CTE : ''} latest as (
    select distinct on (device_id) * from input order by device_id, device_ms desc
  ), last as (
    insert into device_last (device_id, collector_id, device_time, lat, lon, speed_kph, course_deg, accuracy_m, battery_pct, protocol)
    select device_id, collector_id, ts, lat, lon, speed, course, acc, batt, protocol from latest
    on conflict (device_id) do update set
      collector_id = excluded.collector_id, device_time = excluded.device_time, lat = excluded.lat, lon = excluded.lon,
      speed_kph = excluded.speed_kph, course_deg = excluded.course_deg, accuracy_m = excluded.accuracy_m,
      battery_pct = excluded.battery_pct, protocol = excluded.protocol
    where excluded.device_time > device_last.device_time
  )
  select i.ord::int as ord
  from (select ord, device_id, ts, row_number() over (partition by device_id, ts order by ord) as nth from input) i
  left join inserted x on x.device_id = i.device_id and x.device_time = i.ts
  where x.device_id is null or i.nth > 1`;
}

// Only rows actually inserted count: a resend must not add its distance twice.
const ROLLUP_CTE = `rollup as (
    insert into position_daily_rollup as r (device_id, collector_id, day, driven_m, moving_s, stopped_s, points, first_ts, last_ts)
    select i.device_id, max(i.collector_id), (i.device_time at time zone coalesce(t.time_zone, default_time_zone()))::date,
           coalesce(sum(i.segment_m), 0), coalesce(sum(i.segment_s) filter (where i.moving), 0),
           coalesce(sum(i.segment_s) filter (where not i.moving), 0), count(*), min(i.device_time), max(i.device_time)
    from inserted i left join collectors c on c.id = i.collector_id left join teams t on t.id = c.team_id
    group by 1, 3
    on conflict (device_id, day) do update set
      collector_id = coalesce(excluded.collector_id, r.collector_id),
      driven_m = r.driven_m + excluded.driven_m, moving_s = r.moving_s + excluded.moving_s, stopped_s = r.stopped_s + excluded.stopped_s,
      points = r.points + excluded.points, first_ts = least(r.first_ts, excluded.first_ts), last_ts = greatest(r.last_ts, excluded.last_ts)
  ),`;

/** Rows whose writers are resolved in one turn of the event loop (see settle). */
const SETTLE_SLICE_ROWS = 500;

const INSERT_SQL = insertSql(false);
const INSERT_WITH_ROLLUP_SQL = insertSql(true);

/**
 * Commits positions in batches and resolves each `write` only after its rows
 * are durable — the caller ACKs its device then, never before (SPEC §2).
 * When the database fails, batches are retried with backoff and the queue
 * stays bounded; nothing acknowledged is lost, nothing is dropped.
 */
export class BatchWriter {
  private queue = new Fifo<Pending>();
  private queuedRows = 0;
  /** Committed rows whose writers are not resolved yet; they hold queue space too, so a backlog of acknowledgements holds devices back. */
  private settlingRows = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Writes waiting for queue space, in arrival order; their devices get no ACK meanwhile. */
  private waiting = new Fifo<Pending>();
  /** Publishes not yet decoded, held while writes wait (see admission). */
  private admissions = new Fifo<() => void>();
  private backoffMs = 0;
  private paused = false;
  private closed = false;
  private settling: Promise<void> = Promise.resolve();
  /** Rows a failed attempt committed before it failed (see insertOrIsolate): held when retried, yet not resends. */
  private readonly storedByEarlierAttempt = new WeakSet<PositionWrite>();
  private readonly stats: WriterStats = { queuedRows: 0, committedRows: 0, batches: 0, failures: 0, refusedRows: 0, waitingWriters: 0, lastError: null };

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: BatchWriterOptions,
    private readonly log: Logger,
    private readonly onCommitted: (rows: PositionWrite[]) => void,
  ) {}

  /** Resolves once the rows are committed, saying which were refused and how many were already stored. */
  write(rows: PositionWrite[]): Promise<WriteResult> {
    if (rows.length === 0) return Promise.resolve({ refused: [], resent: 0 });
    if (this.closed) return Promise.reject(new Error('writer is closed'));
    return new Promise<WriteResult>((resolve, reject) => {
      const pending = { rows, resolve, reject };
      // First come, first queued: behind the writers already waiting, or when the queue is full.
      if (this.waiting.length > 0 || !this.hasRoomFor(rows.length)) this.waiting.push(pending);
      else this.enqueue(pending);
    });
  }

  /**
   * Undefined when a write would be taken now; otherwise a promise that resolves
   * when it would. A caller awaits it before decoding a message, so under
   * overload what waits is the raw message, not its decoded rows: memory stays
   * bounded by what the broker has read, not multiplied by decoding it.
   */
  admission(): Promise<void> | undefined {
    if (this.waiting.length === 0 && this.admissions.length === 0) return undefined;
    return new Promise<void>((resolve) => this.admissions.push(resolve));
  }

  /** Rows queued or committed-but-unacknowledged; an empty writer takes any write, however large. */
  private hasRoomFor(rows: number): boolean {
    const used = this.queuedRows + this.settlingRows;
    return used === 0 || used + rows <= this.opts.queueMax;
  }

  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    this.queuedRows += pending.rows.length;
    if (this.queuedRows >= this.opts.batchRows) this.pump();
    else this.timer ??= setTimeout(() => this.pump(), this.opts.flushMs);
  }

  getStats(): WriterStats {
    return { ...this.stats, queuedRows: this.queuedRows, waitingWriters: this.waiting.length };
  }

  /** Flushes what is queued, then refuses new writes. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inFlight > 0) {
      this.pump();
      await new Promise((r) => setTimeout(r, 10));
      if (this.paused && this.inFlight === 0) break;
    }
    await this.settling;
    for (const p of this.waiting.drain()) p.reject(new Error('writer closed before commit'));
    // Held messages go on to write and are refused: the writer is closed.
    for (const admit of this.admissions.drain()) admit();
    for (const p of this.queue.drain()) p.reject(new Error('writer closed before commit'));
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight < this.opts.concurrency && this.queue.length > 0 && !this.paused) {
      const batch = this.take();
      this.inFlight++;
      const committed = this.commit(batch);
      // Acknowledged in the order taken, even when transactions finish out of order (concurrency > 1):
      // a device's PUBACKs must follow the order of its publishes (MQTT 3.1.1 §4.6).
      this.settling = this.settling.then(() => committed).then((ok) => (ok ? this.settle(batch) : undefined));
    }
  }

  private take(): Pending[] {
    const batch: Pending[] = [];
    let n = 0;
    while (this.queue.length > 0 && (n === 0 || n + this.queue.peek()!.rows.length <= this.opts.batchRows)) {
      const p = this.queue.shift()!;
      n += p.rows.length;
      batch.push(p);
    }
    return batch;
  }

  /** Writes one batch; true once committed, false when it went back to the queue. */
  private async commit(batch: Pending[]): Promise<boolean> {
    const rows = batch.flatMap((p) => p.rows);
    let committed = false;
    try {
      const { refused, resent } = await this.insertOrIsolate(rows);
      if (refused.size > 0) {
        this.stats.refusedRows += refused.size;
        for (const p of batch) {
          const mine = p.rows.filter((r) => refused.has(r));
          if (mine.length > 0) p.refused = mine.map((row) => ({ row, reason: refused.get(row)! }));
        }
      }
      if (resent.size > 0) {
        for (const p of batch) p.resent = p.rows.reduce((n, r) => (resent.has(r) ? n + 1 : n), 0);
      }
      // Only rows added go on to the live stream and the deviation engine: a resend already went
      // there when first stored (a new array: the caller's stays as it gave it).
      if (refused.size > 0 || resent.size > 0) {
        for (const p of batch) if (p.refused || p.resent) p.rows = p.rows.filter((r) => !refused.has(r) && !resent.has(r));
      }
      committed = true;
      this.backoffMs = 0;
      this.stats.committedRows += rows.length - refused.size;
      this.stats.batches++;
      this.queuedRows -= rows.length;
      this.settlingRows += rows.length - refused.size - resent.size;
    } catch (err) {
      this.stats.failures++;
      this.stats.lastError = (err as Error).message;
      // Back to the head of the queue: order kept, nothing dropped, no ACK sent.
      this.queue.unshiftAll(batch);
      this.backoffMs = Math.min(5000, Math.max(100, this.backoffMs * 2));
      this.log.warn({ err: (err as Error).message, rows: rows.length, retryInMs: this.backoffMs }, 'position batch failed; will retry');
      if (!this.paused) {
        this.paused = true;
        setTimeout(() => {
          this.paused = false;
          this.pump();
        }, this.backoffMs).unref();
      }
    } finally {
      this.inFlight--;
      if (this.queuedRows >= this.opts.batchRows || (this.queue.length > 0 && this.inFlight === 0)) this.pump();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.pump(), this.opts.flushMs);
    }
    return committed;
  }

  /**
   * Resolves a committed batch's writers — each resolution sends its device's
   * acknowledgement — and hands the rows on, a slice at a time with a turn of
   * the event loop between slices: a 2,000-row batch settled at once kept the
   * thread serving devices busy for tens of milliseconds.
   */
  private async settle(batch: Pending[]): Promise<void> {
    let i = 0;
    while (i < batch.length) {
      const slice: PositionWrite[] = [];
      while (i < batch.length && (slice.length === 0 || slice.length + batch[i].rows.length <= SETTLE_SLICE_ROWS)) {
        const p = batch[i++];
        for (const r of p.rows) slice.push(r);
        p.resolve({ refused: p.refused ?? [], resent: p.resent ?? 0 });
      }
      this.settlingRows -= slice.length;
      this.releaseSpace();
      try {
        if (slice.length > 0) this.onCommitted(slice);
      } catch (err) {
        // The rows are committed and acknowledged; a consumer's bug must not stall later batches.
        this.log.error({ err: (err as Error).message, rows: slice.length }, 'position consumer failed');
      }
      if (i < batch.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Moves waiting writes into the queue while they fit (each wake-up admits a write for good: no thundering herd). */
  private releaseSpace(): void {
    while (this.waiting.length > 0 && this.hasRoomFor(this.waiting.peek()!.rows.length)) this.enqueue(this.waiting.shift()!);
    // Then held messages, about one row each, as many as there is room for now.
    let room = this.opts.queueMax - this.queuedRows - this.settlingRows;
    while (this.waiting.length === 0 && this.admissions.length > 0 && room-- > 0) this.admissions.shift()!();
  }

  /**
   * Inserts the rows; when the database refuses them for what one of them holds, halves
   * until each refused row stands alone and commits all the others: one device's bad
   * row must not hold back every device's acknowledgements behind a batch retried forever.
   * Any other error (the database is down…) propagates and the whole batch is retried;
   * halves committed before it are not written twice (`on conflict do nothing`), nor counted as resends.
   */
  private async insertOrIsolate(rows: PositionWrite[]): Promise<{ refused: Map<PositionWrite, string>; resent: Set<PositionWrite> }> {
    const refused = new Map<PositionWrite, string>();
    const resent = new Set<PositionWrite>();
    const committed: PositionWrite[][] = [];
    const isolate = async (part: PositionWrite[]): Promise<void> => {
      try {
        for (const r of await this.insert(part)) if (!this.storedByEarlierAttempt.has(r)) resent.add(r);
        committed.push(part);
      } catch (err) {
        if (!refusesRows(err)) throw err;
        if (part.length === 1) {
          refused.set(part[0], (err as Error).message);
          return;
        }
        if (part === rows) this.log.warn({ err: (err as Error).message, rows: rows.length }, 'position batch refused by the database; finding the rows');
        const mid = part.length >> 1;
        await isolate(part.slice(0, mid));
        await isolate(part.slice(mid));
      }
    };
    try {
      await isolate(rows);
    } catch (err) {
      for (const part of committed) for (const r of part) if (!resent.has(r)) this.storedByEarlierAttempt.add(r);
      throw err;
    }
    for (const [row, reason] of refused) {
      this.log.warn({ deviceId: row.deviceId, deviceTimeMs: row.deviceTimeMs, reason }, 'position refused by the database');
    }
    return { refused, resent };
  }

  /** Inserts the rows; answers with those the table already held. */
  private async insert(rows: PositionWrite[]): Promise<PositionWrite[]> {
    const n = rows.length;
    const pick = <T>(f: (r: PositionWrite) => T): T[] => {
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = f(rows[i]);
      return out;
    };
    // Array literals built here: pg's generic array serializer quotes every element and was a top CPU cost at 10k rows/s.
    const params: unknown[] = [
      numbers(pick((r) => r.deviceId)),
      numbers(pick((r) => r.collectorId)),
      numbers(pick((r) => r.deviceTimeMs)),
      numbers(pick((r) => r.serverTimeMs)),
      numbers(pick((r) => r.lat)),
      numbers(pick((r) => r.lon)),
      reals(pick((r) => r.speedKph)),
      reals(pick((r) => r.courseDeg)),
      reals(pick((r) => r.altitudeM)),
      reals(pick((r) => r.accuracyM)),
      reals(pick((r) => r.batteryPct)),
      numbers(pick((r) => (r.satellites === null ? null : Math.round(r.satellites)))),
      booleans(pick((r) => r.valid)),
      texts(pick((r) => r.protocol)),
      texts(pick((r) => r.attributesJson)),
      reals(pick((r) => r.segmentM)),
      reals(pick((r) => r.segmentS)),
      booleans(pick((r) => r.moving)),
    ];
    const held = await this.pool.query<{ ord: number }>(this.opts.dailyRollup ? INSERT_WITH_ROLLUP_SQL : INSERT_SQL, params);
    return held.rows.map((h) => rows[h.ord - 1]);
  }
}

/** A PostgreSQL array literal of numbers; null and non-finite values become NULL, magnitudes below `floor` 0. */
export function numbers(values: readonly (number | null)[], floor = 0): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || !Number.isFinite(v) ? 'NULL' : Math.abs(v) < floor ? '0' : String(v);
  }
  return out + '}';
}

/**
 * Below float4's smallest normal magnitude PostgreSQL refuses a real ("out of range"):
 * a phone's speed of 1e-40 would cost it the whole position, so such values are 0.
 */
const FLOAT4_MIN_NORMAL = 1.1754943508222875e-38;

/** A PostgreSQL array literal for real columns: as `numbers`, with magnitudes float4 cannot hold as 0. */
export const reals = (values: readonly (number | null)[]): string => numbers(values, FLOAT4_MIN_NORMAL);

export function booleans(values: readonly (boolean | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null ? 'NULL' : v ? 't' : 'f';
  }
  return out + '}';
}

/** Every element double-quoted with `\` and `"` escaped (PostgreSQL array input syntax). */
export function texts(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    out += v === null ? 'NULL' : '"' + v.replace(/[\\"]/g, '\\$&') + '"';
  }
  return out + '}';
}
