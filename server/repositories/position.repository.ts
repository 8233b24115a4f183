import { sql, type Kysely } from 'kysely';
import type { DeviceUsed } from '../contract/device.ts';
import type { LivePosition } from '../contract/live.ts';
import type { Database } from '../db/database.ts';
import type { PositionRow } from '../db/tables/position.table.ts';

export interface PositionOut {
  ts: string;
  serverTime: string;
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
  attributes: Record<string, unknown>;
  segmentM: number | null;
}

/**
 * Whose positions a reader may see, as each position's collector (who carried the device then), not as
 * the device's holder now: a device handed to another collector or team takes no one's past with it.
 * `teamId` null: every team's and the pool's; `collectorId` null: any collector of the team.
 */
export interface TrailScope {
  teamId: number | null;
  collectorId: number | null;
}

/**
 * A device's positions in [from, to) within `scope`, oldest first, at most `limit`; `next`: the time of
 * the first one left out, where the rest starts (a device has one position per time: the primary key).
 */
export async function positionsOfDevice(
  db: Kysely<Database>,
  deviceId: number,
  scope: TrailScope,
  from: Date,
  to: Date,
  limit: number,
): Promise<{ positions: PositionOut[]; next: string | null }> {
  let query = db
    .selectFrom('positions')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('device_time', '>=', from)
    .where('device_time', '<', to);
  if (scope.collectorId !== null) query = query.where('collector_id', '=', scope.collectorId);
  if (scope.teamId !== null) {
    const team = scope.teamId;
    query = query.where('collector_id', 'in', (eb) => eb.selectFrom('collectors').select('id').where('team_id', '=', team));
  }
  const rows = await query.orderBy('device_time', 'asc').limit(limit + 1).execute();
  const rest = rows.length > limit ? rows.pop()! : null;
  return { positions: rows.map(toPositionOut), next: rest && new Date(rest.device_time).toISOString() };
}

/**
 * The devices that sent positions for a collector in [from, to), the last to report first: whichever
 * holds them now (a device handed on, a tracker swapped for a phone). On the (collector_id, device_time) index.
 */
export async function devicesOfCollector(db: Kysely<Database>, collectorId: number, from: Date, to: Date): Promise<DeviceUsed[]> {
  const rows = await db
    .selectFrom('positions as p')
    .innerJoin('devices as d', 'd.id', 'p.device_id')
    .select(['d.unique_id', 'd.protocol', (eb) => eb.fn.min('p.device_time').as('first'), (eb) => eb.fn.max('p.device_time').as('last')])
    .where('p.collector_id', '=', collectorId)
    .where('p.device_time', '>=', from)
    .where('p.device_time', '<', to)
    .groupBy('d.id')
    .orderBy('last', 'desc')
    .orderBy('d.unique_id')
    .execute();
  const iso = (t: Date | string) => new Date(t).toISOString();
  return rows.map((r) => ({ uniqueId: r.unique_id, protocol: r.protocol, firstTs: iso(r.first), lastTs: iso(r.last) }));
}

function toPositionOut(r: PositionRow): PositionOut {
  return {
    ts: new Date(r.device_time).toISOString(),
    serverTime: new Date(r.server_time).toISOString(),
    lat: r.lat,
    lon: r.lon,
    speedKph: r.speed_kph,
    courseDeg: r.course_deg,
    altitudeM: r.altitude_m,
    accuracyM: r.accuracy_m,
    batteryPct: r.battery_pct,
    satellites: r.satellites,
    valid: r.valid,
    protocol: r.protocol,
    attributes: r.attributes,
    segmentM: r.segment_m,
  };
}

/**
 * The newest position of every enabled device, optionally of one team's collectors and of one
 * collector's devices (a collector's own live snapshot): the live snapshot and the collector list.
 */
export async function lastPositions(db: Kysely<Database>, teamId: number | null = null, collectorId: number | null = null): Promise<LivePosition[]> {
  let q = db
    .selectFrom('device_last as l')
    .innerJoin('devices as d', 'd.id', 'l.device_id')
    .leftJoin('collectors as c', 'c.id', 'l.collector_id')
    .select([
      'l.device_id',
      'l.collector_id',
      'd.unique_id',
      'l.protocol',
      'l.device_time',
      'l.lat',
      'l.lon',
      'l.speed_kph',
      'l.course_deg',
      'l.battery_pct',
      'l.accuracy_m',
    ])
    // A disabled device is refused like an unknown one (migration 0013): its last report no longer says where its collector is.
    .where('d.active', '=', true);
  if (teamId !== null) q = q.where('c.team_id', '=', teamId);
  if (collectorId !== null) q = q.where('l.collector_id', '=', collectorId);
  const rows = await q.execute();
  return rows.map((r) => ({
    deviceId: r.device_id,
    collectorId: r.collector_id,
    uniqueId: r.unique_id,
    protocol: r.protocol,
    ts: new Date(r.device_time).toISOString(),
    lat: r.lat,
    lon: r.lon,
    speedKph: r.speed_kph,
    courseDeg: r.course_deg,
    batteryPct: r.battery_pct,
    accuracyM: r.accuracy_m,
  }));
}

export async function countPositions(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from positions`.execute(db);
  return r.rows[0].n;
}

/** How far before its silence began a report's device time may be and still be looked at (a buffered upload). */
const RECEIPT_LOOKBACK_MS = 3_600_000;

/**
 * The latest receipt (server time) stored for each of `after`'s collectors, where it is later than
 * the collector's given time: reports that another instance ingested. One query for them all; the
 * device-time bound keeps it on the (collector_id, device_time) index and today's chunks.
 */
export async function receiptsAfter(db: Kysely<Database>, after: ReadonlyMap<number, number>): Promise<Map<number, number>> {
  if (after.size === 0) return new Map();
  const earliest = Math.min(...after.values());
  const rows = await db
    .selectFrom('positions')
    .select(['collector_id', (eb) => eb.fn.max('server_time').as('last')])
    .where('collector_id', 'in', [...after.keys()])
    .where('device_time', '>', new Date(earliest - RECEIPT_LOOKBACK_MS))
    .where('server_time', '>', new Date(earliest))
    .groupBy('collector_id')
    .execute();
  const out = new Map<number, number>();
  for (const r of rows) {
    const lastMs = new Date(r.last as Date | string).getTime();
    if (r.collector_id !== null && lastMs > after.get(r.collector_id)!) out.set(r.collector_id, lastMs);
  }
  return out;
}

/**
 * A collector's fixes with device time in [fromMs, toMs], from any device and stored by any
 * instance: what a check-in's presence is judged on when the tracker reports through another
 * instance (SPEC §8). A range scan of the (collector_id, device_time) index.
 */
export async function fixesOfCollector(db: Kysely<Database>, collectorId: number, fromMs: number, toMs: number): Promise<{ tsMs: number; lat: number; lon: number }[]> {
  const rows = await db
    .selectFrom('positions')
    .select(['device_time', 'lat', 'lon'])
    .where('collector_id', '=', collectorId)
    .where('device_time', '>=', new Date(fromMs))
    .where('device_time', '<=', new Date(toMs))
    .execute();
  return rows.map((r) => ({ tsMs: new Date(r.device_time).getTime(), lat: r.lat, lon: r.lon }));
}
