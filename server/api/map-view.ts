import { sql, type Kysely, type OperationNodeSource } from 'kysely';
import type { Database } from '../db/database.ts';

export type MapView = { center: [number, number]; zoom: number };

/** Nothing known yet (a new install with no debtors nor reports): the whole world, not some city. */
export const WORLD_VIEW: MapView = { center: [0, 20], zoom: 2 };
/** An office or the demo city's centre: street level, as the demo has always opened. */
const PLACE_ZOOM = 14;

/** The 10th, 50th and 90th percentiles of a set of points' coordinates, and how many there are. */
interface Spread {
  n: number | string;
  lat10: number | null;
  lat50: number | null;
  lat90: number | null;
  lon10: number | null;
  lon50: number | null;
  lon90: number | null;
}

/**
 * Where the dashboard's map opens for a user (GET /api/map/config): their team's office; else the
 * middle of their team's debtors, or of their collectors' last positions; for a user of no team (or
 * a team with none of those), the demo city under the demo, else every team's debtors, then every
 * device. A Bogotá lender's supervisor opens on Bogotá, not on the demo's Guadalajara.
 */
export async function mapViewFor(db: Kysely<Database>, teamId: number | null, demoCenter: [number, number] | null): Promise<MapView> {
  if (teamId !== null) {
    const office = await db.selectFrom('team_plan_settings').select(['office_lat', 'office_lon']).where('team_id', '=', teamId).executeTakeFirst();
    if (office?.office_lat != null && office.office_lon != null) return { center: [office.office_lon, office.office_lat], zoom: PLACE_ZOOM };
    const view = viewOf(await accountSpread(db, teamId)) ?? viewOf(await positionSpread(db, teamId));
    if (view) return view;
  }
  if (demoCenter) return { center: demoCenter, zoom: PLACE_ZOOM };
  return viewOf(await accountSpread(db, null)) ?? viewOf(await positionSpread(db, null)) ?? WORLD_VIEW;
}

async function accountSpread(db: Kysely<Database>, teamId: number | null): Promise<Spread | undefined> {
  let q = db.selectFrom('accounts').select(['lat', 'lon']).where('lat', 'is not', null).where('lon', 'is not', null);
  if (teamId !== null) q = q.where('team_id', '=', teamId);
  return spreadOf(db, q);
}

async function positionSpread(db: Kysely<Database>, teamId: number | null): Promise<Spread | undefined> {
  let q = db.selectFrom('device_last as d').innerJoin('collectors as c', 'c.id', 'd.collector_id').select(['d.lat', 'd.lon']);
  if (teamId !== null) q = q.where('c.team_id', '=', teamId);
  return spreadOf(db, q);
}

async function spreadOf(db: Kysely<Database>, points: OperationNodeSource): Promise<Spread | undefined> {
  const r = await sql<Spread>`
    select count(*) as n,
      percentile_cont(0.1) within group (order by x.lat) as lat10,
      percentile_cont(0.5) within group (order by x.lat) as lat50,
      percentile_cont(0.9) within group (order by x.lat) as lat90,
      percentile_cont(0.1) within group (order by x.lon) as lon10,
      percentile_cont(0.5) within group (order by x.lon) as lon50,
      percentile_cont(0.9) within group (order by x.lon) as lon90
    from (${points}) as x`.execute(db);
  return r.rows[0];
}

/**
 * The median point, zoomed so the middle 80% of the points fit one and a half times over in a
 * ~1200×700 px view (MapLibre's 512 px tiles): a city's portfolio opens at city level.
 */
export function viewOf(s: Spread | undefined): MapView | null {
  if (!s || Number(s.n) === 0 || s.lat50 === null || s.lon50 === null) return null;
  const spanLon = Math.max(1.5 * (Number(s.lon90) - Number(s.lon10)), 1e-6);
  const spanLat = Math.max(1.5 * (Number(s.lat90) - Number(s.lat10)), 1e-6);
  const cosLat = Math.cos((Number(s.lat50) * Math.PI) / 180);
  const zoom = Math.min(Math.log2((1200 * 360) / 512 / spanLon), Math.log2((700 * 360 * cosLat) / 512 / spanLat));
  return { center: [Number(s.lon50), Number(s.lat50)], zoom: Math.max(3, Math.min(PLACE_ZOOM, Math.floor(zoom * 2) / 2)) };
}
