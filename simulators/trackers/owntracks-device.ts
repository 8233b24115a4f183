import mqtt, { type MqttClient } from 'mqtt';
import type { TrackerFix } from './tracker-fix.ts';

export interface OwnTracksDeviceOptions {
  /** The MQTT broker, e.g. mqtt://127.0.0.1:1883 */
  brokerUrl: string;
  /** The app's device name, which Ronda reads as the uniqueId; it logs in with it and its token. */
  uniqueId: string;
  token: string;
  /** The app's user name, the topic's middle level. */
  user?: string;
}

/**
 * The OwnTracks app in MQTT mode: `_type: location` JSON (owntracks.org booklet, "JSON") on
 * `owntracks/{user}/{device}`, QoS 1, so mqtt.js keeps a report until the broker acknowledges it
 * and queues what is sent while the connection is down.
 */
export class OwnTracksDevice {
  readonly #options: Required<OwnTracksDeviceOptions>;
  #client: MqttClient | null = null;

  constructor(options: OwnTracksDeviceOptions) {
    this.#options = { user: 'ronda', ...options };
  }

  /** Resolves once connected or refused; either way the client keeps redialling, and queues reports meanwhile. */
  connect(): Promise<void> {
    const { brokerUrl, uniqueId, token } = this.#options;
    const client = mqtt.connect(brokerUrl, { username: uniqueId, password: token, clientId: `owntracks-${uniqueId}`, reconnectPeriod: 2000 });
    this.#client = client;
    // A refused login or a dropped broker is retried; an 'error' without a listener would end the process.
    client.on('error', () => undefined);
    return new Promise((resolve) => {
      client.once('connect', () => resolve());
      client.once('error', () => resolve());
    });
  }

  async sendPosition(fix: TrackerFix): Promise<void> {
    if (!this.#client) throw new Error('OwnTracks device not connected');
    const { user, uniqueId } = this.#options;
    const location = {
      _type: 'location',
      tid: uniqueId.slice(-2),
      tst: Math.floor(fix.time.getTime() / 1000),
      lat: fix.lat,
      lon: fix.lon,
      vel: Math.round(fix.speedKph),
      cog: Math.round(fix.courseDeg),
      ...(fix.altitudeM !== undefined ? { alt: Math.round(fix.altitudeM) } : {}),
      ...(fix.batteryPct !== undefined ? { batt: fix.batteryPct } : {}),
      t: 't',
    };
    await this.#client.publishAsync(`owntracks/${user}/${uniqueId}`, JSON.stringify(location), { qos: 1 });
  }

  close(): void {
    this.#client?.end(true);
  }
}
