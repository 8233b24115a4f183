import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/**
 * A minimal MQTT 3.1.1 device for load generation: CONNECT, QoS 1 PUBLISH,
 * PUBACK matching — the protocol on a real socket, without mqtt.js's
 * per-message bookkeeping. PUBLISH is encoded and PUBACK decoded by hand
 * (both are a few fixed bytes), so one load process can drive 10,000+
 * messages per second on a 2-core machine and leave the CPU to the server.
 */
export class LeanMqttClient {
  private socket!: Socket;
  private nextId = 1;
  private readonly waiting = new Map<number, (err?: Error) => void>();
  /** Bytes of an incomplete packet carried over to the next 'data' chunk. */
  private rest: Buffer | null = null;

  constructor(
    private readonly port: number,
    private readonly username: string,
    private readonly password: string,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = connect(this.port, '127.0.0.1');
      this.socket.setNoDelay(true);
      this.socket.once('error', reject);
      this.socket.once('data', (d) => {
        // CONNACK: 0x20 0x02 flags returnCode
        if (d[0] !== 0x20 || d[3] !== 0) return reject(new Error(`connack ${d[3]}`));
        if (d.length > 4) this.onData(d.subarray(4));
        this.socket.on('data', (chunk) => this.onData(chunk));
        resolve();
      });
      this.socket.on('close', () => {
        for (const cb of this.waiting.values()) cb(new Error('connection closed'));
        this.waiting.clear();
      });
      this.socket.write(
        mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `lean-${this.username}`, keepalive: 300, username: this.username, password: Buffer.from(this.password) }),
      );
    });
  }

  publish(topic: string, payload: string, done: (err?: Error) => void): void {
    const messageId = this.nextId;
    this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1;
    this.waiting.set(messageId, done);
    const topicLength = Buffer.byteLength(topic);
    const payloadLength = Buffer.byteLength(payload);
    const remaining = 2 + topicLength + 2 + payloadLength;
    const lengthBytes = remaining < 128 ? 1 : remaining < 16384 ? 2 : 3;
    const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
    packet[0] = 0x32; // PUBLISH, QoS 1
    let at = 1;
    for (let x = remaining; ; ) {
      const byte = x & 0x7f;
      x >>>= 7;
      packet[at++] = x > 0 ? byte | 0x80 : byte;
      if (x === 0) break;
    }
    at = packet.writeUInt16BE(topicLength, at);
    at += packet.write(topic, at);
    at = packet.writeUInt16BE(messageId, at);
    packet.write(payload, at);
    this.socket.write(packet);
  }

  /** The server sends this device only PUBACKs (0x40 0x02 idHi idLo) after CONNACK. */
  private onData(chunk: Buffer): void {
    const d = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = 0;
    for (; at + 4 <= d.length; at += 4) {
      if (d[at] !== 0x40 || d[at + 1] !== 0x02) {
        this.socket.destroy(new Error(`unexpected packet 0x${d[at].toString(16)}`));
        return;
      }
      const messageId = (d[at + 2] << 8) | d[at + 3];
      const cb = this.waiting.get(messageId);
      this.waiting.delete(messageId);
      cb?.();
    }
    this.rest = at < d.length ? Buffer.from(d.subarray(at)) : null;
  }

  end(): void {
    this.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  }
}
