import { sql, type Kysely, type Transaction } from 'kysely';
import { PAYMENT_REFUSALS, type CashSummary, type PaymentIn, type PaymentOut } from '../contract/payment.ts';
import type { Database } from '../db/database.ts';
import { transactionRetryingDeadlock } from '../db/retry-deadlock.ts';
import type { Payment } from '../db/tables/payment.table.ts';
import { assertCanWriteRecord } from './actor.ts';
import { notFound, refusal } from './errors.ts';
import { AlreadyStored, assertResend, parseTs, type RecordSource } from './record-source.ts';

type Db = Kysely<Database> | Transaction<Database>;

function toPaymentOut(r: Payment, balanceAfter?: number): PaymentOut {
  return {
    id: r.id,
    visitId: r.visit_id,
    accountId: r.account_id,
    teamId: r.team_id,
    collectorId: r.collector_id,
    ts: new Date(r.ts).toISOString(),
    amount: r.amount,
    currency: r.currency,
    method: r.method,
    receiptNumber: r.receipt_number,
    clientReceipt: r.client_receipt,
    ...(balanceAfter !== undefined ? { balanceAfter } : {}),
  };
}

/**
 * The payment stored under `id`, as a resend of `input` finds it: the resend must say the same.
 * The amount is compared as numeric(14,2) stored it (10.005 was stored as 10.01, and sent again is the same).
 */
