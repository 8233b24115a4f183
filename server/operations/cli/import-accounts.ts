import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { importAccounts } from '../account-import.ts';

const USAGE = `usage: npm run import:accounts -- <file.csv> [--team <id or name>]

Imports debtors into the database named by DATABASE_URL (or the embedded one
in DATA_DIR: stop the server first, the embedded database has one user).
Rows are upserted by external id; invalid rows are listed with their line.`;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { team: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help || positionals.length !== 1) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfig();
const dbh = await openDatabase({ databaseUrl: config.DATABASE_URL ?? null, dataDir: config.DATABASE_URL ? null : config.DATA_DIR });
try {
  await migrateToLatest(dbh.db);
  let teamId: number | null = null;
  if (values.team) {
    const byName = await dbh.db.selectFrom('teams').select('id').where('name', '=', values.team).executeTakeFirst();
    teamId = byName?.id ?? (/^\d+$/.test(values.team) ? Number(values.team) : null);
    if (teamId === null) throw new Error(`no team named ${values.team}`);
  }
  const report = await importAccounts(dbh.db, readFileSync(positionals[0], 'utf8'), { defaultTeamId: teamId, actor: { kind: 'system', label: 'import CLI' } });
  console.log(`${report.rows} rows: ${report.imported} imported (${report.created} new, ${report.updated} updated), ${report.invalid.length} invalid`);
  for (const r of report.invalid) console.log(`  line ${r.line}${r.externalId ? ` (${r.externalId})` : ''}: ${r.reason}`);
  process.exitCode = report.invalid.length > 0 ? 1 : 0;
} catch (err) {
  console.error(`import failed, nothing imported: ${(err as Error).message}`);
  process.exitCode = 2;
} finally {
  await dbh.close();
}
