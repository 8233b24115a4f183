import { sql, type Kysely, type Transaction } from 'kysely';
import type { TimeWindow, VisitOut, VisitStatus } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { notFound } from './errors.ts';

type Db = Kysely<Database> | Transaction<Database>;

export const minutesToHhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
export const hhmmToMinutes = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Visits with what a dispatcher needs of their account; dates come back as 'YYYY-MM-DD', never as a shifted Date. */
export function visitQuery(db: Db) {
  return db
    .selectFrom('visits as v')
    .innerJoin('accounts as a', 'a.id', 'v.account_id')
    .select([
      'v.id',
      'v.account_id',
      'a.name as account_name',
      'a.address',
      'a.lat',
      'a.lon',
      'v.team_id',
      'v.collector_id',
      sql<string>`to_char(v.visit_date, 'YYYY-MM-DD')`.as('visit_date'),
      'v.priority',
      'v.priority_override',
      'v.window_start_min',
      'v.window_end_min',
      'v.service_minutes',
      'v.status',
      'v.outcome',
      'v.note',
      'v.version',
      'v.updated_by',
      'v.updated_at',
    ]);
}

type VisitRow = Awaited<ReturnType<ReturnType<typeof visitQuery>['executeTakeFirstOrThrow']>>;

export function toVisitOut(r: VisitRow): VisitOut {
  const window: TimeWindow | null =
    r.window_start_min === null || r.window_end_min === null ? null : { start: minutesToHhmm(r.window_start_min), end: minutesToHhmm(r.window_end_min) };
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    address: r.address,
    lat: r.lat,
    lon: r.lon,
    teamId: r.team_id,
    collectorId: r.collector_id,
    date: r.visit_date,
    priority: r.priority,
    priorityOverride: r.priority_override,
    window,
    serviceMinutes: r.service_minutes,
    status: r.status,
    outcome: r.outcome,
    note: r.note,
    version: r.version,
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function getVisit(db: Db, id: number, scope: number | null = null): Promise<VisitOut> {
  const row = await visitQuery(db).where('v.id', '=', id).executeTakeFirst();
  if (!row || (scope !== null && row.team_id !== scope)) throw notFound('visit', id);
  return toVisitOut(row);
}

export interface VisitFilter {
  date?: string;
  teamId?: number;
  collectorId?: number;
  accountId?: number;
  status?: VisitStatus;
  limit?: number;
}

/** Highest priority first: the order a dispatcher works through a day. */
export async function listVisits(db: Db, f: VisitFilter, scope: number | null): Promise<VisitOut[]> {
  let q = visitQuery(db);
  if (scope !== null) q = q.where('v.team_id', '=', scope);
  if (f.teamId !== undefined) q = q.where('v.team_id', '=', f.teamId);
  if (f.date) q = q.where('v.visit_date', '=', f.date);
  if (f.collectorId !== undefined) q = q.where('v.collector_id', '=', f.collectorId);
  if (f.accountId !== undefined) q = q.where('v.account_id', '=', f.accountId);
  if (f.status) q = q.where('v.status', '=', f.status);
  const rows = await q.orderBy('v.visit_date', 'desc').orderBy('v.priority', 'desc').orderBy('v.id').limit(f.limit ?? 1000).execute();
  return rows.map(toVisitOut);
}
