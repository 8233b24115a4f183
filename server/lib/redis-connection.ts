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

/** Lets pending commands finish, then disconnects; during an outage (QUIT cannot be answered) it just disconnects. */
export async function closeRedis(conn: Redis): Promise<void> {
  await conn.quit().catch(() => conn.disconnect());
}

/**
 * For connections handed to a library that closes them with a bare `quit()`:
 * while Redis is unreachable that promise rejects with no handler, and an
 * unhandled rejection ends the process (mqemitter-redis, at shutdown).
 */
export function withHandledQuit(conn: Redis): Redis {
  const quit = conn.quit.bind(conn);
  conn.quit = ((...args: Parameters<Redis['quit']>) => {
    const done = quit(...args);
    done.catch(() => undefined);
    return done;
  }) as Redis['quit'];
  return conn;
}

