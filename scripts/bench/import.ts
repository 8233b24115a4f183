/**
 * Accounts CSV import of 20,000 rows (issue 5), into a fresh database: the
 * first import (all rows new), the same file again (every row stored and
 * unchanged), and the file with one row in ten changed. Each figure is the
 * median of a few rounds, each on its own fresh database.
 * Usage: npm run bench:import [-- --db postgres|pglite|both] [--rows 20000] [--rounds 3]
 * PostgreSQL: a database is created on TEST_DATABASE_URL's server and dropped after.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { openDatabase } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { importAccounts } from '../../server/operations/account-import.ts';
import { CSV_HEADER, accountLine } from '../../server/operations/testing/fixtures.ts';

const { values: args } = parseArgs({ options: { db: { type: 'string', default: 'postgres' }, rows: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' } } });
const ROWS = Number(args.rows);
const ROUNDS = Number(args.rounds);

const csvOf = (changed: (k: number) => boolean) =>
  [CSV_HEADER, ...Array.from({ length: ROWS }, (_, k) => accountLine(k + 1, 'Centro', changed(k) ? { balance: String(5000 + k) } : {}))].join('\n') + '\n';
const first = csvOf(() => false);
const tenthChanged = csvOf((k) => k % 10 === 0);
const actor = { kind: 'system', label: 'bench' } as const;

async function round(kind: 'postgres' | 'pglite'): Promise<number[]> {
  if (kind === 'postgres' && !process.env.TEST_DATABASE_URL) throw new Error('set TEST_DATABASE_URL for --db postgres');
  const saved = process.env.TEST_DATABASE_URL;
  if (kind === 'pglite') delete process.env.TEST_DATABASE_URL;
  const target = await createTestDatabase();
  process.env.TEST_DATABASE_URL = saved;
  const dbh = await openDatabase({ databaseUrl: target.databaseUrl ?? null, dataDir: target.dataDir });
  try {
    await migrateToLatest(dbh.db);
    await dbh.db.insertInto('teams').values({ name: 'Centro' }).execute();
    const times: number[] = [];
    for (const [csv, expected] of [[first, { created: ROWS, updated: 0 }], [first, { created: 0, updated: ROWS }], [tenthChanged, { created: 0, updated: ROWS }]] as const) {
      const t0 = performance.now();
      const report = await importAccounts(dbh.db, csv, { defaultTeamId: null, actor });
      times.push(performance.now() - t0);
      if (report.invalid.length > 0 || report.created !== expected.created || report.updated !== expected.updated) throw new Error(`unexpected report ${JSON.stringify({ ...report, invalid: report.invalid.slice(0, 3) })}`);
    }
    return times;
  } finally {
    await dbh.close();
    await target.drop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kinds = args.db === 'both' ? (['postgres', 'pglite'] as const) : [args.db as 'postgres' | 'pglite'];
console.log(`accounts CSV import, ${ROWS.toLocaleString('en-US')} rows, median of ${ROUNDS} rounds (each a fresh database), node ${process.version}`);
console.log('database'.padEnd(10), 'first import'.padStart(13), 're-import, unchanged'.padStart(21), 're-import, 1 in 10 changed'.padStart(27));
for (const kind of kinds) {
  const rounds: number[][] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(kind));
  const ms = (i: number) => `${Math.round(median(rounds.map((t) => t[i])))} ms`;
  console.log(kind.padEnd(10), ms(0).padStart(13), ms(1).padStart(21), ms(2).padStart(27));
}
