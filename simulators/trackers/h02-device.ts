import { createH02Framer, encodeH02BinaryPosition, encodeH02CommandReply, encodeH02Heartbeat, encodeH02Position, bytesToAscii, type H02Link } from '../../device-protocols/index.ts';
import { TcpDevice, type TcpDeviceOptions } from './tcp-device.ts';
import type { TrackerFix } from './tracker-fix.ts';

/**
 * An H02 unit: every frame names the device, so there is no handshake, and
 * the protocol has no ACK for V1 or LINK — a report counts as delivered once
 * written; reports made while disconnected wait for the next connection.
 * Server commands (`*HQ,IMEI,CMD,HHMMSS,…#`) are confirmed with V4.
 */
export interface H02DeviceOptions extends TcpDeviceOptions {
  /** Report positions as 32-byte binary `$` frames, as some firmwares do; the id must then be 10 digits. */
  binary?: boolean;
}

export class H02Device extends TcpDevice {
  #framer = createH02Framer();
  readonly #binary: boolean;

  constructor(options: H02DeviceOptions) {
    super(options);
    this.#binary = options.binary ?? false;
  }

  protected handshakeFrame(): null {
    return null;
  }

  protected resetStream(): void {
    this.#framer = createH02Framer();
  }

  protected onData(chunk: Uint8Array): void {
    for (const frame of this.#framer.push(chunk).frames) {
      const fields = bytesToAscii(frame, 1, frame.length - 1).split(',');
      if (fields.length >= 3 && fields[1] === this.options.imei) {
        this.write(encodeH02CommandReply(this.options.imei, fields[2], new Date(), fields.slice(4)));
      }
    }
  }

  sendPosition(fix: TrackerFix): Promise<void> {
    // Status word: negative logic, bit 10 set = ignition on (see the decoder).
    const status = fix.ignition ? 0xffffffff : 0xfffffbff;
    const h02Fix = { time: fix.time, lat: fix.lat, lon: fix.lon, valid: fix.valid ?? true, speedKph: fix.speedKph, courseDeg: fix.courseDeg, status };
    return this.send(null, this.#binary ? encodeH02BinaryPosition(this.options.imei, h02Fix) : encodeH02Position(this.options.imei, h02Fix));
  }

  sendHeartbeat(link: H02Link): Promise<void> {
    return this.send(null, encodeH02Heartbeat(this.options.imei, link));
  }
}
