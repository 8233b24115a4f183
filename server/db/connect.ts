import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';

// int8 counts and numeric sums arrive as strings by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface DbOptions {
  /** A PostgreSQL URL; null = embedded PGlite. */
  databaseUrl: string | null;
  /** Where PGlite keeps its files; null = in memory. */
  dataDir: string | null;
  poolSize?: number;
}

export async function openDatabase(opts: DbOptions): Promise<DbHandle> {
  const embedded = opts.databaseUrl ? null : await startEmbeddedPostgres(opts.dataDir);
  const url = opts.databaseUrl ?? embedded!.url;
  // PGlite is one session: more than one connection would interleave transactions.
  const pool = new pg.Pool({ connectionString: url, max: embedded ? 1 : (opts.poolSize ?? 10) });
  // A connection cut mid-query (database restart, network) also emits 'error' on its client; the
  // query itself rejects and the caller retries. Unhandled, that event would kill the process.
  const ignore = () => undefined;
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    kind: embedded ? 'pglite' : 'postgres',
    async close() {
      await db.destroy();
      await embedded?.close();
    },
  };
}
