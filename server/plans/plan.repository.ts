import { sql, type Kysely, type Transaction } from 'kysely';
import { PLAN_REFUSALS, type CollectorPlanSettings, type DoneVisit, type PlanOut, type PlanRoute, type TeamPlanSettings, type TeamPlanSettingsOut, type UnassignedVisit } from '../contract/plan.ts';
import type { VisitStatus } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import type { LonLat } from '../routing/matrix/index.ts';
import { refusal } from '../operations/errors.ts';
import { teamNotFound } from '../operations/missing-team.ts';
import { visitQuery } from '../operations/visit.repository.ts';
import { hhmmToMinutes, minutesToHhmm } from './local-time.ts';
import type { PlanningVisit } from './planning-problem.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Issue 4 defaults: 08:00–18:00, 25 visits a collector. */
export const DEFAULT_SHIFT_MIN = [480, 1080] as const;
export const DEFAULT_MAX_VISITS = 25;
/** Arbitrary key of the advisory lock that numbers plan versions per team (pg_advisory_xact_lock(key, team)). */
const PLAN_VERSION_LOCK = 40_404;

export interface TeamPlanning {
  id: number;
  timeZone: string;
  office: LonLat | null;
  shiftStartMin: number;
  shiftEndMin: number;
  maxVisits: number;
  /** Minutes after local midnight for the start window, and length in minutes. */
  break: { startMin: number; endMin: number; minutes: number } | null;
  /** Optimize caps each collector at their share of the day (TeamPlanSettings `evenShare`). */
  evenShare: boolean;
}

export async function loadTeamPlanning(db: Db, teamId: number): Promise<TeamPlanning> {
  const t = await db
    .selectFrom('teams as t')
    .leftJoin('team_plan_settings as s', 's.team_id', 't.id')
    .select(['t.id', 't.time_zone', 's.office_lat', 's.office_lon', 's.shift_start_min', 's.shift_end_min', 's.max_visits', 's.break_start_min', 's.break_end_min', 's.break_minutes', 's.even_share'])
    .where('t.id', '=', teamId)
    .executeTakeFirst();
  if (!t) throw teamNotFound(teamId);
  return {
    id: t.id,
    timeZone: t.time_zone,
    office: t.office_lat !== null && t.office_lon !== null ? [t.office_lon, t.office_lat] : null,
    shiftStartMin: t.shift_start_min ?? DEFAULT_SHIFT_MIN[0],
    shiftEndMin: t.shift_end_min ?? DEFAULT_SHIFT_MIN[1],
    maxVisits: t.max_visits ?? DEFAULT_MAX_VISITS,
    break:
      t.break_start_min !== null && t.break_end_min !== null && t.break_minutes
        ? { startMin: t.break_start_min, endMin: t.break_end_min, minutes: t.break_minutes }
        : null,
    evenShare: t.even_share ?? false,
  };
}

/** The team's settings as the optimizer reads them, in the terms they are set in. */
export function teamSettingsOut(t: TeamPlanning): TeamPlanSettingsOut {
  return {
    office: t.office ? { lat: t.office[1], lon: t.office[0] } : null,
    shift: { start: minutesToHhmm(t.shiftStartMin), end: minutesToHhmm(t.shiftEndMin) },
    maxVisitsPerCollector: t.maxVisits,
    break: t.break ? { start: minutesToHhmm(t.break.startMin), end: minutesToHhmm(t.break.endMin), minutes: t.break.minutes } : null,
    evenShare: t.evenShare,
  };
}

export interface CollectorPlanning {
  id: number;
  name: string;
  skills: string[];
  shiftStartMin: number | null;
  shiftEndMin: number | null;
  maxVisits: number | null;
  speedFactor: number;
}

/** The team's active collectors (all of them, or those of `ids`), by id. */
export async function loadCollectors(db: Db, teamId: number, ids: readonly number[] | null): Promise<CollectorPlanning[]> {
  let q = db
    .selectFrom('collectors as c')
    .leftJoin('collector_plan_settings as s', 's.collector_id', 'c.id')
    .select(['c.id', 'c.name', 's.skills', 's.shift_start_min', 's.shift_end_min', 's.max_visits', 's.speed_factor'])
    .where('c.team_id', '=', teamId)
    .where('c.active', '=', true);
  if (ids) q = q.where('c.id', 'in', ids.length ? [...ids] : [-1]);
  const rows = await q.orderBy('c.id').execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, skills: r.skills ?? [], shiftStartMin: r.shift_start_min, shiftEndMin: r.shift_end_min, maxVisits: r.max_visits,
    speedFactor: r.speed_factor ?? 1,
  }));
}