async function storedPayment(db: Db, id: string, input: PaymentIn, ts: Date) {
  const found = await db
    .selectFrom('payments')
    .selectAll()
    .select(sql<boolean>`amount = cast(${input.amount} as numeric(14,2))`.as('same_amount'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) return undefined;
  const { same_amount, ...row } = found;
  const same: Record<string, boolean> = {
    visitId: (input.visitId ?? null) === row.visit_id,
    // Without an accountId the visit names it.
    accountId: input.accountId == null || input.accountId === row.account_id,
    ts: ts.getTime() === new Date(row.ts).getTime(),
    amount: same_amount,
    currency: input.currency === row.currency,
    method: input.method === row.method,
    receipt: (input.receipt ?? null) === row.client_receipt,
  };
  return { row, differing: Object.keys(same).filter((k) => !same[k]) };
}

/**
 * Stores a payment once per client id: a phone resending after losing
 * coverage gets the same payment and receipt back (SPEC §2). The receipt
 * number comes from the team's counter row and the balance drops in the same
 * transaction, so a rolled-back payment neither uses a number nor moves money.
 */
export async function recordPayment(db: Kysely<Database>, input: PaymentIn, source: RecordSource): Promise<{ duplicate: boolean; payment: PaymentOut }> {
  const id = input.id.toLowerCase();
  const ts = parseTs(input.ts);
  if (input.visitId == null && input.accountId == null) throw refusal(PAYMENT_REFUSALS, 'visit_or_account_required', 'a payment needs a visitId or an accountId', {});
  const resend = async () => {
    const stored = await storedPayment(db, id, input, ts);
    if (!stored) return undefined;
    assertResend(source, stored.row, 'payment', id, stored.differing);
    return { duplicate: true, payment: toPaymentOut(stored.row) };
  };
  const earlier = await resend();
  if (earlier) return earlier;
  try {
    return await transactionRetryingDeadlock(db, async (tx) => {
      let accountId = input.accountId ?? null;
      let collectorId = source.collectorId;
      if (input.visitId != null) {
        const visit = await tx.selectFrom('visits').select(['account_id', 'collector_id', 'team_id']).where('id', '=', input.visitId).executeTakeFirst();
        if (!visit) throw notFound('visit', input.visitId);
        // Before its account is named: another team's visit shows nothing of itself.
        assertCanWriteRecord(source.actor, visit.team_id, 'visit', input.visitId);
        if (accountId !== null && accountId !== visit.account_id) throw refusal(PAYMENT_REFUSALS, 'visit_of_other_account', `visit ${input.visitId} is for account ${visit.account_id}, not ${accountId}`, { visitId: input.visitId, accountId: visit.account_id });
        accountId = visit.account_id;
        collectorId ??= visit.collector_id;
      }
      const account = await tx.selectFrom('accounts').select(['id', 'team_id', 'currency']).where('id', '=', accountId!).executeTakeFirst();
      if (!account) throw notFound('account', accountId!);
      assertCanWriteRecord(source.actor, account.team_id, 'account', accountId!);
      if (account.currency !== input.currency) throw refusal(PAYMENT_REFUSALS, 'currency_mismatch', `payment in ${input.currency} on an account kept in ${account.currency}`, { currency: input.currency, accountCurrency: account.currency });

      // The counter row is locked until commit: receipts of one team are numbered one at a time, with no gap and no reuse.
      const counter = await tx
        .insertInto('receipt_counters')
        .values({ team_id: account.team_id, last_number: 1 })
        .onConflict((oc) => oc.column('team_id').doUpdateSet({ last_number: sql`receipt_counters.last_number + 1` }))
        .returning('last_number')
        .executeTakeFirstOrThrow();
      const row = await tx
        .insertInto('payments')
        .values({
          id,
          visit_id: input.visitId ?? null,
          account_id: account.id,
          team_id: account.team_id,
          collector_id: collectorId,
          device_id: source.deviceId,
          ts,
          amount: input.amount,
          currency: input.currency,
          method: input.method,
          receipt_number: counter.last_number,
          client_receipt: input.receipt ?? null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      // A concurrent resend committed first while we waited for the counter: undo our number.
      if (!row) throw new AlreadyStored();
      const balance = await tx
        .updateTable('accounts')
        // The amount as stored (to the cent): 10.005 is a receipt of 10.01, and the balance must drop as much.
        .set({ balance_due: sql`balance_due - cast(${row.amount} as numeric)`, updated_at: new Date() })
        .where('id', '=', account.id)
        .returning('balance_due')
        .executeTakeFirstOrThrow();
      return { duplicate: false, payment: toPaymentOut(row, balance.balance_due) };
    });
  } catch (err) {
    if (!(err instanceof AlreadyStored)) throw err;
    return (await resend())!;
  }
}

export async function listPayments(
  db: Db,
  f: { teamId?: number; accountId?: number; visitId?: number; collectorId?: number; limit?: number },
  scope: number | null,
): Promise<PaymentOut[]> {
  let q = db.selectFrom('payments').selectAll();
  if (scope !== null) q = q.where('team_id', '=', scope);
  if (f.teamId !== undefined) q = q.where('team_id', '=', f.teamId);
  if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
  if (f.visitId !== undefined) q = q.where('visit_id', '=', f.visitId);
  if (f.collectorId !== undefined) q = q.where('collector_id', '=', f.collectorId);
  return (await q.orderBy('ts', 'desc').limit(f.limit ?? 200).execute()).map((r) => toPaymentOut(r));
}

/** Cash each collector took on `date` (a day in the team's time zone), for end-of-day reconciliation. */
export async function cashByCollector(db: Db, f: { date: string; collectorId?: number; teamId?: number }, scope: number | null): Promise<CashSummary[]> {
  let q = db
    .selectFrom('payments as p')
    .innerJoin('teams as t', 't.id', 'p.team_id')
    .leftJoin('collectors as c', 'c.id', 'p.collector_id')
    .select([
      'p.collector_id',
      'c.name as collector_name',
      'p.team_id',
      'p.currency',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`sum(p.amount)`.as('total'),
      sql<number[]>`array_agg(p.receipt_number order by p.receipt_number)`.as('receipts'),
    ])
    .where('p.method', '=', 'cash')
    .where(sql<string>`(p.ts at time zone t.time_zone)::date`, '=', f.date)
    .groupBy(['p.collector_id', 'c.name', 'p.team_id', 'p.currency'])
    .orderBy('c.name')
    .orderBy('p.currency');
  if (scope !== null) q = q.where('p.team_id', '=', scope);
  if (f.teamId !== undefined) q = q.where('p.team_id', '=', f.teamId);
  if (f.collectorId !== undefined) q = q.where('p.collector_id', '=', f.collectorId);
  const rows = await q.execute();
  return rows.map((r) => ({
    collectorId: r.collector_id,
    collectorName: r.collector_name,
    teamId: r.team_id,
    date: f.date,
    currency: r.currency,
    count: r.count,
    total: Number(r.total),
    receipts: r.receipts.map(Number),
  }));
}
