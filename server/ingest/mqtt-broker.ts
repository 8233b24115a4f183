import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { DeviceRegistry } from './device-registry.ts';
import type { DeviceRef } from './ingest-port.ts';
import type { BrokerBackends } from './mqtt-broker-redis.ts';
import type { PublishHandler } from './mqtt-publish-handler.ts';
import { parseDeviceTopic, planTopic } from './mqtt-topics.ts';

export interface MqttBrokerDeps {
  registry: DeviceRegistry;
  handlePublish: PublishHandler;
  log: Logger;
  /** Shared emitter and store (REDIS_URL); unset = in-process, as for a single instance. */
  backends?: BrokerBackends;
}

export interface MqttBroker {
  aedes: Aedes;
  tcp: Server;
  /** Publishes a retained message to a device (its plan). */
  publishRetained(topic: string, payload: string): Promise<void>;
  connectedDevices(): number;
  close(): Promise<void>;
}

const DEVICE = Symbol('device');
type DeviceClient = Client & { [DEVICE]?: DeviceRef };

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The embedded broker. Policy lives in aedes' hooks: `authenticate` binds a
 * connection to its device, `authorizePublish` only calls back once the data
 * is committed — aedes writes the QoS 1 PUBACK after that callback, so an
 * acknowledged report is always a stored one (SPEC §2).
 */
export async function createMqttBroker(deps: MqttBrokerDeps): Promise<MqttBroker> {
  const { registry, handlePublish, log, backends } = deps;
  const aedes = await Aedes.createBroker({
    ...(backends ? { mq: backends.mq, persistence: backends.persistence } : {}),
    authenticate(client, username, password, done) {
      if (!username || !password) return done(authError('username and password required', 4), false);
      registry
        .authenticate(username, password.toString())
        .then((dev) => {
          if (!dev) {
            log.warn({ uniqueId: username, clientId: client.id }, 'mqtt login refused');
            // Unknown ids are listed for admins; a known id with a wrong token is not "unknown".
            void registry.find(username).then((known) => {
              if (!known) void registry.recordUnknown(username, 'mqtt', remoteOf(client)).catch(() => undefined);
            });
            return done(authError('bad username or password', 4), false);
          }
          (client as DeviceClient)[DEVICE] = dev;
          done(null, true);
        })
        .catch((err: Error) => done(authError(`authentication unavailable: ${err.message}`, 3), false));
    },

    authorizePublish(client, packet, done) {
      const dev = client ? (client as DeviceClient)[DEVICE] : undefined;
      const topic = parseDeviceTopic(packet.topic);
      // [MQTT-3.3.5-2] a server may refuse a publish; a device may publish only under its own id (SPEC §5).
      if (!dev || !topic || topic.uniqueId !== dev.uniqueId) {
        log.warn({ uniqueId: dev?.uniqueId, topic: packet.topic }, 'mqtt publish refused: foreign or unknown topic');
        return done(new Error(`not authorized to publish to ${packet.topic}`));
      }
      handlePublish(dev, topic, packet.payload as Buffer)
        .then(() => done(null))
        .catch((err: Error) => {
          log.error({ uniqueId: dev.uniqueId, err: err.message }, 'publish not committed; no PUBACK');
          done(err);
        });
    },

    authorizeSubscribe(client, sub, done) {
      const dev = client ? (client as DeviceClient)[DEVICE] : undefined;
      if (!dev || sub.topic !== planTopic(dev.uniqueId)) return done(new Error(`not authorized to subscribe to ${sub.topic}`), null);
      done(null, sub);
    },
  });

  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  const tcp = createServer(aedes.handle);

  return {
    aedes,
    tcp,
    publishRetained: (topic, payload) =>
      new Promise((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    connectedDevices: () => aedes.connectedClients,
    async close() {
      // Clients first: a listening socket only finishes closing once its connections have.
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      // aedes closes its emitter but leaves the store to its owner.
      await backends?.close();
    },
  };
}

function remoteOf(client: Client): string {
  const conn = (client as unknown as { conn?: { remoteAddress?: string } }).conn;
  return conn?.remoteAddress ?? 'unknown';
}
