/**
 * SQLSTATE class 22 (data exception: a value out of range, text the database cannot hold…)
 * and 23 (integrity constraint): the rows are at fault, not the database, and the same
 * rows will fail again however often they are retried.
 */
export function refusesRows(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * SQLSTATE 23503: a row names one that is not there, or no longer (a race with its delete);
 * `constraint` narrows it to one foreign key, so a refusal can name what went missing.
 */
export function violatesForeignKey(err: unknown, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (e?.code !== '23503') return false;
  return constraint === undefined || e.constraint === constraint || String(e.message).includes(`"${constraint}"`);
}

/**
 * SQLSTATE 40P01: PostgreSQL broke a cycle of lock waits by rolling this transaction back whole.
 * Nothing of it was written, and run again it meets the other transaction committed
 * (PostgreSQL manual §13.3.4 "Deadlocks", §13.6: such a failure is to be retried).
 */
export function isDeadlock(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '40P01';
}
