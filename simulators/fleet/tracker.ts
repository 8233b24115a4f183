import { Gt06Device, TeltonikaTcpDevice, type TrackerFix } from '../trackers/index.ts';
import type { Motion } from './phone.ts';

export interface TrackerSpec {
  kind: 'gt06' | 'teltonika';
  imei: string;
  port: number;
  /** The Ronda app on the same collector's phone (check-ins and payments; no positions of its own). */
  app: { uniqueId: string; token: string };
}

/**
 * A hardware tracker on a collector's motorbike: reports where its rider is
 * (`rider`, the collector's phone following the day's plan) every interval
 * through the real protocol encoder over TCP; the device class keeps
 * unacknowledged reports and resends after reconnecting.
 */
export class SimulatedTracker {
  private readonly device: Gt06Device | TeltonikaTcpDevice;
  private timer: NodeJS.Timeout | null = null;
  private battery: number;

  constructor(
    readonly spec: TrackerSpec,
    private readonly rider: Motion,
    private readonly intervalMs: number,
    private readonly rand: () => number,
  ) {
    const options = { host: '127.0.0.1', port: spec.port, imei: spec.imei, reconnectDelayMs: 2000 };
    // Ronda ACKs GT06 locations once stored, so the unit can keep unacknowledged fixes for a resend.
    this.device = spec.kind === 'gt06' ? new Gt06Device({ ...options, expectPositionAck: true }) : new TeltonikaTcpDevice(options);
    this.battery = 70 + Math.floor(rand() * 30);
  }

  async start(): Promise<void> {
    await this.device.connect().catch(() => undefined);
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.device.close();
  }

  private tick(): void {
    const speed = this.rider.speedKph;
    this.battery = Math.max(5, this.battery - 0.002);
    const [lon, lat] = this.rider.position;
    const fix: TrackerFix = {
      time: new Date(),
      lat,
      lon,
      speedKph: Math.round(speed),
      courseDeg: Math.round(this.rider.heading),
      satellites: 7 + Math.floor(this.rand() * 5),
      batteryPct: Math.round(this.battery),
      ignition: speed > 0,
    };
    // Unacknowledged fixes stay queued inside the device and go out again after a reconnect.
    this.device.sendPosition(fix).catch(() => undefined);
  }
}
