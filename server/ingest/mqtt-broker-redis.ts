import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { closeRedis, connectRedis, withHandledRejections } from '../lib/redis-connection.ts';

export interface BrokerBackends {
  /** aedes' `mq`: how a publish reaches subscribers connected to any instance. */
  mq: unknown;
  /** aedes' `persistence`: retained messages, subscriptions and QoS 1 sessions. */
  persistence: unknown;
  /** After aedes has closed (which closes `mq`): lets the store's last writes finish, then disconnects. */
  close(): Promise<void>;
}

/**
 * SPEC §8: with REDIS_URL the embedded broker of every instance shares one
 * emitter and one store, so a device may connect to any instance behind the
 * load balancer and still get its retained plan and its queued QoS 1
 * messages. Both packages are loaded here, on demand.
 */
export async function redisBrokerBackends(url: string, log: Logger): Promise<BrokerBackends> {
  const [{ default: mqemitterRedis }, { default: redisPersistence }] = await Promise.all([import('mqemitter-redis'), import('aedes-persistence-redis')]);
  const [pubConn, subConn, store] = await Promise.all([
    connectRedis(url, 'mqtt-pub', log),
    connectRedis(url, 'mqtt-sub', log),
    connectRedis(url, 'mqtt-store', log),
  ]);
  const mq = mqemitterRedis({ pubConn: withHandledRejections(pubConn, ['quit']), subConn: withHandledRejections(subConn, ['quit']) });
  // mqemitter-redis repeats its connections' errors as 'error' events on `state`; unheard, one would
  // end the process. connectRedis already logs each outage, and ioredis reconnects.
  (mq as unknown as { state: EventEmitter }).state.on('error', () => undefined);
  return {
    mq,
    persistence: redisPersistence({ conn: store }),
    // Not the persistence's destroy(): it disconnects at once, dropping writes still in flight
    // (a client's session cleanup during shutdown); QUIT lets them finish first.
    close: () => closeRedis(store),
  };
}
