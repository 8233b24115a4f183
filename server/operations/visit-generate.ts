import { sql, type Kysely } from 'kysely';
import type { GenerateReport, VisitOut } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { haversineM } from '../routing/geometry/haversine.ts';
import { actorLabel, assertCanWrite, type Actor } from './actor.ts';
import { toVisitOut, visitQuery } from './visit.repository.ts';
import { visitPriority } from './visit-priority.ts';

/** Arbitrary key of the advisory lock that serializes generation per team. */
const GENERATE_LOCK = 50_501;

interface Due {
  id: number;
  lat: number;
  lon: number;
  priority: number;
}

interface Collector {
  id: number;
  anchor: [number, number] | null;
  load: number;
}

/**
 * Spreads ranked visits over collectors: each goes to the nearest collector
 * (by last known position) that is below an even share, so every collector
 * gets a compact, equal day; collectors with no position are filled round
 * robin. The optimizer orders each day later (issue 6).
 */
export function assignNearest(due: Due[], collectors: Collector[], maxPerCollector: number): Map<number, number> {
  const out = new Map<number, number>();
  if (collectors.length === 0) return out;
  const share = Math.min(maxPerCollector, Math.ceil(due.length / collectors.length));
  for (const d of due) {
    let best: Collector | null = null;
    let bestDist = Infinity;
    for (const c of collectors) {
      if (c.load >= share) continue;
      const dist = c.anchor ? haversineM(c.anchor, [d.lon, d.lat]) : Infinity;
      if (!best || dist < bestDist || (dist === bestDist && c.load < best.load)) {
        best = c;
        bestDist = dist;
      }
    }
    if (!best) break;
    best.load++;
    out.set(d.id, best.id);
  }
  return out;
}

/**
 * "Generate tomorrow's visits from the portfolio with one call" (issue 5):
 * accounts with money overdue (or a broken promise), not already visited that
 * day and not covered by a promise still pending, ranked by priority.
 */
export async function generateVisits(
  db: Kysely<Database>,
  opts: { date: string; teamIds: number[]; maxPerCollector: number; actor: Actor; now?: Date },
): Promise<GenerateReport> {
  const now = opts.now ?? new Date();
  const report: GenerateReport = { date: opts.date, created: 0, skippedNoLocation: 0, skippedCapacity: 0, alreadyPlanned: 0, visits: [] };
  for (const teamId of opts.teamIds) assertCanWrite(opts.actor, teamId);
  const ids = await db.transaction().execute(async (tx) => {
    const created: number[] = [];
    for (const teamId of opts.teamIds) {
      // Two dispatchers pressing "generate" together must not create each visit twice.
      await sql`select pg_advisory_xact_lock(${GENERATE_LOCK}, ${teamId})`.execute(tx);
      const dueInTeam = tx
        .selectFrom('accounts as a')
        .where('a.team_id', '=', teamId)
        .where('a.balance_due', '>', 0)
        .where((eb) => eb.or([eb('a.days_past_due', '>', 0), eb('a.broken_promises', '>', 0)]));
      // A second run finds them all visited: said, so "0 created" does not read as a portfolio with nothing due.
      const planned = await dueInTeam
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(({ exists, selectFrom }) =>
          exists(selectFrom('visits as v').select('v.id').whereRef('v.account_id', '=', 'a.id').where('v.visit_date', '=', opts.date).where('v.status', '<>', 'cancelled')),
        )
        .executeTakeFirstOrThrow();
      report.alreadyPlanned += Number(planned.n);
      const accounts = await dueInTeam
        .select(['a.id', 'a.lat', 'a.lon', 'a.balance_due', 'a.days_past_due', 'a.broken_promises', 'a.last_contact_at'])
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('visits as v').select('v.id').whereRef('v.account_id', '=', 'a.id').where('v.visit_date', '=', opts.date).where('v.status', '<>', 'cancelled'))),
        )
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('promises as p').select('p.id').whereRef('p.account_id', '=', 'a.id').where('p.status', '=', 'pending').where('p.due_date', '>=', opts.date))),
        )
        .execute();
      const due: Due[] = [];
      for (const a of accounts) {
        if (a.lat === null || a.lon === null) {
          report.skippedNoLocation++;
          continue;
        }
        const priority = visitPriority({ balanceDue: a.balance_due, daysPastDue: a.days_past_due, brokenPromises: a.broken_promises, lastContactAt: a.last_contact_at, now });
        due.push({ id: a.id, lat: a.lat, lon: a.lon, priority });
      }
      due.sort((x, y) => y.priority - x.priority || x.id - y.id);

      const collectorRows = await tx
        .selectFrom('collectors as c')
        .leftJoin('device_last as l', 'l.collector_id', 'c.id')
        .select(['c.id', 'l.lat', 'l.lon', 'l.device_time'])
        .where('c.team_id', '=', teamId)
        .where('c.active', '=', true)
        .orderBy('c.id')
        .execute();
      const collectors = new Map<number, Collector & { at: number }>();
      for (const r of collectorRows) {
        const at = r.device_time ? new Date(r.device_time).getTime() : -1;
        const prev = collectors.get(r.id);
        if (!prev || at > prev.at) collectors.set(r.id, { id: r.id, anchor: r.lat === null || r.lon === null ? null : [r.lon, r.lat], load: 0, at });
      }
      const assigned = assignNearest(due, [...collectors.values()], opts.maxPerCollector);
      // With no collector in the team every due account is planned, waiting for one.
      const chosen = collectors.size === 0 ? due : due.filter((d) => assigned.has(d.id));
      report.skippedCapacity += due.length - chosen.length;
      if (chosen.length === 0) continue;
      const rows = await tx
        .insertInto('visits')
        .values(
          chosen.map((d) => {
            const collectorId = assigned.get(d.id) ?? null;
            return {
              account_id: d.id,
              team_id: teamId,
              collector_id: collectorId,
              visit_date: opts.date,
              priority: d.priority,
              status: collectorId === null ? ('planned' as const) : ('assigned' as const),
              updated_by: actorLabel(opts.actor),
            };
          }),
        )
        .returning('id')
        .execute();
      created.push(...rows.map((r) => r.id));
    }
    return created;
  });
  const visits: VisitOut[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await visitQuery(db).where('v.id', 'in', ids.slice(i, i + 1000)).execute();
    visits.push(...rows.map(toVisitOut));
  }
  visits.sort((a, b) => b.priority - a.priority || a.id - b.id);
  return { ...report, created: ids.length, visits };
}
