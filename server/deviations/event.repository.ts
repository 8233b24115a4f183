import { sql, type Kysely } from 'kysely';
import { Value } from '@sinclair/typebox/value';
import { DeviationRulesSchema, SEVERITY_OF, type DeviationRules, type EventListQuery, type EventOut, type Severity } from '../contract/event.ts';
import type { Database } from '../db/database.ts';
import type { EventRow } from '../db/tables/event.table.ts';
import type { EngineEvent } from './engine/index.ts';

type Db = Kysely<Database>;

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function toEventOut(r: EventRow): EventOut {
  return {
    id: r.id,
    type: r.type,
    severity: r.severity,
    teamId: r.team_id,
    collectorId: r.collector_id,
    visitId: r.visit_id,
    openedAt: r.opened_at.toISOString(),
    closedAt: iso(r.closed_at),
    details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: iso(r.acknowledged_at),
  };
}

/** An event to store: the engine's, or a device's alarm, whose severity depends on its kind. */
export type NewEvent = EngineEvent & { severity?: Severity };

const toRow = (e: NewEvent) => ({
  type: e.type,
  severity: e.severity ?? SEVERITY_OF[e.type],
  team_id: e.teamId,
  collector_id: e.collectorId,
  visit_id: e.visitId ?? null,
  opened_at: new Date(e.openedAtMs),
  closed_at: e.closedAtMs === undefined ? null : new Date(e.closedAtMs),
  details: JSON.stringify(e.details),
});

/**
 * Stores new incidents; returns them in the order given, null for a `visit_skipped` stored already:
 * every instance watches every plan and raises the same skip (visit, deadline), and the unique index
 * events_visit_skipped_once (migration 0021) lets one row through, whichever instance comes first.
 * The rest go in one statement whose ids come from the serial column in VALUES order, so sorting
 * the returned rows by id restores that order; the skips in one more, matched by that index's key.
 */
export async function insertEvents(db: Db, events: readonly NewEvent[]): Promise<(EventOut | null)[]> {
  const out: (EventOut | null)[] = events.map(() => null);
  const skips = events.flatMap((e, i) => (e.type === 'visit_skipped' ? [i] : []));
  const others = events.flatMap((e, i) => (e.type === 'visit_skipped' ? [] : [i]));
  if (others.length > 0) {
    const rows = await db.insertInto('events').values(others.map((i) => toRow(events[i]))).returningAll().execute();
    rows.sort((a, b) => a.id - b.id).forEach((r, j) => (out[others[j]] = toEventOut(r)));
  }
  if (skips.length > 0) {
    const rows = await db
      .insertInto('events')
      .values(skips.map((i) => toRow(events[i])))
      .onConflict((oc) => oc.columns(['visit_id', 'opened_at']).where('type', '=', 'visit_skipped').doNothing())
      .returningAll()
      .execute();
    const byKey = new Map(rows.map((r) => [skipKey(r.visit_id, r.opened_at.getTime()), r]));
    for (const i of skips) {
      const key = skipKey(events[i].visitId ?? null, events[i].openedAtMs);
      const row = byKey.get(key);
      // The same skip twice in one batch (a visit moved between two plans at its deadline) is stored once too.
      byKey.delete(key);
      if (row) out[i] = toEventOut(row);
    }
  }
  return out;
}

const skipKey = (visitId: number | null, openedAtMs: number) => `${visitId}@${openedAtMs}`;

/**
 * Stores a device's alarm once: null when the same alarm (device, kind, device time) is stored
 * already, a tracker's resend (unique index events_alarm_once, migration 0014).
 */
export async function insertAlarmEvent(db: Db, event: NewEvent): Promise<EventOut | null> {
  const row = await db.insertInto('events').values(toRow(event)).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  return row ? toEventOut(row) : null;
}

/**
 * Opens a collector's `offline` event, or finds the one already open: every instance watching the
 * collector's plan sees the phone go quiet, and the unique index events_offline_once (migration 0016)
 * lets one event through. `adopted`: another instance's, which the caller closes when its own
 * incident ends, as it would its own. An open one the phone has reported since is closed first
 * (closeStaleOffline), and `closed` says so.
 */
