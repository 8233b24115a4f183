import {
  bytesToAscii,
  createGt06Framer,
  encodeGt06Alarm,
  encodeGt06CommandResponse,
  encodeGt06Heartbeat,
  encodeGt06Login,
  encodeGt06Position,
  GT06_PROTOCOL,
  type Gt06Status,
} from '../../device-protocols/index.ts';
import { TcpDevice, type TcpDeviceOptions } from './tcp-device.ts';
import type { TrackerFix } from './tracker-fix.ts';

export interface Gt06DeviceOptions extends TcpDeviceOptions {
  /**
   * The Concox document has no ACK for location packets, so by default a
   * position is delivered once written. With true, it waits for a 0x12 ACK
   * (a server using `initialGt06State({ ackPositions: true })`) and is
   * resent after a reconnect until acknowledged.
   */
  expectPositionAck?: boolean;
  /** Answer to an online command (0x80); default echoes it. */
  onCommand?: (text: string) => string;
}

const u16 = (f: Uint8Array, o: number) => (f[o] << 8) | f[o + 1];

/**
 * A Concox GT06 unit: logs in with its IMEI, sends 0x12 locations, 0x13
 * status and 0x16 alarms with rising serial numbers, and answers 0x80
 * online commands with 0x15. ACKs are matched by protocol number + serial.
 */
export class Gt06Device extends TcpDevice {
  #serial = 0;
  #framer = createGt06Framer();
  readonly #expectPositionAck: boolean;
  readonly #onCommand: (text: string) => string;
  #loginSerial = -1;

  constructor(options: Gt06DeviceOptions) {
    super(options);
    this.#expectPositionAck = options.expectPositionAck ?? false;
    this.#onCommand = options.onCommand ?? ((text) => `OK:${text}`);
  }

  #nextSerial(): number {
    this.#serial = (this.#serial + 1) & 0xffff;
    return this.#serial;
  }

  protected handshakeFrame(): Uint8Array {
    this.#loginSerial = this.#nextSerial();
    return encodeGt06Login(this.options.imei, this.#loginSerial);
  }

  protected resetStream(): void {
    this.#framer = createGt06Framer();
  }

  protected onData(chunk: Uint8Array): void {
    for (const frame of this.#framer.push(chunk).frames) {
      const head = frame[0] === 0x79 ? 4 : 3;
      const protocolNumber = frame[head];
      const serial = u16(frame, frame.length - 6);
      if (protocolNumber === GT06_PROTOCOL.login && serial === this.#loginSerial) this.handshakeAccepted();
      else if (protocolNumber === GT06_PROTOCOL.command) this.#answerCommand(frame, head + 1);
      else this.acknowledge(`${protocolNumber}:${serial}`);
    }
  }

  /** 0x80 content: command length, 4-byte server flag, command text (GT06N §5.5.1). */
  #answerCommand(frame: Uint8Array, o: number): void {
    const length = frame[o];
    const serverFlag = frame[o + 1] * 0x1000000 + u16(frame, o + 2) * 0x100 + frame[o + 4];
    const text = bytesToAscii(frame, o + 5, o + 1 + length);
    this.write(encodeGt06CommandResponse(this.#onCommand(text), serverFlag, this.#nextSerial()));
  }

  sendPosition(fix: TrackerFix): Promise<void> {
    const serial = this.#nextSerial();
    const frame = encodeGt06Position(
      { time: fix.time, lat: fix.lat, lon: fix.lon, valid: fix.valid ?? true, speedKph: fix.speedKph, courseDeg: fix.courseDeg, satellites: fix.satellites ?? 9 },
      serial,
    );
    return this.send(this.#expectPositionAck ? `${GT06_PROTOCOL.gpsLbs}:${serial}` : null, frame);
  }

  sendHeartbeat(status: Gt06Status): Promise<void> {
    const serial = this.#nextSerial();
    return this.send(`${GT06_PROTOCOL.status}:${serial}`, encodeGt06Heartbeat(status, serial));
  }

  /** Alarm codes as in GT06_ALARMS (0x01 SOS, …). */
  sendAlarm(fix: TrackerFix, status: Gt06Status, alarmCode: number): Promise<void> {
    const serial = this.#nextSerial();
    const frame = encodeGt06Alarm(
      { time: fix.time, lat: fix.lat, lon: fix.lon, valid: fix.valid ?? true, speedKph: fix.speedKph, courseDeg: fix.courseDeg, satellites: fix.satellites ?? 9 },
      status,
      alarmCode,
      serial,
    );
    return this.send(`${GT06_PROTOCOL.alarm}:${serial}`, frame);
  }
}
