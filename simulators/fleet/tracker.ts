import { Gt06Device, TeltonikaTcpDevice, type TrackerFix } from '../trackers/index.ts';
import { StreetWalker, type StreetGraph } from './street-walker.ts';

export interface TrackerSpec {
  kind: 'gt06' | 'teltonika';
  imei: string;
  port: number;
}

/**
 * A collector's motorbike with a hardware tracker: rides the streets and
 * reports every interval through the real protocol encoder over TCP; the
 * device class keeps unacknowledged reports and resends after reconnecting.
 */
export class SimulatedTracker {
  private readonly device: Gt06Device | TeltonikaTcpDevice;
  private readonly walker: StreetWalker;
  private timer: NodeJS.Timeout | null = null;
  private stoppedUntil = 0;
  private battery: number;

  constructor(
    readonly spec: TrackerSpec,
    graph: StreetGraph,
    private readonly intervalMs: number,
    private readonly rand: () => number,
  ) {
    const options = { host: '127.0.0.1', port: spec.port, imei: spec.imei, reconnectDelayMs: 2000 };
    // Ronda ACKs GT06 locations once stored, so the unit can keep unacknowledged fixes for a resend.
    this.device = spec.kind === 'gt06' ? new Gt06Device({ ...options, expectPositionAck: true }) : new TeltonikaTcpDevice(options);
    this.walker = new StreetWalker(graph, Math.floor(rand() * graph.nodes.length), rand);
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
    const now = Date.now();
    let speed = 0;
    if (now >= this.stoppedUntil) {
      if (this.rand() < 0.02) this.stoppedUntil = now + (4 + this.rand() * 8) * 60_000;
      speed = 25 + this.rand() * 15;
      this.walker.advance((speed / 3.6) * (this.intervalMs / 1000));
    }
    this.battery = Math.max(5, this.battery - 0.002);
    const [lon, lat] = this.walker.position;
    const fix: TrackerFix = {
      time: new Date(now),
      lat,
      lon,
      speedKph: Math.round(speed),
      courseDeg: Math.round(this.walker.heading),
      satellites: 7 + Math.floor(this.rand() * 5),
      batteryPct: Math.round(this.battery),
      ignition: speed > 0,
    };
    // Unacknowledged fixes stay queued inside the device and go out again after a reconnect.
    this.device.sendPosition(fix).catch(() => undefined);
  }
}
