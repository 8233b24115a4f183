import { sql, type Kysely, type Transaction } from 'kysely';
import { CHECKIN_REFUSALS, visitStatusAfter, type CheckinFlag, type CheckinIn, type CheckinOut } from '../contract/checkin.ts';
import type { VisitOut } from '../contract/visit.ts';
import { VISIT_TRANSITIONS } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { transactionRetryingDeadlock } from '../db/retry-deadlock.ts';
import { haversineM } from '../routing/geometry/haversine.ts';
import { actorLabel, assertCanWriteRecord } from './actor.ts';
import { notFound, refusal } from './errors.ts';
import { ON_SITE_LOOKBACK_MS, presenceAt, type Fix } from './on-site.ts';
import { AlreadyStored, assertResend, parseTs, type RecordSource } from './record-source.ts';
import { getVisit } from './visit.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CheckinOptions {
  /** A check-in farther than this from the address is flagged (issue 5). */
  radiusM: number;
  /** Positions of the collector's devices this many minutes either side of the check-in count as presence. */
  presenceWindowMin: number;
}
export const DEFAULT_CHECKIN_OPTIONS: CheckinOptions = { radiusM: 150, presenceWindowMin: 10 };

export interface CheckinRecorded {
  duplicate: boolean;
  checkin: CheckinOut;
  /** The visit after the check-in moved it; null for a resend or a visit already closed. */
  visit: VisitOut | null;
}

function checkinQuery(db: Db) {
  return db
    .selectFrom('checkins')
    .select([
      'id', 'visit_id', 'account_id', 'team_id', 'collector_id', 'ts', 'lat', 'lon', 'outcome', 'note', 'promise_amount', 'distance_m', 'flags',
      sql<string | null>`to_char(promise_date, 'YYYY-MM-DD')`.as('promise_date'),
    ]);
}

function toCheckinOut(r: Awaited<ReturnType<ReturnType<typeof checkinQuery>['executeTakeFirstOrThrow']>>): CheckinOut {
  return {
    id: r.id,
    visitId: r.visit_id,
    accountId: r.account_id,
    teamId: r.team_id,
    collectorId: r.collector_id,
    ts: new Date(r.ts).toISOString(),
    lat: r.lat,
    lon: r.lon,
    outcome: r.outcome,
    note: r.note,
    promiseDate: r.promise_date,
    promiseAmount: r.promise_amount,
    distanceM: r.distance_m === null ? null : Math.round(r.distance_m),
    flags: r.flags,
  };
}

export async function listCheckins(
  db: Db,
  f: { teamId?: number; visitId?: number; accountId?: number; flagged?: boolean; collectorId?: number; from?: string; to?: string; limit?: number },
  scope: number | null,
): Promise<CheckinOut[]> {
  let q = checkinQuery(db);
  if (scope !== null) q = q.where('team_id', '=', scope);
  if (f.teamId !== undefined) q = q.where('team_id', '=', f.teamId);
  if (f.visitId !== undefined) q = q.where('visit_id', '=', f.visitId);
  if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
  if (f.flagged !== undefined) q = q.where(sql<boolean>`(cardinality(flags) > 0)`, '=', f.flagged);
  if (f.collectorId !== undefined) q = q.where('collector_id', '=', f.collectorId);
  if (f.from !== undefined) q = q.where('ts', '>=', new Date(f.from));
  if (f.to !== undefined) q = q.where('ts', '<', new Date(f.to));
  return (await q.orderBy('ts', 'desc').limit(f.limit ?? 200).execute()).map(toCheckinOut);
}


/**
 * Stores a check-in once per client id (SPEC §2), checks it against the
 * address and the collector's own trail, moves the visit, and records a
 * promise to pay — all in one transaction.
 */
