import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/db/embedded.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { startTestServer, type TestServer } from './test-server.ts';

export interface ServerBehindProxy {
  t: TestServer;
  /** Between the server and its database: `block()` takes the database away. */
  proxy: TcpProxy;
  close(): Promise<void>;
}

/**
 * A test server that reaches its database (PostgreSQL or PGlite alike) only
 * through a TCP proxy, so a test can cut the database and give it back.
 */
export async function startServerBehindProxy(env: Record<string, string>): Promise<ServerBehindProxy> {
  const tdb: TestDatabase = await createTestDatabase();
  const embedded: EmbeddedPostgres | null = tdb.databaseUrl ? null : await startEmbeddedPostgres(null);
  const target = new URL(tdb.databaseUrl ?? embedded!.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  const t = await startTestServer(
    { DATABASE_URL: target.toString(), DATABASE_POOL_SIZE: embedded ? '1' : '4', ...env },
    { ...tdb, databaseUrl: target.toString(), drop: async () => undefined },
  );
  return {
    t,
    proxy,
    async close() {
      await t.close();
      await proxy.close();
      await embedded?.close();
      await tdb.drop();
    },
  };
}
