import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from './connect.ts';

let handle: DbHandle | undefined;
afterAll(async () => handle?.close());

describe('the embedded database', () => {
  it('answers the queries after one that failed: a refused insert does not fail the next request', async () => {
    handle = await openDatabase({ databaseUrl: null, dataDir: null });
    await handle.pool.query('create table notes (id int primary key, body text not null)');
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const [sql, params] of [
        ['insert into notes values ($1, $2)', [1, `note ${i}`]],
        ['select count(*)::int as n from notes', []],
        ['select 1/0', []],
        ['select $1::int as n', [i]],
      ] as const) {
        try {
          await handle.pool.query(sql, [...params]);
          outcomes.push('ok');
        } catch (err) {
          outcomes.push((err as { code?: string }).code ?? (err as Error).message);
        }
      }
    }
    // Only the duplicate inserts (23505) and the division by zero (22012) fail, each on its own.
    expect(outcomes).toEqual(['ok', 'ok', '22012', 'ok', ...Array.from({ length: 3 }, () => ['23505', 'ok', '22012', 'ok']).flat()]);
  });
});
