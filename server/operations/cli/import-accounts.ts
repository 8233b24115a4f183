import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { importAccounts } from '../account-import.ts';
import { csvText } from '../csv-text.ts';
import { teamFinder } from '../team-ref.ts';

const USAGE = `usage: npm run import:accounts -- <file.csv> [--team <id or name>]

Imports debtors into the database named by DATABASE_URL (or the embedded one
in DATA_DIR: stop the server first, the embedded database has one user).
Rows are upserted by external id; invalid rows are listed with their line.

Columns (header names in English or Spanish, separated by ',' or ';'):
  required  external_id, name, lat, lon, balance_due
  optional  address, phone, installment_amount, days_past_due, segment, team, currency
A re-import leaves the optional columns the file lacks as they are stored.
--team: the team (id or name, in any letter case) of rows without a team.
The file may be UTF-8 or Windows-1252; in a ';' file, ',' is the decimal mark.`;

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
    // The same matching as the file's `team` column, so `--team centro` finds "Centro".
    const team = teamFinder(await dbh.db.selectFrom('teams').select(['id', 'name']).execute())(values.team);
    if (!team) throw new Error(`no team ${values.team}`);
    teamId = team.id;
  }
  const report = await importAccounts(dbh.db, csvText(readFileSync(positionals[0])), { defaultTeamId: teamId, actor: { kind: 'system', label: 'import CLI' } });
  console.log(`${report.rows} rows: ${report.imported} imported (${report.created} new, ${report.updated} updated), ${report.invalid.length} invalid`);
  for (const r of report.invalid) console.log(`  line ${r.line}${r.externalId ? ` (${r.externalId})` : ''}: ${r.reason}`);
  process.exitCode = report.invalid.length > 0 ? 1 : 0;
} catch (err) {
  console.error(`import failed, nothing imported: ${(err as Error).message}`);
  process.exitCode = 2;
} finally {
  await dbh.close();
}
