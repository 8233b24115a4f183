import { sql, type Kysely } from 'kysely';
import type { LivePosition } from '../contract/live.ts';
import type { Database } from '../db/database.ts';

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

export async function positionsOfDevice(db: Kysely<Database>, deviceId: number, from: Date, to: Date, limit: number): Promise<PositionOut[]> {
  const rows = await db
    .selectFrom('positions')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('device_time', '>=', from)
    .where('device_time', '<', to)
    .orderBy('device_time', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
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
  }));
}

/** The newest position of every device (optionally one team's): the live snapshot and the collector list. */
export async function lastPositions(db: Kysely<Database>, teamId: number | null = null): Promise<LivePosition[]> {
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
    ]);
  if (teamId !== null) q = q.where('c.team_id', '=', teamId);
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