/** Each collector's newest position between two instants (the plan's day), from the per-device latest row. */
export async function latestPositions(db: Db, collectorIds: readonly number[], fromMs: number, toMs: number): Promise<Map<number, { at: LonLat; ms: number }>> {
  const out = new Map<number, { at: LonLat; ms: number }>();
  if (collectorIds.length === 0) return out;
  const rows = await db
    .selectFrom('device_last')
    .select(['collector_id', 'lat', 'lon', 'device_time'])
    .where('collector_id', 'in', [...collectorIds])
    .where('device_time', '>=', new Date(fromMs))
    .where('device_time', '<', new Date(toMs))
    .execute();
  for (const r of rows) {
    const ms = new Date(r.device_time).getTime();
    const prev = out.get(r.collector_id!);
    if (!prev || ms > prev.ms) out.set(r.collector_id!, { at: [r.lon, r.lat], ms });
  }
  return out;
}

const OPEN = ['planned', 'assigned', 'en_route', 'arrived'] as const;

/**
 * The day's visits still to do, with their planning attributes. `collectors`
 * null = every open visit of the team; otherwise those of these collectors,
 * plus the unassigned ones when `withUnassigned`.
 */
export async function loadOpenVisits(
  db: Db,
  teamId: number,
  date: string,
  collectors: readonly number[] | null,
  withUnassigned: boolean,
): Promise<PlanningVisit[]> {
  let q = visitQuery(db)
    .leftJoin('visit_plan as p', 'p.visit_id', 'v.id')
    .select(['p.required_skills', 'p.pinned', 'p.locked', 'p.sequence'])
    .where('v.team_id', '=', teamId)
    .where('v.visit_date', '=', date)
    .where('v.status', 'in', [...OPEN]);
  if (collectors) {
    const ids = collectors.length ? [...collectors] : [-1];
    q = q.where((eb) => (withUnassigned ? eb.or([eb('v.collector_id', 'in', ids), eb('v.collector_id', 'is', null)]) : eb('v.collector_id', 'in', ids)));
  }
  const rows = await q.orderBy('v.id').execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    accountId: r.account_id,
    accountName: r.account_name,
    address: r.address,
    lat: r.lat,
    lon: r.lon,
    windowStartMin: r.window_start_min,
    windowEndMin: r.window_end_min,
    serviceMinutes: r.service_minutes,
    priority: r.priority,
    status: r.status,
    collectorId: r.collector_id,
    pinned: r.pinned ?? false,
    locked: r.locked ?? false,
    skills: r.required_skills ?? [],
    sequence: r.sequence,
  }));
}

export interface StoredPlan {
  id: number;
  version: number;
  kind: 'optimize' | 'reassign';
  provider: string;
  createdBy: string;
  createdAt: Date;
  unassigned: UnassignedVisit[];
  /** Route JSON text by collector, as stored. */
  routes: Map<number, string>;
}

export async function latestPlan(db: Db, teamId: number, date: string): Promise<StoredPlan | null> {
  const p = await db
    .selectFrom('plans')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('plan_date', '=', date)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!p) return null;
  const routes = await db.selectFrom('plan_routes').select(['collector_id', 'route']).where('plan_id', '=', p.id).orderBy('collector_id').execute();
  return {
    id: p.id,
    version: p.version,
    kind: p.kind,
    provider: p.provider,
    createdBy: p.created_by,
    createdAt: new Date(p.created_at),
    unassigned: JSON.parse(p.unassigned) as UnassignedVisit[],
    routes: new Map(routes.map((r) => [r.collector_id, r.route])),
  };
}

export type VisitStates = ReadonlyMap<number, { status: VisitStatus; version: number; doneAt: string | null }>;

const DONE = ['completed', 'missed'] as const;

