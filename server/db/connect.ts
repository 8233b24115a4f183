import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { redactUrl } from '../lib/redact-url.ts';
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
  if (opts.databaseUrl) await checkConnects(opts.databaseUrl);
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

/** How long the first connection may take before the start gives up on DATABASE_URL. */
const FIRST_CONNECT_TIMEOUT_MS = 15_000;

/**
 * One connection before the pool is made: an unreachable database, or one that refuses us,
 * stops the start with a message naming DATABASE_URL and what is wrong (SPEC §4, as for ports),
 * not a bare `connect ECONNREFUSED` from deep in a migration. Never shows the password.
 */
async function checkConnects(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: FIRST_CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`DATABASE_URL=${redactUrl(url)}: ${connectFailure(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

type ConnectError = Error & { code?: string; address?: string; port?: number; hostname?: string; errors?: ConnectError[] };

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** Why the first connection failed, in words. */
export function connectFailure(err: unknown): string {
  const e = err as ConnectError;
  // Node tries every address of a name (localhost: ::1 and 127.0.0.1) and reports them together.
  const first = e.errors?.[0] ?? e;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `cannot connect: unknown host ${e.hostname ?? ''}`.trim();
  const reason = e.code ? NETWORK_REASONS[e.code] : undefined;
  if (reason) return first.address ? `cannot connect to ${first.address}:${first.port} (${reason})` : `cannot connect (${reason})`;
  if (/timeout/i.test(e.message)) return `cannot connect (no answer within ${FIRST_CONNECT_TIMEOUT_MS / 1000} s)`;
  // The server's own refusal says it best: no such role, wrong password (28P01), no such database (3D000)…
  return e.message;
}
