import { sql, type Kysely } from 'kysely';
import type { PromiseOut, PromiseStatus } from '../contract/checkin.ts';
import type { Database } from '../db/database.ts';

/**
 * Settles promises to pay (issue 5). A promise is kept once the account's
 * payments from the moment it was made to the end of its due date (in the
 * team's time zone) reach the promised amount — that may happen before the
 * date; it is broken when the date has passed without that. A broken promise
 * raises the account's visit priority through `broken_promises`.
 */
export async function settlePromises(db: Kysely<Database>, now = new Date()): Promise<{ kept: number; broken: number }> {
  return db.transaction().execute(async (tx) => {
    // skip locked: two instances settling at once each take different promises.
    const rows = await sql<{ id: number; account_id: number; amount: number; paid: number; past: boolean }>`
      select p.id, p.account_id, p.amount,
        coalesce((select sum(pay.amount) from payments pay
                  where pay.account_id = p.account_id and pay.ts >= p.promised_at
                    and pay.ts < ((p.due_date + 1)::timestamp at time zone t.time_zone)), 0) as paid,
        p.due_date < (${now}::timestamptz at time zone t.time_zone)::date as past
      from promises p join teams t on t.id = p.team_id
      where p.status = 'pending'
      for update of p skip locked`.execute(tx);
    let kept = 0;
    let broken = 0;
    for (const r of rows.rows) {
      const paid = Number(r.paid);
      const status: PromiseStatus | null = paid >= Number(r.amount) ? 'kept' : r.past ? 'broken' : null;
      if (!status) continue;
      await tx.updateTable('promises').set({ status, paid_amount: paid, settled_at: now }).where('id', '=', r.id).execute();
      if (status === 'broken') {
        broken++;
        await tx.updateTable('accounts').set({ broken_promises: sql`broken_promises + 1` }).where('id', '=', r.account_id).execute();
      } else kept++;
    }
    return { kept, broken };
  });
}

export async function listPromises(
  db: Kysely<Database>,
  f: { status?: PromiseStatus; accountId?: number; teamId?: number; limit?: number },
  scope: number | null,
): Promise<PromiseOut[]> {
  let q = db
    .selectFrom('promises')
    .select([
      'id', 'checkin_id', 'account_id', 'team_id', 'visit_id', 'collector_id', 'promised_at', 'amount', 'status', 'paid_amount', 'settled_at',
      sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('due_date'),
    ]);
  if (scope !== null) q = q.where('team_id', '=', scope);
  if (f.teamId !== undefined) q = q.where('team_id', '=', f.teamId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
  const rows = await q.orderBy('due_date').orderBy('id').limit(f.limit ?? 200).execute();
  return rows.map((r) => ({
    id: r.id,
    checkinId: r.checkin_id,
    accountId: r.account_id,
    teamId: r.team_id,
    visitId: r.visit_id,
    collectorId: r.collector_id,
    promisedAt: new Date(r.promised_at).toISOString(),
    dueDate: r.due_date,
    amount: r.amount,
    status: r.status,
    paidAmount: r.paid_amount,
    settledAt: r.settled_at ? new Date(r.settled_at).toISOString() : null,
  }));
}

/** Settles at start and then every `intervalMs` (issue 5 suggests 10 minutes); a failed run is logged and retried next time. */
export function startPromiseSettler(db: Kysely<Database>, log: { info(o: object, m: string): void; error(o: object, m: string): void }, intervalMs = 10 * 60_000) {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= settlePromises(db)
      .then((r) => {
        if (r.kept + r.broken > 0) log.info(r, 'promises settled');
      })
      .catch((err: Error) => log.error({ err: err.message }, 'settling promises failed'))
      .finally(() => (running = null));
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
