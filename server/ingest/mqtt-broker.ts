import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { Fifo } from '../lib/fifo.ts';
import type { DeviceRegistry, RegisteredDevice } from './device-registry.ts';
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
  /** Serves one device connection (TCP or WebSocket, whose stream does not know the peer's address). */
  handle(stream: Duplex, remoteAddress?: string): void;
  /** Publishes a retained message to a device (its plan). */
  publishRetained(topic: string, payload: string): Promise<void>;
  connectedDevices(): number;
  /**
   * Closes this device's connections (its token changed, it was disabled or handed to
   * another collector): it must log in again, with what the device is now.
   */
  disconnectDevice(uniqueId: string): void;
  /** Publishes read from devices and not yet acknowledged (held until committed). */
  heldPublishes(): number;
  close(): Promise<void>;
}

const DEVICE = Symbol('device');
const REMOTE = Symbol('remote');
/**
 * Work for devices — serving a new connection, reading a connection's next
 * bytes — runs at once while the event-loop turn has spent less than this
 * many milliseconds on it, then waits for the next turns. A
 * connect costs ~0.5 ms, a disconnect ~0.2 ms, and they come in storms (a
 * fleet reconnecting after a restart, a network cut); acknowledging a
 * committed batch frees hundreds of connections to read at once. Unpaced,
 * these held the loop 36–60 ms, 69–180 ms and 0.5–0.7 s.
 */
const DEVICE_WORK_MS = 5;
/**
 * The largest MQTT packet a device may send: a phone's buffered history of a day offline (~3,000
 * fixes of ~150 bytes) fits with room. MQTT itself allows 256 MB, which the parser would hold in
 * this heap, announced before login by anyone who can reach the port.
 */
