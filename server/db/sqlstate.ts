/**
 * SQLSTATE class 22 (data exception: a value out of range, text the database cannot hold…)
 * and 23 (integrity constraint): the rows are at fault, not the database, and the same
 * rows will fail again however often they are retried.
 */
export function refusesRows(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
