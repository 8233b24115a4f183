import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from './redact-url.ts';

/**
 * One connection to REDIS_URL, ready to use. ioredis is imported here, on
 * first use, so a single instance without REDIS_URL never loads it. A Redis
 * that cannot be reached at start is a clear error naming the variable;
 * later outages are logged and ioredis reconnects on its own.
 */
export async function connectRedis(url: string, name: string, log: Logger): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const conn = new Redis(url, { lazyConnect: true, connectionName: `ronda-${name}` });
  // Start-up failures are reported by the throw below; later ones once per outage, not per reconnect attempt.
  let up = false;
  let wasUp = false;
  let lastError: Error | null = null;
  conn.on('error', (err: Error) => {
    lastError = err;
    if (up) log.error({ redis: name, err: err.message }, 'redis connection lost; reconnecting');
    up = false;
  });
  conn.on('ready', () => {
    if (wasUp) log.info({ redis: name }, 'redis connection restored');
    up = wasUp = true;
  });
  try {
    await conn.connect();
  } catch (err) {
    conn.disconnect();
    throw new Error(`REDIS_URL=${redactUrl(url)}: cannot connect: ${(lastError ?? (err as Error)).message}`);
  }
  return conn;
}

/**
 * A pub/sub channel name of ours for this connection's database. Redis pub/sub ignores the database
 * number: it keeps keys apart, never messages. Deployments that share one Redis by number
 * (REDIS_URL `redis://host:6379/3`) must still hear only their own, so the name carries it.
 */
export const channelOf = (name: string, conn: Redis): string => `${name}:${conn.options.db ?? 0}`;

/** Lets pending commands finish, then disconnects; during an outage (QUIT cannot be answered) it just disconnects. */
export async function closeRedis(conn: Redis): Promise<void> {
  await conn.quit().catch(() => conn.disconnect());
}

/**
 * For connections handed to a library that calls `quit()` or `publish()`
 * without handling the promise (mqemitter-redis at shutdown, socket.io's
 * Redis adapter on every broadcast): while Redis is unreachable those reject
 * — a publish after ioredis' 20 retries — with no handler, and an unhandled
 * rejection ends the process. What is lost is a live delta, never a report:
 * reports are committed to the database before anything is published.
 */
export function withHandledRejections(conn: Redis, methods: ('quit' | 'publish')[]): Redis {
  for (const method of methods) {
    const original = (conn[method] as (...args: unknown[]) => Promise<unknown>).bind(conn);
    (conn as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const done = original(...args);
      done.catch(() => undefined);
      return done;
    };
  }
  return conn;
}
