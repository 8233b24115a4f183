import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A port nothing listens on: bound, then let go. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a database that cannot be used stops the start naming the variable (SPEC §4, as for ports)', () => {
  it('DATABASE_URL where nothing answers: connection refused, with host and port, never the password', async () => {
    const port = await freePort();
    await expect(openDatabase({ databaseUrl: `postgres://ronda:s3cret@127.0.0.1:${port}/ronda`, dataDir: null })).rejects.toThrow(
      `DATABASE_URL=postgres://ronda:***@127.0.0.1:${port}/ronda: cannot connect to 127.0.0.1:${port} (connection refused)`,
    );
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("DATABASE_URL naming a database the server does not have: the server's own words", async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/ronda_no_such_database';
    await expect(openDatabase({ databaseUrl: url.toString(), dataDir: null })).rejects.toThrow(/^DATABASE_URL=postgres.*: database "ronda_no_such_database" does not exist$/);
  });

  it('DATA_DIR holding files the embedded database cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ronda-junk-'));
    try {
      writeFileSync(join(dir, 'PG_VERSION'), 'not a version');
      await expect(openDatabase({ databaseUrl: null, dataDir: dir })).rejects.toThrow(`DATA_DIR=${dir}: the embedded database cannot open its files there`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
