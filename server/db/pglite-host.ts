/**
 * Worker thread that owns the embedded PGlite database and serves it over the
 * PostgreSQL wire protocol on a loopback port. PGlite runs synchronously on
 * its thread (a 5,000-row insert blocks ~250 ms), so it lives here and never
 * on the thread that serves devices; the main thread talks to it with `pg`
 * exactly as it would to a real server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lowerThreadPriority, BACKGROUND_NICENESS } from '../lib/thread-priority.ts';
import { embeddedErrorReason } from './data-dir.ts';

interface HostData {
  dataDir: string | null;
}

const { dataDir } = workerData as HostData;
await lowerThreadPriority(BACKGROUND_NICENESS);
let db: PGlite;
try {
  db = await PGlite.create(dataDir ?? undefined);
} catch (err) {
  // Its file system throws errno objects, not Errors: unhandled, all the parent saw was "#<ErrnoError>".
  parentPort!.postMessage({ type: 'failed', reason: embeddedErrorReason(err) });
  process.exit(1);
}
// PGlite is one session, so the main thread's pool holds one connection (server/db/connect.ts).
// But pg's pool ends a connection after a failed query and opens the next one at once, while
// the old one is still closing: with one slot the new connection was refused, and the query
// after any database error failed too ("Connection terminated unexpectedly").
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
await server.start();
const port = Number(server.getServerConn().split(':').pop());
parentPort!.postMessage({ type: 'ready', port });
parentPort!.on('message', async (msg: { type: string }) => {
  if (msg.type !== 'close') return;
  await server.stop();
  await db.close();
  parentPort!.postMessage({ type: 'closed' });
});
