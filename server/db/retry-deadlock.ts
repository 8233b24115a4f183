import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';
import { isDeadlock } from './sqlstate.ts';

/** Runs of a transaction before its deadlock reaches the caller: each lost run let the other side of its cycle commit. */
const ATTEMPTS = 3;

/**
 * `work` in a transaction, run again when PostgreSQL picked it as a deadlock's victim: a phone's
 * check-in must not go unacknowledged, nor the office's answer be a 500, for a rollback that left
 * nothing behind. The cycle it was written for (two writes marking the metrics' collector-days in
 * opposite orders, migration 0007) is gone since 0020; it stays for writes that lock the same
 * visits and accounts in another order than a check-in does (visit, then account).
 */
export async function transactionRetryingDeadlock<T>(db: Kysely<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (!isDeadlock(err) || attempt >= ATTEMPTS) throw err;
    }
  }
}