/**
 * When a closed visit was done: the collector's first check-in at it (the one that closed it; a phone
 * that buffered through bad coverage reports it late, with its own time), else when it was closed
 * (by hand, through the API).
 */
const doneAt = sql<Date | string>`coalesce((select min(c.ts) from checkins c where c.visit_id = v.id), v.updated_at)`;
const iso = (at: Date | string) => new Date(at).toISOString();

/**
 * The current status and version of a team's visits of a day, and when each closed one was done. A
 * stored route keeps its stops as they were when it was planned; the plan is read with these, so a
 * visit paid since reads `completed` in the API and on the phone.
 */
export async function visitStates(db: Db, teamId: number, date: string): Promise<VisitStates> {
  const rows = await db
    .selectFrom('visits as v')
    .select(['v.id', 'v.status', 'v.version', sql<Date | string | null>`case when v.status in ('completed', 'missed', 'cancelled') then ${doneAt} end`.as('done_at')])
    .where('v.team_id', '=', teamId)
    .where('v.visit_date', '=', date)
    .execute();
  return new Map(rows.map((r) => [r.id, { status: r.status, version: r.version, doneAt: r.done_at === null ? null : iso(r.done_at) }]));
}

/**
 * The visits of `collectorIds` done or missed on the day, by collector, in the order they were done:
 * what a re-plan, which routes only the open ones, keeps of each collector's day (PlanRoute `done`).
 */
export async function doneVisits(db: Db, teamId: number, date: string, collectorIds: readonly number[]): Promise<Map<number, DoneVisit[]>> {
  const out = new Map<number, DoneVisit[]>();
  if (collectorIds.length === 0) return out;
  const rows = await visitQuery(db)
    .select(doneAt.as('done_at'))
    .where('v.team_id', '=', teamId)
    .where('v.visit_date', '=', date)
    .where('v.collector_id', 'in', [...collectorIds])
    .where('v.status', 'in', [...DONE])
    .orderBy('done_at')
    .orderBy('v.id')
    .execute();
  for (const r of rows) {
    const visit: DoneVisit = {
      visitId: r.id,
      visitVersion: r.version,
      accountId: r.account_id,
      accountName: r.account_name,
      address: r.address,
      lat: r.lat,
      lon: r.lon,
      status: r.status as DoneVisit['status'],
      window: r.window_start_min !== null && r.window_end_min !== null ? { start: minutesToHhmm(r.window_start_min), end: minutesToHhmm(r.window_end_min) } : null,
      doneAt: iso(r.done_at),
    };
    out.set(r.collector_id!, [...(out.get(r.collector_id!) ?? []), visit]);
  }
  return out;
}

/** The stored plan with each stop's current status and version (`states`), and when each closed one was done. */
export function toPlanOut(p: StoredPlan, team: { id: number; timeZone: string }, date: string, changed: readonly number[], states: VisitStates): PlanOut {
  const routes = [...p.routes.values()].map((text) => {
    const route = JSON.parse(text) as PlanRoute;
    for (const stop of route.stops) {
      const now = states.get(stop.visitId);
      if (!now) continue;
      Object.assign(stop, { status: now.status, visitVersion: now.version });
      if (now.doneAt !== null) stop.doneAt = now.doneAt;
    }
    for (const visit of route.done ?? []) {
      const now = states.get(visit.visitId);
      if (now) Object.assign(visit, { visitVersion: now.version, ...(now.doneAt !== null ? { doneAt: now.doneAt } : {}) });
    }
    return route;
  });
  return {
    id: p.id,
    teamId: team.id,
    date,
    version: p.version,
    kind: p.kind,
    provider: p.provider,
    timeZone: team.timeZone,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    routes,
    unassigned: p.unassigned,
    changedCollectorIds: [...changed],
  };
}

