import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { redactUrl } from '../lib/redact-url.ts';
import type { DeviceRegistry } from './device-registry.ts';
import type { PublishHandler } from './mqtt-publish-handler.ts';
import { parseDeviceTopic } from './mqtt-topics.ts';

export const DEVICE_TOPICS = ['ronda/+/position', 'ronda/+/checkin', 'ronda/+/payment', 'owntracks/+/+'] as const;

/**
 * mqtt.js hands a connection's messages over one at a time (its
 * `handleMessage` waits for our callback before the next), so a single
 * connection would wait out one batch-writer flush per message. Several
 * sessions per instance let commits overlap and batches fill: draining a
 * 3,000-message backlog from Mosquitto into PostgreSQL (default 50 ms flush,
 * 2 shared cores) ran at 63 msg/s with 4 sessions, 406 with 8, 829 with 16,
 * 941 with 32.
 */
export const INGEST_CONNECTIONS = 16;
/**
 * How long the broker keeps a session (and queues its share of messages)
 * while this instance is away — e.g. killed and restarting. The session is
 * kept only with a Session Expiry Interval above 0 [MQTT-3.1.2-23].
 */
export const SESSION_EXPIRY_S = 24 * 3600;
const RETRY_MAX_MS = 5000;
const PUBLISH_TIMEOUT_MS = 10_000;

export interface ExternalMqttDeps {
  url: string;
  /** Stable per instance: the broker finds this instance's session (and its unacknowledged messages) by it. */
  clientId: string;
  /** Every instance joins this share group, so the broker hands each device message to one of them. */
  shareGroup: string;
  registry: DeviceRegistry;
  handlePublish: PublishHandler;
  log: Logger;
  /** A session is back after the broker was unreachable: what was published meanwhile (plans) may be missing there. */
  onReconnected?: () => void;
}

export interface ExternalMqttStatus {
  mode: 'external';
  url: string;
  sessions: { clientId: string; connected: boolean }[];
  /** Messages whose commit failed and is being retried (no PUBACK yet). */
  retrying: number;
}

export interface ExternalMqttIngest {
  /** Publishes a retained message (a device's plan) to the external broker. */
  publishRetained(topic: string, payload: string): Promise<void>;
  status(): ExternalMqttStatus;
  close(): Promise<void>;
}

/**
 * SPEC §8 with MQTT_URL: no embedded broker; ingest subscribes to the
 * external (clustered) broker through a shared subscription and acknowledges
 * each message only once its rows are committed (SPEC §2). A message this
 * instance never acknowledged — because it crashed, or the database was
 * down — is redelivered by the broker from the persistent session.
 * Device authentication and topic ACLs are the broker's job in this mode.
 */
export async function startExternalMqttIngest(deps: ExternalMqttDeps): Promise<ExternalMqttIngest> {
  const { url, registry, handlePublish, log } = deps;
  const shownUrl = redactUrl(url);
  let closing = false;
  let retrying = 0;

  /** Resolves once the message is stored, or known never to be storable (then it is acknowledged and dropped). */
  async function store(packet: IPublishPacket): Promise<void> {
    const topic = parseDeviceTopic(packet.topic);
    if (!topic) {
      log.warn({ topic: packet.topic }, 'external broker delivered a topic Ronda does not read; acknowledged and dropped');
      return;
    }
    const dev = await registry.find(topic.uniqueId);
    if (!dev) {
      // SPEC §5: unknown ids write no row and are listed for admins (recordUnknown leaves a disabled device's out).
      log.warn({ uniqueId: topic.uniqueId, topic: packet.topic }, 'unknown or disabled device refused');
      await registry.recordUnknown(topic.uniqueId, 'mqtt', `broker ${new URL(url).host}`);
      return;
    }
    await handlePublish(dev, topic, packet.payload as Buffer);
  }

  /** Retries in place so PUBACKs stay in arrival order [MQTT-4.6.0-2]; the session holds what is not yet acknowledged. */
  async function storeUntilCommitted(packet: IPublishPacket, clientId: string): Promise<void> {
    let failures = 0;
    try {
      for (;;) {
        try {
          await store(packet);
          return;
        } catch (err) {
          if (closing) throw err;
          if (failures++ === 0) retrying++;
          log.error({ clientId, topic: packet.topic, failures, err: (err as Error).message }, 'device message not committed; no PUBACK, retrying');
          await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, 200 * 2 ** failures)));
        }
      }
    } finally {
      if (failures > 0) retrying--;
    }
  }

  function openSession(clientId: string): Promise<MqttClient> {
    const client = mqtt.connect(url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S },
      // We subscribe on every CONNACK ourselves, whether or not the broker kept the session.
      resubscribe: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    client.handleMessage = (packet, done) => {
      if (packet.cmd !== 'publish') return done();
      // done() makes mqtt.js send the PUBACK; done(err) withholds it.
      storeUntilCommitted(packet, clientId).then(
        () => done(),
        (err: Error) => done(err),
      );
    };
    let wasConnected = false;
    client.on('connect', (connack) => {
      log.info({ clientId, sessionPresent: connack.sessionPresent }, wasConnected ? 'external broker reconnected' : 'external broker connected');
      if (wasConnected) deps.onReconnected?.();
      wasConnected = true;
      const topics = Object.fromEntries(DEVICE_TOPICS.map((t) => [`$share/${deps.shareGroup}/${t}`, { qos: 1 as const }]));
      client.subscribe(topics, (err, granted) => {
        const refused = (granted ?? []).filter((g) => g.qos > 2);
        if (err || refused.length > 0) log.error({ clientId, err: err?.message, refused: refused.map((g) => g.topic) }, 'external broker refused the device subscriptions');
      });
    });
    client.on('offline', () => {
      if (!closing) log.warn({ clientId }, 'external broker unreachable; reconnecting');
    });
    client.on('error', (err) => log.warn({ clientId, err: err.message }, 'external broker error'));
    return new Promise((resolve, reject) => {
      // Only until the first CONNACK: left attached, a later error (the broker restarting) ended the client for good.
      const onError = (err: Error) => fail(err);
      const fail = (err: Error) => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.end(true);
        reject(new Error(`MQTT_URL=${shownUrl}: cannot connect: ${err.message}`));
      };
      const onConnect = () => {
        clearTimeout(timer);
        client.off('error', onError);
        resolve(client);
      };
      const timer = setTimeout(() => fail(new Error('no CONNACK within 10 s')), 10_000);
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  }

  const clientIds = Array.from({ length: INGEST_CONNECTIONS }, (_, i) => `${deps.clientId}-${i}`);
  const settled = await Promise.allSettled(clientIds.map(openSession));
  const clients = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    throw failed.reason;
  }
  log.warn({ url: shownUrl, clientIds }, 'MQTT_URL set: no embedded broker; device authentication and topic ACLs are the external broker\'s job');

  return {
    async publishRetained(topic, payload) {
      const client = clients.find((c) => c.connected);
      if (!client) throw new Error(`external broker ${shownUrl} not connected`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PUBACK from ${shownUrl} within ${PUBLISH_TIMEOUT_MS / 1000} s`)), PUBLISH_TIMEOUT_MS);
      });
      try {
        await Promise.race([client.publishAsync(topic, payload, { qos: 1, retain: true }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    status: () => ({
      mode: 'external',
      url: shownUrl,
      sessions: clients.map((c, i) => ({ clientId: clientIds[i], connected: c.connected })),
      retrying,
    }),
    async close() {
      closing = true;
      // The session outlives the connection [MQTT-3.1.2-23]: what was not acknowledged is
      // redelivered to this clientId when the instance comes back.
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}
