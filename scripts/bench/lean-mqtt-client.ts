import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/**
 * A minimal MQTT 3.1.1 device for load generation: CONNECT, QoS 1 PUBLISH,
 * PUBACK matching — the protocol on a real socket, without mqtt.js's
 * per-message bookkeeping, so one load process can drive thousands of
 * messages per second on a 2-core machine and leave the CPU to the server.
 */
export class LeanMqttClient {
  private socket!: Socket;
  private nextId = 1;
  private readonly waiting = new Map<number, (err?: Error) => void>();
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });

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
      this.parser.on('packet', (p) => {
        if (p.cmd === 'connack') {
          if (p.returnCode === 0) resolve();
          else reject(new Error(`connack ${p.returnCode}`));
        } else if (p.cmd === 'puback' && p.messageId !== undefined) {
          const cb = this.waiting.get(p.messageId);
          this.waiting.delete(p.messageId);
          cb?.();
        }
      });
      this.socket.on('data', (d) => this.parser.parse(d));
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
    this.socket.write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 1, messageId, retain: false, dup: false }));
  }

  end(): void {
    this.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  }
}
