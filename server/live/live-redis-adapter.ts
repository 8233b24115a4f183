import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import { channelOf, closeRedis, connectRedis, withHandledRejections } from '../lib/redis-connection.ts';

export interface LiveRedisAdapter {
  adapter: ServerOptions['adapter'];
  /** Call after the socket.io server is closed (it unsubscribes first). */
  close(): Promise<void>;
}

/**
 * SPEC §8: with REDIS_URL, socket.io rooms span every instance, so a
 * supervisor connected to any instance gets records, events and plans
 * committed on all of them. ioredis rather than the `redis` package: the
 * broker's Redis modules already bring it, and socket.io's adapter docs warn
 * that the `redis` package may not restore subscriptions after a reconnect.
 */
export async function redisLiveAdapter(url: string, log: Logger): Promise<LiveRedisAdapter> {
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const [pub, sub] = await Promise.all([connectRedis(url, 'live-pub', log), connectRedis(url, 'live-sub', log)]);
  return {
    // The adapter's channels are named after its key: one of our own, since other applications' socket.io
    // servers may share this Redis, and with the database number, or a deployment on another database of
    // it would get this one's collectors (and every delta instances exchange).
    adapter: createAdapter(withHandledRejections(pub, ['publish']), sub, { key: channelOf('ronda-live', sub) }),
    async close() {
      await Promise.all([closeRedis(pub), closeRedis(sub)]);
    },
  };
}
