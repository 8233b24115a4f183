import {
  bytesToAscii,
  encodeCodec12Response,
  encodeTeltonikaImei,
  encodeTeltonikaTcpPacket,
  TELTONIKA_CODEC,
  type TeltonikaIo,
  type TeltonikaRecord,
} from '../../device-protocols/index.ts';
import { TcpDevice, type TcpDeviceOptions } from './tcp-device.ts';
import type { TrackerFix } from './tracker-fix.ts';

/** An FMB-style record: ignition, movement, GSM signal, external voltage, and battery % when known. */
export function fixToTeltonikaRecord(fix: TrackerFix): TeltonikaRecord {
  const io: TeltonikaIo[] = [
    { id: 239, size: 1, value: fix.ignition ? 1 : 0 },
    { id: 240, size: 1, value: fix.speedKph > 0 ? 1 : 0 },
    { id: 21, size: 1, value: 4 },
    { id: 66, size: 2, value: 12_600 },
  ];
  if (fix.batteryPct !== undefined) io.push({ id: 113, size: 1, value: Math.round(fix.batteryPct) });
  const valid = fix.valid ?? true;
  return {
    timestampMs: fix.time.getTime(),
    priority: 0,
    lat: fix.lat,
    lon: fix.lon,
    altitudeM: Math.round(fix.altitudeM ?? 0),
    angleDeg: valid ? Math.round(fix.courseDeg) % 360 : 0,
    satellites: valid ? (fix.satellites ?? 9) : 0,
    speedKph: valid ? Math.round(fix.speedKph) : 0,
    eventIoId: 0,
    io,
  };
}

export interface TeltonikaDeviceOptions extends TcpDeviceOptions {
  codec?: typeof TELTONIKA_CODEC.codec8 | typeof TELTONIKA_CODEC.codec8Extended;
  /** Answer to a Codec 12 command; default echoes it. */
  onCommand?: (command: string) => string;
}

const u32 = (f: Uint8Array, o: number) => f[o] * 0x1000000 + ((f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]);

/**
 * A Teltonika FMB unit over TCP: IMEI handshake, AVL packets acknowledged
 * by a 4-byte record count (in order: the ACK does not name the packet),
 * Codec 12 commands answered with a Codec 12 response.
 */
export class TeltonikaTcpDevice extends TcpDevice {
  #buffer = new Uint8Array(0);
  #handshakeDone = false;
  #packet = 0;
  readonly #codec: typeof TELTONIKA_CODEC.codec8 | typeof TELTONIKA_CODEC.codec8Extended;
  readonly #onCommand: (command: string) => string;

  constructor(options: TeltonikaDeviceOptions) {
    super(options);
    this.#codec = options.codec ?? TELTONIKA_CODEC.codec8;
    this.#onCommand = options.onCommand ?? ((command) => `OK:${command}`);
  }

  protected handshakeFrame(): Uint8Array {
    return encodeTeltonikaImei(this.options.imei);
  }

  protected resetStream(): void {
    this.#buffer = new Uint8Array(0);
    this.#handshakeDone = false;
  }

  protected onData(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    let b = joined;
    if (!this.#handshakeDone && b.length > 0) {
      this.#handshakeDone = true;
      if (b[0] === 0x01) this.handshakeAccepted();
      else this.handshakeRejected('server rejected the IMEI');
      b = b.subarray(1);
    }
    while (b.length >= 4) {
      if (u32(b, 0) !== 0) {
        // ACK: the number of records the server accepted from the oldest packet in flight.
        const key = this.oldestPendingKey();
        if (key) this.acknowledge(key);
        b = b.subarray(4);
        continue;
      }
      if (b.length < 8 || b.length < 12 + u32(b, 4)) break;
      const packet = b.subarray(0, 12 + u32(b, 4));
      b = b.subarray(packet.length);
      // Codec 12 command: codec 0x0C, count, type 0x05, 4-byte size, text (wiki "Codec", Codec 12).
      if (packet[8] === TELTONIKA_CODEC.codec12 && packet[10] === 0x05) {
        this.write(encodeCodec12Response(this.#onCommand(bytesToAscii(packet, 15, 15 + u32(packet, 11)))));
      }
    }
    this.#buffer = b.slice();
  }

  /** Resolves when the server acknowledged the packet. */
  sendRecords(records: TeltonikaRecord[]): Promise<void> {
    return this.send(`avl:${++this.#packet}`, encodeTeltonikaTcpPacket(this.#codec, records));
  }

  sendPosition(fix: TrackerFix): Promise<void> {
    return this.sendRecords([fixToTeltonikaRecord(fix)]);
  }
}