/** The next version of a team's day; the advisory lock makes concurrent writers number one after the other. */
export async function insertPlan(
  tx: Transaction<Database>,
  p: { teamId: number; date: string; kind: 'optimize' | 'reassign'; provider: string; createdBy: string; unassigned: UnassignedVisit[]; routes: Map<number, string> },
): Promise<StoredPlan> {
  await sql`select pg_advisory_xact_lock(${PLAN_VERSION_LOCK}, ${p.teamId})`.execute(tx);
  const last = await tx
    .selectFrom('plans')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('team_id', '=', p.teamId)
    .where('plan_date', '=', p.date)
    .executeTakeFirst();
  const version = (last?.v ?? 0) + 1;
  const row = await tx
    .insertInto('plans')
    .values({ team_id: p.teamId, plan_date: p.date, version, kind: p.kind, provider: p.provider, created_by: p.createdBy, unassigned: JSON.stringify(p.unassigned) })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
  const routes = [...p.routes].sort((a, b) => a[0] - b[0]);
  if (routes.length > 0) {
    await tx.insertInto('plan_routes').values(routes.map(([collectorId, route]) => ({ plan_id: row.id, collector_id: collectorId, route }))).execute();
  }
  return { id: row.id, version, kind: p.kind, provider: p.provider, createdBy: p.createdBy, createdAt: new Date(row.created_at), unassigned: p.unassigned, routes: new Map(routes) };
}