export async function recordCheckin(db: Kysely<Database>, input: CheckinIn, source: RecordSource, opts: CheckinOptions = DEFAULT_CHECKIN_OPTIONS): Promise<CheckinRecorded> {
  const id = input.id.toLowerCase();
  const ts = parseTs(input.ts);
  if (input.outcome === 'promise' && (input.promiseDate == null || input.promiseAmount == null)) {
    throw refusal(CHECKIN_REFUSALS, 'promise_incomplete', 'a promise check-in needs promiseDate and promiseAmount', {});
  }
  if (input.outcome !== 'promise' && (input.promiseDate != null || input.promiseAmount != null)) {
    throw refusal(CHECKIN_REFUSALS, 'promise_not_a_promise', `a check-in with outcome ${input.outcome} carries no promise: leave out promiseDate and promiseAmount`, { outcome: input.outcome });
  }
  const resend = async () => {
    const stored = await storedCheckin(db, id, input, ts);
    if (!stored) return undefined;
    assertResend(source, stored.row, 'check-in', id, stored.differing);
    return { duplicate: true, checkin: toCheckinOut(stored.row), visit: null };
  };
  const earlier = await resend();
  if (earlier) return earlier;
  try {
    return await transactionRetryingDeadlock(db, async (tx) => {
      const visit = await tx
        .selectFrom('visits as v')
        .innerJoin('accounts as a', 'a.id', 'v.account_id')
        .innerJoin('teams as t', 't.id', 'v.team_id')
        .select(['v.id', 'v.status', 'v.team_id', 'v.collector_id', 'v.account_id', 'a.lat', 'a.lon'])
        // The check-in's day where the team works, and a year on: the range a promise made that day may fall due in.
        .select(sql<string>`to_char((${ts}::timestamptz at time zone t.time_zone)::date, 'YYYY-MM-DD')`.as('day'))
        .select(sql<string>`to_char((${ts}::timestamptz at time zone t.time_zone)::date + 366, 'YYYY-MM-DD')`.as('year_on'))
        .where('v.id', '=', input.visitId)
        .forUpdate('v')
        .executeTakeFirst();
      if (!visit) throw notFound('visit', input.visitId);
      assertCanWriteRecord(source.actor, visit.team_id, 'visit', input.visitId);
      const due = input.promiseDate;
      if (due != null && (due < visit.day || due > visit.year_on)) {
        throw refusal(CHECKIN_REFUSALS, 'promise_date_out_of_range', `promiseDate ${due} is not between the check-in's day ${visit.day} and a year after it (${visit.year_on})`, {
          promiseDate: due,
          from: visit.day,
          to: visit.year_on,
        });
      }
      const collectorId = source.collectorId ?? visit.collector_id;

      const flags: CheckinFlag[] = [];
      let distanceM: number | null = null;
      let onSiteS: number | null = null;
      if (visit.lat !== null && visit.lon !== null) {
        const home: [number, number] = [visit.lon, visit.lat];
        distanceM = haversineM(home, [input.lon, input.lat]);
        if (distanceM > opts.radiusM) flags.push('far_from_address');
        const presence = presenceAt(await trailAround(tx, collectorId, ts, opts), home, ts.getTime(), opts);
        if (!presence.present) flags.push('no_presence');
        onSiteS = presence.onSiteS;
      }
      if (source.collectorId !== null && visit.collector_id !== null && source.collectorId !== visit.collector_id) flags.push('not_assigned');

      const inserted = await tx
        .insertInto('checkins')
        .values({
          id,
          visit_id: visit.id,
          account_id: visit.account_id,
          team_id: visit.team_id,
          collector_id: collectorId,
          device_id: source.deviceId,
          ts,
          lat: input.lat,
          lon: input.lon,
          outcome: input.outcome,
          note: input.note ?? null,
          promise_date: input.promiseDate ?? null,
          promise_amount: input.promiseAmount ?? null,
          distance_m: distanceM,
          flags,
          on_site_s: onSiteS,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) throw new AlreadyStored();

      let moved: VisitOut | null = null;
      // The field's word wins over the plan, except on a visit already closed.
      if (VISIT_TRANSITIONS[visit.status].length > 0) {
        await tx
          .updateTable('visits')
          .set({ status: visitStatusAfter(input.outcome), outcome: input.outcome, version: sql`version + 1`, updated_by: actorLabel(source.actor), updated_at: new Date() })
          .where('id', '=', visit.id)
          .execute();
        moved = await getVisit(tx, visit.id);
      }
      if (input.outcome !== 'absent') {
        await tx
          .updateTable('accounts')
          .set({ last_contact_at: sql`greatest(last_contact_at, ${ts})` })
          .where('id', '=', visit.account_id)
          .execute();
      }
      if (input.outcome === 'promise') {
        await tx
          .insertInto('promises')
          .values({
            checkin_id: id,
            account_id: visit.account_id,
            team_id: visit.team_id,
            visit_id: visit.id,
            collector_id: collectorId,
            promised_at: ts,
            due_date: input.promiseDate!,
            amount: input.promiseAmount!,
          })
          .execute();
      }
      const stored = await checkinQuery(tx).where('id', '=', id).executeTakeFirstOrThrow();
      return { duplicate: false, checkin: toCheckinOut(stored), visit: moved };
    });
  } catch (err) {
    if (!(err instanceof AlreadyStored)) throw err;
    return (await resend())!;
  }
}

/**
 * The check-in stored under `id`, as a resend of `input` finds it: the resend must say the same.
 * The promised amount is compared as numeric(14,2) stored it.
 */
async function storedCheckin(db: Db, id: string, input: CheckinIn, ts: Date) {
  const found = await checkinQuery(db)
    .select(['device_id', sql<boolean>`promise_amount is not distinct from cast(${input.promiseAmount ?? null} as numeric(14,2))`.as('same_promise_amount')])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) return undefined;
  const { same_promise_amount, ...row } = found;
  const same: Record<string, boolean> = {
    visitId: input.visitId === row.visit_id,
    ts: ts.getTime() === new Date(row.ts).getTime(),
    lat: input.lat === row.lat,
    lon: input.lon === row.lon,
    outcome: input.outcome === row.outcome,
    note: (input.note ?? null) === row.note,
    promiseDate: (input.promiseDate ?? null) === row.promise_date,
    promiseAmount: same_promise_amount,
  };
  return { row, differing: Object.keys(same).filter((k) => !same[k]) };
}

/** The collector's fixes (every device) from the on-site lookback before `ts` to the presence window after it, oldest first. */
async function trailAround(tx: Db, collectorId: number | null, ts: Date, opts: CheckinOptions): Promise<Fix[]> {
  if (collectorId === null) return [];
  const rows = await tx
    .selectFrom('positions')
    .select(['lat', 'lon', 'device_time'])
    .where('collector_id', '=', collectorId)
    .where('device_time', '>=', new Date(ts.getTime() - ON_SITE_LOOKBACK_MS))
    .where('device_time', '<=', new Date(ts.getTime() + opts.presenceWindowMin * 60_000))
    .orderBy('device_time')
    .execute();
  return rows.map((r) => ({ ms: new Date(r.device_time).getTime(), lat: r.lat, lon: r.lon }));
}
