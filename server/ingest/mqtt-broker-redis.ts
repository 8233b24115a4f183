import type { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { channelOf, closeRedis, connectRedis, withHandledRejections } from '../lib/redis-connection.ts';

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
 *
 * Deployments sharing one Redis by database number stay apart only if nothing of theirs crosses
 * databases, and pub/sub does (channelOf). mqemitter-redis publishes on channels named after the
 * MQTT topics, and everything between instances goes through it: devices' messages, aedes' own
 * `$SYS/<broker>/new/clients` (on which every instance closes its client of that id: another
 * lender's phone with the same client id would knock ours off) and aedes-persistence-redis'
 * subscription changes ($SYS/sub/add, $SYS/sub/rm), its only pub/sub. So the emitter's channels
 * carry a prefix with the database number; the store's keys need none, being per database.
 */
export async function redisBrokerBackends(url: string, log: Logger): Promise<BrokerBackends> {
  const [{ default: mqemitterRedis }, { default: redisPersistence }] = await Promise.all([import('mqemitter-redis'), import('aedes-persistence-redis')]);
  const [pubConn, subConn, store] = await Promise.all([
    connectRedis(url, 'mqtt-pub', log),
    connectRedis(url, 'mqtt-sub', log),
    connectRedis(url, 'mqtt-store', log),
  ]);
  // The package's own prefixing emitter (its test/prefix.js runs mqemitter's shared tests on it), which its
  // types leave out. It adds the prefix as topics go out and strips it as they come in: aedes never sees it,
  // so [MQTT-4.7.2-1] (a subscription starting with a wildcard gets no `$` topic) still holds.
  const { MQEmitterRedisPrefix } = mqemitterRedis as unknown as { MQEmitterRedisPrefix: new (prefix: string, opts: { pubConn: Redis; subConn: Redis }) => unknown };
  // Ends with the topic separator: `#` and `+` must stay whole topic levels after it.
  const mq = new MQEmitterRedisPrefix(`${channelOf('ronda-mqtt', subConn)}/`, {
    pubConn: withHandledRejections(pubConn, ['quit']),
    subConn: withHandledRejections(subConn, ['quit']),
  });
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