export const MQTT_MAX_PACKET_BYTES = 1024 * 1024;
/** A packet's type byte and its remaining length (1 to 4 bytes), before the MQTT_MAX_PACKET_BYTES it may announce. */
export const MQTT_FIXED_HEADER_MAX = 5;
type DeviceClient = Client & { [DEVICE]?: RegisteredDevice; [REMOTE]?: string };

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
  let held = 0;
  let warned = false;
  const soon = withBudget(DEVICE_WORK_MS);
  /** Connected clients by client id (aedes' own table is not part of its API). */
  const connected = new Map<string, DeviceClient>();
  const aedes = await Aedes.createBroker({
    ...(backends ? { mq: backends.mq, persistence: backends.persistence } : {}),
    authenticate(client, username, password, done) {
      if (!username || !password) return done(authError('username and password required', 4), false);
      registry
        .authenticate(username, password.toString())
        .then((dev) => {
          if (!dev) {
            log.warn({ uniqueId: username, clientId: client.id }, 'mqtt login refused');
            // Unknown ids are listed for admins; a known id with a wrong token, or a disabled one, is not "unknown" (recordUnknown checks).
            void registry.recordUnknown(username, 'mqtt', remoteOf(client)).catch(() => undefined);
            return done(authError('bad username or password', 4), false);
          }
          // Another device reusing this client id would take the session over and knock the phone off (MQTT-3.1.4-2).
          const holder = connected.get(client.id);
          if (holder && holder !== client && holder[DEVICE]?.uniqueId !== dev.uniqueId) {
            log.warn({ uniqueId: dev.uniqueId, clientId: client.id, holder: holder[DEVICE]?.uniqueId }, 'mqtt login refused: client id held by another device');
            return done(authError(`client id ${client.id} is in use by another device`, 2), false);
          }
          (client as DeviceClient)[DEVICE] = dev;
          done(null, true);
        })
        .catch((err: Error) => done(authError(`authentication unavailable: ${err.message}`, 3), false));
    },

    authorizePublish(client, packet, done) {
      const bound = client ? (client as DeviceClient)[DEVICE] : undefined;
      const topic = parseDeviceTopic(packet.topic);
      // [MQTT-3.3.5-2] a server may refuse a publish; a device may publish only under its own id (SPEC §5).
      if (!bound || !topic || topic.uniqueId !== bound.uniqueId) {
        log.warn({ uniqueId: bound?.uniqueId, topic: packet.topic }, 'mqtt publish refused: foreign or unknown topic');
        return done(new Error(`not authorized to publish to ${packet.topic}`));
      }
      // Devices report to the server, not to each other: nothing of theirs is kept (a retained message per topic
      // variant filled the broker's memory).
      packet.retain = false;
      held++;
      // The device as it is now, not as it was at login: a connection outlives a token rotated, a device
      // disabled or handed to another collector, here or on another instance (DeviceRegistry's cache age).
      registry
        .find(bound.uniqueId)
        // The database down: the device as it logged in (its publish waits for the database anyway); closing
        // the connection instead would drop every publish in flight.
        .catch(() => bound)
        .then(async (dev) => {
          if (!dev || dev.tokenHash !== bound.tokenHash) {
            held--;
            log.warn({ uniqueId: bound.uniqueId, clientId: client?.id }, 'mqtt publish refused: device disabled or its token changed since login');
            // An error here closes the connection; the device's next login is checked afresh.
            return done(new Error('device credentials are no longer valid'));
          }
          (client as DeviceClient)[DEVICE] = dev;
          await handlePublish(dev, topic, packet.payload as Buffer);
          held--;
          done(null);
        })
        .catch((err: Error) => {
          held--;
          log.error({ uniqueId: bound.uniqueId, err: err.message }, 'publish not committed; no PUBACK');
          done(err);
        });
    },

    authorizeSubscribe(client, sub, done) {
      const dev = client ? (client as DeviceClient)[DEVICE] : undefined;
      if (!dev || sub.topic !== planTopic(dev.uniqueId)) return done(new Error(`not authorized to subscribe to ${sub.topic}`), null);
      done(null, sub);
    },
  });

  aedes.on('client', (client) => connected.set(client.id, client));
  aedes.on('clientDisconnect', (client) => {
    if (connected.get(client.id) === client) connected.delete(client.id);
  });
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  const handle = (stream: Duplex, remoteAddress?: string) => {
    const client = aedes.handle(stream) as DeviceClient;
    // Read now: once a refused login has closed the socket, it no longer knows its peer.
    client[REMOTE] = remoteAddress ?? (stream as Socket).remoteAddress;
    const oversized = (bytes: number) => {
      log.warn({ uniqueId: client[DEVICE]?.uniqueId, remote: client[REMOTE], bytes, max: MQTT_MAX_PACKET_BYTES }, 'mqtt packet too large; connection closed');
      stream.destroy();
    };
    if (!readOneSliceAtATime(client, stream, soon, oversized) && !warned) {
      warned = true;
      log.error('aedes Client internals changed (_nextBatch/_parsingBatch/_parser): device reads are not bounded under overload');
    }
  };
  // Accepted sockets are created paused: nothing is read until aedes adds its listener.
  const tcp = createServer(
    { pauseOnConnect: true },
    (socket: Socket) => soon(() => socket.destroyed || handle(socket)),
  );

  return {
    aedes,
    tcp,
    handle,
    publishRetained: (topic, payload) =>
      new Promise((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    connectedDevices: () => aedes.connectedClients,
    disconnectDevice(uniqueId) {
      for (const client of connected.values()) if (client[DEVICE]?.uniqueId === uniqueId) client.close();
    },
    heldPublishes: () => held,
    async close() {
      // Clients first: a listening socket only finishes closing once its connections have.
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      // aedes closes its emitter but leaves the store to its owner.
      await backends?.close();
    },
  };
}

/**
 * Runs work at once while this turn of the event loop has spent less than
 * `budgetMs` on it, and otherwise queues it for the next turns, which get
 * `budgetMs` each, in the order queued.
 */
function withBudget(budgetMs: number): (work: () => void) => void {
  const waiting = new Fifo<() => void>();
  /** End of this turn's budget; -1 while none is open. */
  let until = -1;
  const nextTurn = () => {
    until = -1;
    if (waiting.length === 0) return;
    until = performance.now() + budgetMs;
    setImmediate(nextTurn);
    do waiting.shift()!();
    while (waiting.length > 0 && performance.now() < until);
  };
  return (work) => {
    if (until < 0) {
      until = performance.now() + budgetMs;
      setImmediate(nextTurn);
    }
    if (waiting.length === 0 && performance.now() < until) work();
    else waiting.push(work);
  };
}

/** The parts of aedes' Client (1.x) that pace its reads. */
interface ClientReads {
  _parsingBatch: number;
  _paused: boolean;
  _nextBatch: (err?: Error) => void;
  /** `packet.length`: the remaining length the packet being parsed announced; -1 until its header is read. */
  _parser: { parse(buf: Buffer): unknown; packet?: { length: number } };
  emit(event: 'error', err: Error): boolean;
}

/** Bytes handed to the MQTT parser at a time: ~20 position publishes. */
const READ_SLICE = 4096;

/**
 * aedes reads a connection's next bytes once every packet of the last read is
 * handled — except that each 'readable' event also counted as one handled
 * packet, so a device that kept sending was read ahead without bound: under
 * overload its unacknowledged publishes piled up in this heap (0.8 GB live
 * after 60 s at 2× the rate) instead of in its TCP window. Here the next bytes
 * are read only when nothing of the connection is in flight, and at most
 * READ_SLICE of them at a time, so a waiting device holds a few KB here.
 * Reads run through `soon` (see DEVICE_WORK_MS).
 * Returns false when aedes' internals are not the ones this was written for.
 */
function readOneSliceAtATime(client: unknown, stream: Duplex, soon: (read: () => void) => void, oversized: (bytes: number) => void): boolean {
  const c = client as Partial<ClientReads>;
  const original = c._nextBatch;
  if (typeof original !== 'function' || typeof c._parsingBatch !== 'number' || typeof c._parser?.parse !== 'function' || !stream.listeners('readable').includes(original)) {
    return false;
  }
  const reads = c as ClientReads;
  let rest: Buffer | null = null;
  const feed = () => {
    // A slice may end inside a packet (a long buffered history): then nothing is in flight and the next slice follows.
    while (reads._parsingBatch === 0 && !reads._paused) {
      let buf = rest ?? (stream.read() as Buffer | null);
      if (!buf) return;
      rest = buf.length > READ_SLICE ? buf.subarray(READ_SLICE) : null;
      if (rest) buf = buf.subarray(0, READ_SLICE);
      reads._parser.parse(buf);
      // Known as soon as the header is: the rest of it is never read.
      const announced = reads._parser.packet?.length ?? -1;
      if (announced > MQTT_MAX_PACKET_BYTES) return oversized(announced);
    }
  };
  // Called by aedes once per handled packet, and on resume() after authentication.
  reads._nextBatch = (err) => {
    if (err) {
      reads.emit('error', err);
      return;
    }
    if (reads._paused) return;
    if (--reads._parsingBatch <= 0) {
      reads._parsingBatch = 0;
      soon(feed);
    }
  };
  stream.removeListener('readable', original);
  // aedes starts at 1, for the first 'readable' event to take away; nothing is read yet.
  reads._parsingBatch = 0;
  // Even a disconnect waits its turn: 'end' (and aedes' close) follows only once the bytes before it are read.
  stream.on('readable', () => soon(feed));
  return true;
}

function remoteOf(client: Client): string {
  return (client as DeviceClient)[REMOTE] ?? 'unknown';
}