export async function openOfflineEvent(db: Db, event: NewEvent): Promise<{ event: EventOut; adopted: boolean; closed: EventOut[] }> {
  const closed: EventOut[] = [];
  // The open one may close between the insert and the read: then the insert goes through on the next round.
  for (let round = 0; round < 3; round++) {
    const row = await db.insertInto('events').values(toRow(event)).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
    if (row) return { event: toEventOut(row), adopted: false, closed };
    const stale = await closeStaleOffline(db, event.collectorId);
    if (stale.length > 0) {
      closed.push(...stale);
      continue;
    }
    const open = await db.selectFrom('events').selectAll().where('type', '=', 'offline').where('collector_id', '=', event.collectorId).where('closed_at', 'is', null).executeTakeFirst();
    if (open) return { event: toEventOut(open), adopted: true, closed };
  }
  throw new Error(`offline event of collector ${event.collectorId} neither stored nor found open`);
}

/**
 * Closes open `offline` events whose phone has reported since they began (a minute's slack: no two
 * instances' quiet spells start further apart), at that report: left open by an instance that
 * stopped, maybe the day before, they would otherwise stay open, or be taken over by the next quiet
 * spell and say "offline since yesterday". One collector's, or (null) every collector's.
 */
export async function closeStaleOffline(db: Db, collectorId: number | null): Promise<EventOut[]> {
  const { rows } = await sql<EventRow>`
    with stale as (
      select e.id, (select p.device_time from positions p
                    where p.collector_id = e.collector_id and p.device_time > e.opened_at + interval '60 seconds'
                    order by p.device_time limit 1) as heard
      from events e
      where e.type = 'offline' and e.closed_at is null ${collectorId === null ? sql`` : sql`and e.collector_id = ${collectorId}`}
    )
    update events e set closed_at = s.heard, details = e.details || '{"closedBy":"reported_since"}'::jsonb
    from stale s
    where e.id = s.id and s.heard is not null and e.closed_at is null
    returning e.*`.execute(db);
  return rows.map(toEventOut);
}

/** The kinds whose incidents last, held by an engine rule between their open and close (offline aside: see openOfflineEvent). */
export const RESUMABLE_TYPES = ['off_route', 'long_stop', 'low_battery', 'speeding'] as const;

/** Open incidents of the resumable kinds, newest first (the newest of a collector's kind is the one to carry on). */
export async function openResumableEvents(db: Db): Promise<{ id: number; event: EngineEvent }[]> {
  const rows = await db.selectFrom('events').selectAll().where('type', 'in', RESUMABLE_TYPES).where('closed_at', 'is', null).orderBy('opened_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => {
    const e = toEventOut(r);
    return { id: e.id, event: { type: e.type, collectorId: e.collectorId, teamId: e.teamId, openedAtMs: Date.parse(e.openedAt), details: e.details, ...(e.visitId !== null ? { visitId: e.visitId } : {}) } };
  });
}

/**
 * Closes incidents nobody carries on (no plan today for the collector, the rule turned off, a second
 * of one kind) at the collector's last report since they opened and before the next local midnight:
 * where the engine would have closed them at the day's end (plan_removed), or at their opening.
 */
export async function closeUnwatched(db: Db, ids: readonly number[], nowMs: number): Promise<EventOut[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<EventRow>`
    with bounds as (
      select e.id, e.collector_id, e.opened_at,
             least(${new Date(nowMs)}::timestamptz,
                   ((date_trunc('day', e.opened_at at time zone t.time_zone) + interval '1 day') at time zone t.time_zone)) as until
      from events e join teams t on t.id = e.team_id
      where e.id = any(${ids}::int[]) and e.closed_at is null
    ), ends as (
      select b.id, coalesce((select max(p.device_time) from positions p
                             where p.collector_id = b.collector_id and p.device_time >= b.opened_at and p.device_time < b.until), b.opened_at) as at
      from bounds b
    )
    update events e set closed_at = ends.at, details = e.details || '{"closedBy":"not_watched"}'::jsonb
    from ends
    where e.id = ends.id and e.closed_at is null
    returning e.*`.execute(db);
  return rows.map(toEventOut);
}