/** Where the plan put each visit (sequence and ETA), or that it left it out (nulls), in one statement. */
export async function setPlacements(tx: Transaction<Database>, planId: number, rows: { visitId: number; sequence: number | null; eta: Date | null }[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('visit_plan')
    .values(rows.map((r) => ({ visit_id: r.visitId, plan_id: planId, sequence: r.sequence, eta: r.eta })))
    .onConflict((oc) =>
      oc.column('visit_id').doUpdateSet((eb) => ({ plan_id: eb.ref('excluded.plan_id'), sequence: eb.ref('excluded.sequence'), eta: eb.ref('excluded.eta') })),
    )
    .execute();
}

/**
 * The team's day as a new version without `visitIds` (on its routes or among its unassigned): visits
 * that left the team with their account, which its board and its collectors' phones must no longer
 * show. The routes that held none are carried over as stored; a route that held one keeps its other
 * stops, numbered again, with its distances, times and path as planned until the next re-plan (as
 * when a visit on it is cancelled). Null when the day's latest version holds none of them.
 * The version lock is taken before the latest version is read, so a plan stored meanwhile is built on.
 */
export async function storePlanWithout(
  tx: Transaction<Database>,
  teamId: number,
  date: string,
  visitIds: ReadonlySet<number>,
  createdBy: string,
): Promise<{ plan: StoredPlan; changed: number[] } | null> {
  await sql`select pg_advisory_xact_lock(${PLAN_VERSION_LOCK}, ${teamId})`.execute(tx);
  const prev = await latestPlan(tx, teamId, date);
  if (!prev) return null;
  const routes = new Map<number, string>();
  const changed: number[] = [];
  for (const [collectorId, text] of prev.routes) {
    const route = JSON.parse(text) as PlanRoute;
    if (!route.stops.some((s) => visitIds.has(s.visitId))) {
      routes.set(collectorId, text);
      continue;
    }
    changed.push(collectorId);
    routes.set(collectorId, JSON.stringify(withoutStops(route, visitIds)));
  }
  const unassigned = prev.unassigned.filter((u) => !visitIds.has(u.visitId));
  if (changed.length === 0 && unassigned.length === prev.unassigned.length) return null;
  const plan = await insertPlan(tx, { teamId, date, kind: 'reassign', provider: prev.provider, createdBy, unassigned, routes });
  return { plan, changed };
}

/** The route without those stops, the others numbered 1… again and each break still after the stop it followed. */
function withoutStops(route: PlanRoute, visitIds: ReadonlySet<number>): PlanRoute {
  const kept = route.stops.filter((s) => !visitIds.has(s.visitId));
  const renumbered = (sequence: number) => kept.filter((s) => s.sequence <= sequence).length;
  return {
    ...route,
    stops: kept.map((s, i) => ({ ...s, sequence: i + 1 })),
    ...(route.breaks ? { breaks: route.breaks.map((b) => ({ ...b, afterSequence: renumbered(b.afterSequence) })) } : {}),
  };
}

/** Visits off every plan: no place on a route, and no dispatcher's pin or lock to one (their skills stay theirs). */
export async function clearPlacements(tx: Transaction<Database>, visitIds: readonly number[]): Promise<void> {
  if (visitIds.length === 0) return;
  await tx.updateTable('visit_plan').set({ plan_id: null, sequence: null, eta: null, pinned: false, locked: false }).where('visit_id', 'in', [...visitIds]).execute();
}

export async function setVisitFlags(db: Db, visitId: number, flags: { pinned?: boolean; locked?: boolean; skills?: string[] }): Promise<void> {
  const set = {
    ...(flags.pinned !== undefined ? { pinned: flags.pinned } : {}),
    ...(flags.locked !== undefined ? { locked: flags.locked } : {}),
    ...(flags.skills !== undefined ? { required_skills: flags.skills } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await db
    .insertInto('visit_plan')
    .values({ visit_id: visitId, ...set })
    .onConflict((oc) => oc.column('visit_id').doUpdateSet(set))
    .execute();
}

/** The unique ids of each collector's devices: where its plan is published (SPEC §5). */
export async function devicesOf(db: Db, collectorIds: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (collectorIds.length === 0) return out;
  // A disabled device gets no plan: it may be lost, and its retained plan was cleared when it was disabled.
  const rows = await db.selectFrom('devices').select(['collector_id', 'unique_id']).where('collector_id', 'in', [...collectorIds]).where('active', '=', true).orderBy('unique_id').execute();
  for (const r of rows) out.set(r.collector_id!, [...(out.get(r.collector_id!) ?? []), r.unique_id]);
  return out;
}

/** A shift runs within one day: one ending when or before it starts (18:00–08:00) would plan nothing. */
function assertShift(shift: { start: string; end: string } | null | undefined): void {
  if (shift && hhmmToMinutes(shift.end) <= hhmmToMinutes(shift.start)) throw refusal(PLAN_REFUSALS, 'shift_ends_before_start', `shift ${shift.start}–${shift.end} must end after it starts, within the day`, {});
}

export async function saveTeamSettings(db: Db, teamId: number, s: TeamPlanSettings): Promise<void> {
  if (s.break && hhmmToMinutes(s.break.start) > hhmmToMinutes(s.break.end)) {
    throw refusal(PLAN_REFUSALS, 'break_ends_before_start', `break window ${s.break.start}–${s.break.end} ends before it starts`, {});
  }
  assertShift(s.shift);
  const set = {
    ...(s.office !== undefined ? { office_lat: s.office?.lat ?? null, office_lon: s.office?.lon ?? null } : {}),
    ...(s.shift ? { shift_start_min: hhmmToMinutes(s.shift.start), shift_end_min: hhmmToMinutes(s.shift.end) } : {}),
    ...(s.maxVisitsPerCollector !== undefined ? { max_visits: s.maxVisitsPerCollector } : {}),
    ...(s.break !== undefined
      ? s.break
        ? { break_start_min: hhmmToMinutes(s.break.start), break_end_min: hhmmToMinutes(s.break.end), break_minutes: s.break.minutes }
        : { break_start_min: null, break_end_min: null, break_minutes: 0 }
      : {}),
    ...(s.evenShare !== undefined ? { even_share: s.evenShare } : {}),
  };
  const q = db.insertInto('team_plan_settings').values({ team_id: teamId, office_lat: null, office_lon: null, ...set });
  await (Object.keys(set).length ? q.onConflict((oc) => oc.column('team_id').doUpdateSet(set)) : q.onConflict((oc) => oc.doNothing())).execute();
}

export async function saveCollectorSettings(db: Db, collectorId: number, s: CollectorPlanSettings): Promise<void> {
  assertShift(s.shift);
  const set = {
    ...(s.skills !== undefined ? { skills: s.skills } : {}),
    ...(s.shift !== undefined ? { shift_start_min: s.shift ? hhmmToMinutes(s.shift.start) : null, shift_end_min: s.shift ? hhmmToMinutes(s.shift.end) : null } : {}),
    ...(s.maxVisits !== undefined ? { max_visits: s.maxVisits } : {}),
    ...(s.speedFactor !== undefined ? { speed_factor: s.speedFactor } : {}),
  };
  const q = db.insertInto('collector_plan_settings').values({ collector_id: collectorId, shift_start_min: null, shift_end_min: null, max_visits: null, ...set });
  await (Object.keys(set).length ? q.onConflict((oc) => oc.column('collector_id').doUpdateSet(set)) : q.onConflict((oc) => oc.doNothing())).execute();
}
