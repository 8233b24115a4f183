import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { openDatabase } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let tdb: TestDatabase;
let centro: number;

const open = () => openDatabase({ databaseUrl: tdb.databaseUrl ?? null, dataDir: tdb.dataDir });

beforeAll(async () => {
  tdb = await createTestDatabase();
  const h = await open();
  try {
    await migrateToLatest(h.db);
    centro = (await h.db.insertInto('teams').values({ name: 'Centro' }).returning('id').executeTakeFirstOrThrow()).id;
  } finally {
    // The embedded database has one user: the CLI opens it after us.
    await h.close();
  }
});
afterAll(async () => tdb?.drop());

describe('npm run import:accounts', () => {
  it('reads a Windows-1252 file as the API does, and finds --team in any letter case', async () => {
    const file = join(tdb.dataDir, 'cuentas.csv');
    writeFileSync(file, Buffer.from('external_id,name,lat,lon,balance_due\nCLI-W1,Pe\xf1a Mu\xf1oz,20.6,-103.3,100\n', 'latin1'));
    const { DATABASE_URL: _, ...env } = process.env;
    const stdout = execFileSync('npx', ['tsx', 'server/operations/cli/import-accounts.ts', file, '--team', 'centro'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, DATA_DIR: tdb.dataDir, ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}) },
    });
    expect(stdout).toContain('1 rows: 1 imported (1 new, 0 updated), 0 invalid');
    const h = await open();
    try {
      expect(await h.db.selectFrom('accounts').select(['name', 'team_id']).where('external_id', '=', 'CLI-W1').executeTakeFirst()).toEqual({ name: 'Peña Muñoz', team_id: centro });
    } finally {
      await h.close();
    }
  }, 120_000);
});
