import { sql, type Kysely } from 'kysely';
import { foldAccents } from '../lib/fold-accents.ts';
import { ACCOUNT_REFUSALS, BUCKET_RANGES, dpdBucket, type AccountListQuery, type AccountOut, type AccountPatch } from '../contract/account.ts';
import type { Database } from '../db/database.ts';
import { transactionRetryingDeadlock } from '../db/retry-deadlock.ts';
import type { Account } from '../db/tables/account.table.ts';
import { lockMovableVisits, moveOpenVisits, nothingMoved, type VisitsMoved } from './account-move.ts';
import { assertCanWriteRecord, type Actor } from './actor.ts';
import { notFound, refusal } from './errors.ts';
import { assertTeamExists, teamDeletedMeanwhile } from './missing-team.ts';

export function toAccountOut(r: Account): AccountOut {
  return {
    id: r.id,
    externalId: r.external_id,
    teamId: r.team_id,
    name: r.name,
    address: r.address,
    lat: r.lat,
    lon: r.lon,
    phone: r.phone,
    balanceDue: r.balance_due,
    installmentAmount: r.installment_amount,
    daysPastDue: r.days_past_due,
    bucket: dpdBucket(r.days_past_due),
    segment: r.segment,
    currency: r.currency,
    brokenPromises: r.broken_promises,
    lastContactAt: r.last_contact_at ? new Date(r.last_contact_at).toISOString() : null,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/**
 * A search ignores accents, as the team, user and device lists do: "garcia" finds "García", "nunez"
 * "Núñez" (people type without them, on a phone above all). Folded in SQL by translate(), which
 * PostgreSQL and PGlite both have (unaccent is an extension neither may); ilike then ignores case.
 */
const ACCENTED = 'áàâäãåéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ';
const UNACCENTED = 'aaaaaaeeeeiiiiooooouuuuncAAAAAAEEEEIIIIOOOOOUUUUNC';

/** `scope` null = every team. */
export async function listAccounts(db: Kysely<Database>, q: AccountListQuery, scope: number | null): Promise<{ total: number; accounts: AccountOut[] }> {
  let base = db.selectFrom('accounts');
  if (scope !== null) base = base.where('team_id', '=', scope);
  if (q.teamId !== undefined) base = base.where('team_id', '=', q.teamId);
  if (q.bucket) {
    const [lo, hi] = BUCKET_RANGES[q.bucket];
    base = base.where('days_past_due', '>=', lo);
    if (hi !== null) base = base.where('days_past_due', '<=', hi);
  }
  if (q.located !== undefined) base = q.located ? base.where('lat', 'is not', null) : base.where('lat', 'is', null);
  if (q.search?.trim()) {
    // Escape LIKE wildcards so a search for "50%" means the text "50%".
    const like = `%${foldAccents(q.search.trim()).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const folded = (column: 'name' | 'address') => sql<string>`translate(${sql.ref(column)}, ${ACCENTED}, ${UNACCENTED})`;
    base = base.where((eb) =>
      eb.or([eb(folded('name'), 'ilike', like), eb('external_id', 'ilike', like), eb(folded('address'), 'ilike', like), eb('phone', 'ilike', like)]),
    );
  }
  const [count, rows] = await Promise.all([
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy('days_past_due', 'desc')
      .orderBy('id')
      .limit(q.limit ?? 100)
      .offset(q.offset ?? 0)
      .execute(),
  ]);
  return { total: count.n, accounts: rows.map(toAccountOut) };
}

export async function getAccount(db: Kysely<Database>, id: number, scope: number | null): Promise<AccountOut> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (scope !== null && row.team_id !== scope)) throw notFound('account', id);
  return toAccountOut(row);
}

/**
 * Changes an account; moved to another team, its visits not started of today and later go with it
 * (account-move.ts) in the same transaction, and `moved` hears of them once it has committed.
 */
export async function patchAccount(
  db: Kysely<Database>,
  id: number,
  patch: AccountPatch,
  actor: Actor,
  moved: (m: VisitsMoved) => void = () => undefined,
): Promise<AccountOut> {
  const done = await transactionRetryingDeadlock(db, async (tx) => {
    if (patch.teamId !== undefined) await lockMovableVisits(tx, [id]);
    const row = await tx.selectFrom('accounts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('account', id);
    assertCanWriteRecord(actor, row.team_id, 'account', id);
    if (patch.teamId !== undefined && patch.teamId !== row.team_id) {
      if (actor.kind === 'device' || (actor.kind === 'user' && actor.user.role !== 'admin')) throw refusal(ACCOUNT_REFUSALS, 'move_for_admins', 'only an admin moves an account to another team', { accountId: id });
      await assertTeamExists(tx, patch.teamId);
    }
    const lat = patch.lat === undefined ? row.lat : patch.lat;
    const lon = patch.lon === undefined ? row.lon : patch.lon;
    if ((lat === null) !== (lon === null)) throw refusal(ACCOUNT_REFUSALS, 'lat_lon_together', 'lat and lon go together: set both or clear both', {});
    const updated = await tx
      .updateTable('accounts')
      .set({
        name: patch.name,
        address: patch.address,
        lat,
        lon,
        phone: patch.phone,
        balance_due: patch.balanceDue,
        installment_amount: patch.installmentAmount,
        days_past_due: patch.daysPastDue,
        segment: patch.segment,
        team_id: patch.teamId,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const visits = updated.team_id !== row.team_id ? await moveOpenVisits(tx, [id], actor) : nothingMoved();
    return { account: toAccountOut(updated), visits };
  }).catch((e: unknown) => {
    throw teamDeletedMeanwhile(e, 'accounts', patch.teamId) ?? e;
  });
  if (done.visits.visits.length > 0) moved(done.visits);
  return done.account;
}
