import { Gt06Device, H02Device, OsmAndDevice, OwnTracksDevice, TeltonikaTcpDevice, type TrackerFix } from '../trackers/index.ts';
import type { Motion } from './phone.ts';

export interface TrackerSpec {
  /** `osmand` is the Traccar Client app, reporting over HTTP; `owntracks` the OwnTracks app, over MQTT. */
  kind: 'gt06' | 'teltonika' | 'h02' | 'osmand' | 'owntracks';
  /** The unique id: an IMEI, or the app's device identifier. */
  imei: string;
  port: number;
  /** OwnTracks only: its MQTT password (the device token). */
  token?: string;
  /** The Ronda app on the same collector's phone (check-ins and payments; no positions of its own). */
  app: { uniqueId: string; token: string };
}

/**
 * A hardware tracker on a collector's motorbike, or the Traccar Client or OwnTracks app: reports
 * where its rider is (`rider`, the collector's phone following the day's plan) every interval
 * through the real protocol encoder over TCP, HTTP or MQTT; the device keeps unacknowledged
 * reports and resends them.
 */
export class SimulatedTracker {
  private readonly device: Gt06Device | TeltonikaTcpDevice | H02Device | OsmAndDevice | OwnTracksDevice;
  private timer: NodeJS.Timeout | null = null;
  private battery: number;

  constructor(
    readonly spec: TrackerSpec,
    private readonly rider: Motion,
    private readonly intervalMs: number,
    private readonly rand: () => number,
  ) {
    const options = { host: '127.0.0.1', port: spec.port, imei: spec.imei, reconnectDelayMs: 2000 };
    this.device =
      // Ronda ACKs GT06 locations once stored, so the unit can keep unacknowledged fixes for a resend.
      spec.kind === 'gt06' ? new Gt06Device({ ...options, expectPositionAck: true })
      : spec.kind === 'teltonika' ? new TeltonikaTcpDevice(options)
      : spec.kind === 'h02' ? new H02Device(options)
      : spec.kind === 'owntracks' ? new OwnTracksDevice({ brokerUrl: `mqtt://127.0.0.1:${spec.port}`, uniqueId: spec.imei, token: spec.token ?? '' })
      : new OsmAndDevice({ url: `http://127.0.0.1:${spec.port}/`, uniqueId: spec.imei });
    this.battery = 70 + Math.floor(rand() * 30);
  }

  async start(): Promise<void> {
    // The Traccar Client posts each report on its own; the TCP units and OwnTracks keep one connection.
    if (!(this.device instanceof OsmAndDevice)) await this.device.connect().catch(() => undefined);
    // Units switched on at different moments report at different instants, not the whole fleet at once.
    this.timer = setTimeout(() => {
      this.tick();
      this.timer = setInterval(() => this.tick(), this.intervalMs);
    }, this.rand() * this.intervalMs);
  }

  stop(): void {
    // clearTimeout and clearInterval clear either kind of timer.
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
