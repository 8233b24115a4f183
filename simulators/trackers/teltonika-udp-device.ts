import dgram from 'node:dgram';
import { encodeTeltonikaUdpPacket, TELTONIKA_CODEC, type TeltonikaRecord } from '../../device-protocols/index.ts';
import { fixToTeltonikaRecord } from './teltonika-device.ts';
import type { TrackerFix } from './tracker-fix.ts';

export interface TeltonikaUdpDeviceOptions {
  host: string;
  port: number;
  imei: string;
  /** UDP loses datagrams: resend an unacknowledged packet this often. */
  retryMs?: number;
}

interface Pending {
  datagram: Uint8Array;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A Teltonika unit over UDP (wiki "Codec", UDP channel): every datagram
 * carries the IMEI; the server's ACK echoes the packet id, and a packet
 * is resent until that ACK arrives.
 */
export class TeltonikaUdpDevice {
  readonly #options: Required<TeltonikaUdpDeviceOptions>;
  readonly #socket = dgram.createSocket('udp4');
  readonly #pending = new Map<number, Pending>();
  #packetId = 0;

  constructor(options: TeltonikaUdpDeviceOptions) {
    this.#options = { retryMs: 1000, ...options };
    this.#socket.on('message', (msg) => this.#onAck(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength)));
  }

  get unacknowledged(): number {
    return this.#pending.size;
  }

  /** Binds the local socket; UDP has no connection or handshake. */
  connect(): Promise<void> {
    return new Promise((resolve) => this.#socket.bind(0, '0.0.0.0', () => resolve()));
  }

  /** ACK: length 0x0005, packet id, 0x01, AVL packet id, accepted count. */
  #onAck(ack: Uint8Array): void {
    if (ack.length !== 7 || ack[0] !== 0 || ack[1] !== 5) return;
    const pending = this.#pending.get((ack[2] << 8) | ack[3]);
    if (!pending) return;
    clearInterval(pending.timer);
    this.#pending.delete((ack[2] << 8) | ack[3]);
    pending.resolve();
  }

  sendRecords(records: TeltonikaRecord[]): Promise<void> {
    this.#packetId = (this.#packetId + 1) & 0xffff;
    const packetId = this.#packetId;
    const datagram = encodeTeltonikaUdpPacket(packetId, packetId & 0xff, this.#options.imei, TELTONIKA_CODEC.codec8Extended, records);
    return new Promise((resolve, reject) => {
      const send = () => this.#socket.send(datagram, this.#options.port, this.#options.host);
      const timer = setInterval(send, this.#options.retryMs);
      this.#pending.set(packetId, { datagram, resolve, reject, timer });
      send();
    });
  }

  sendPosition(fix: TrackerFix): Promise<void> {
    return this.sendRecords([fixToTeltonikaRecord(fix)]);
  }

  close(): void {
    for (const p of this.#pending.values()) {
      clearInterval(p.timer);
      p.reject(new Error('device closed before the server acknowledged'));
    }
    this.#pending.clear();
    this.#socket.close();
  }
}
