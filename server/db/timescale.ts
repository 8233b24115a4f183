import { sql, type Kysely } from 'kysely';

/** Installs the timescaledb extension when the server offers it; true when it is active. */
export async function hasTimescale(db: Kysely<any>): Promise<boolean> {
  const available = await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'timescaledb'`.execute(db);
  if (available.rows[0].n === 0) return false;
  await sql`create extension if not exists timescaledb`.execute(db);
  return true;
}

export interface RetentionConfig {
  compressAfterDays: number;
  retainDays: number;
}

/**
 * Policies are configuration, not schema: re-applied at every start so a
 * changed setting takes effect without a migration.
 */
export async function applyTimescalePolicies(db: Kysely<any>, cfg: RetentionConfig): Promise<boolean> {
  const installed = await sql<{ n: number }>`select count(*)::int as n from pg_extension where extname = 'timescaledb'`.execute(db);
  if (installed.rows[0].n === 0) return false;
  await sql`select remove_compression_policy('positions', if_exists => true)`.execute(db);
  await sql`select add_compression_policy('positions', ${sql.raw(`interval '${cfg.compressAfterDays} days'`)})`.execute(db);
  await sql`select remove_retention_policy('positions', if_exists => true)`.execute(db);
  if (cfg.retainDays > 0) {
    await sql`select add_retention_policy('positions', ${sql.raw(`interval '${cfg.retainDays} days'`)})`.execute(db);
  }
  return true;
}