export interface EventClose {
  id: number;
  closedAtMs: number;
  details: Record<string, unknown>;
}

/** Closes open incidents in one statement; returns the closed rows by id (one already closed is left as it was). */
export async function closeEvents(db: Db, closes: readonly EventClose[]): Promise<Map<number, EventOut>> {
  if (closes.length === 0) return new Map();
  const { rows } = await sql<EventRow>`
    update events e set closed_at = to_timestamp(v.closed_ms / 1000.0), details = v.details::jsonb
    from unnest(${closes.map((c) => c.id)}::int[], ${closes.map((c) => c.closedAtMs)}::float8[], ${closes.map((c) => JSON.stringify(c.details))}::text[])
      as v(id, closed_ms, details)
    where e.id = v.id and e.closed_at is null
    returning e.*`.execute(db);
  return new Map(rows.map((r) => [r.id, toEventOut(r)]));
}

/** team: the reader's scope (null = every team). */
export async function listEvents(db: Db, q: EventListQuery, team: number | null): Promise<EventOut[]> {
  let query = db.selectFrom('events').selectAll();
  if (team !== null) query = query.where('team_id', '=', team);
  if (q.teamId !== undefined) query = query.where('team_id', '=', q.teamId);
  if (q.collectorId !== undefined) query = query.where('collector_id', '=', q.collectorId);
  if (q.type !== undefined) query = query.where('type', '=', q.type);
  if (q.open === true) query = query.where('closed_at', 'is', null);
  if (q.open === false) query = query.where('closed_at', 'is not', null);
  // Overlap with [from, to): opened before `to` and not closed before `from`.
  if (q.to !== undefined) query = query.where('opened_at', '<', new Date(q.to));
  if (q.from !== undefined) {
    const from = new Date(q.from);
    query = query.where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]));
  }
  const rows = await query.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(q.limit ?? 200).execute();
  return rows.map(toEventOut);
}

export async function getEvent(db: Db, id: number): Promise<EventOut | null> {
  const row = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toEventOut(row) : null;
}

/**
 * The first acknowledgement stands: a second one returns the event as it was acknowledged. A device's
 * alarm has no condition that ends by itself: it stays open (on the wall, in every reconnecting
 * client's snapshot) until acknowledged, and the acknowledgement closes it.
 */
export async function acknowledgeEvent(db: Db, id: number, by: string): Promise<EventOut | null> {
  const row = await db
    .updateTable('events')
    .set({
      acknowledged_by: by,
      acknowledged_at: sql<Date>`now()`,
      closed_at: sql<Date | null>`case when type = 'alarm' then coalesce(closed_at, now()) else closed_at end`,
    })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row ? toEventOut(row) : getEvent(db, id);
}

export async function loadTeamRules(db: Db, teamId?: number): Promise<Map<number, DeviationRules>> {
  let q = db.selectFrom('deviation_rules').select(['team_id', 'rules']);
  if (teamId !== undefined) q = q.where('team_id', '=', teamId);
  const rows = await q.execute();
  // Stored settings are completed with today's defaults, so a rule added later starts at its default.
  return new Map(rows.map((r) => [r.team_id, completeRules(typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules)]));
}

export async function saveTeamRules(db: Db, teamId: number, rules: DeviationRules, by: string): Promise<void> {
  await db
    .insertInto('deviation_rules')
    .values({ team_id: teamId, rules: JSON.stringify(rules), updated_by: by })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ rules: JSON.stringify(rules), updated_by: by, updated_at: sql<Date>`now()` }))
    .execute();
}

export function completeRules(partial: unknown): DeviationRules {
  const base = Value.Create(DeviationRulesSchema) as Record<string, Record<string, unknown>>;
  const given = (partial ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const k of Object.keys(base)) base[k] = { ...base[k], ...(given[k] ?? {}) };
  return base as unknown as DeviationRules;
}
