import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { StreetWalker, type StreetGraph } from './street-walker.ts';

/** The part of the retained plan (SPEC §5 `ronda/{uniqueId}/plan`) the phone acts on. */
interface PlannedVisit {
  visitId: number;
  sequence: number;
  lat: number;
  lon: number;
  serviceMinutes: number;
  status: string;
}

const OPEN = new Set(['planned', 'assigned', 'en_route', 'arrived']);
/** How visits end in the demo, roughly as a collection team sees them. */
const OUTCOMES: [string, number][] = [['paid', 0.35], ['partial', 0.1], ['promise', 0.22], ['absent', 0.2], ['refused', 0.06], ['rescheduled', 0.07]];

type LonLat = [number, number];

export interface PhoneCredentials {
  uniqueId: string;
  token: string;
}

export interface PhoneOptions {
  brokerUrl: string;
  intervalMs: number;
  rand: () => number;
  /** Chance per report of losing coverage for a few minutes (buffered, then sent as one array). */
  dropoutChance: number;
  /**
   * The streets from one place to another, as the server's router plans them: a collector follows
   * the planned route, so the deviation engine sees them off it only when they really leave it.
   */
  route: (from: LonLat, to: LonLat) => Promise<LonLat[]>;
  /**
   * False for a collector whose motorbike carries a hardware tracker: the app then only sends check-ins
   * and payments, and the tracker reports where the phone's rider is (`SimulatedTracker`).
   */
  reportsPositions?: boolean;
}

/** Where the phone's collector is and how they move: what a tracker on their motorbike reports. */
export interface Motion {
  readonly position: readonly [number, number];
  readonly heading: number;
  readonly speedKph: number;
}

interface Report {
  ts: number;
  lat: number;
  lon: number;
  speed: number;
  course: number;
  accuracy: number;
  battery: number;
}

const SPEED_KPH = { walking: 5, moto: 28 } as const;
/**
 * Now and then a collector leaves the plan on the way to a visit (an errand, a detour) and rides
 * via somewhere half a kilometre away: what the deviation engine's off-route alerts are for.
 * The demo's 25 collectors ride ~400 legs an hour (its visits take a share of their planned minutes),
 * so the wall sees a few an hour (3 % gave two in the first ten minutes).
 */
const DETOUR_CHANCE = 0.01;

/**
 * A collector's phone running the Ronda app: walks or rides along streets,
 * stops at addresses for a visit, reports at a fixed interval with GPS noise,
 * and keeps reporting into a buffer when coverage drops (SPEC §1 tracker/phone).
 */
export class SimulatedPhone implements Motion {
  private client: MqttClient | null = null;
  private walker: StreetWalker;
  private buffer: Report[] = [];
  private offlineUntil = 0;
  private stoppedUntil = 0;
  private battery: number;
  private readonly mode: keyof typeof SPEED_KPH;
  private timer: NodeJS.Timeout | null = null;
  private visits: PlannedVisit[] = [];
  private current: PlannedVisit | null = null;
  private readonly done = new Set<number>();
  private joined = false;
  /** Where the last visit was: the next leg starts there, as the plan's does. */
  private lastStop: LonLat | null = null;
  /** Waiting for the route to the next visit (the walker stands still meanwhile). */
  private awaitingRoute = false;
  speedKph = 0;
  sent = 0;

  constructor(
    readonly creds: PhoneCredentials,
    graph: StreetGraph,
    private readonly opts: PhoneOptions,
  ) {
    const r = opts.rand;
    this.walker = new StreetWalker(graph, Math.floor(r() * graph.nodes.length), r);
    this.battery = 55 + Math.floor(r() * 45);
    // A tracker is fitted to a motorbike.
    this.mode = opts.reportsPositions === false || r() < 0.6 ? 'moto' : 'walking';
  }

  get position(): readonly [number, number] {
    return this.walker.position;
  }

  get heading(): number {
    return this.walker.heading;
  }

  async start(): Promise<void> {
    this.client = mqtt.connect(this.opts.brokerUrl, {
      username: this.creds.uniqueId,
      password: this.creds.token,
      clientId: `sim-${this.creds.uniqueId}`,
      reconnectPeriod: 2000,
      clean: true,
    });
    this.client.on('error', () => undefined);
    this.client.on('connect', () => this.client?.subscribe(`ronda/${this.creds.uniqueId}/plan`, { qos: 1 }));
    this.client.on('message', (_topic, payload) => this.takePlan(payload));
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.client?.end(true);
  }

  /** A new retained plan replaces the old one (an empty message clears it: no round today); visits already done here stay done. */
  takePlan(payload: Buffer): void {
    try {
      const plan = (payload.length ? JSON.parse(payload.toString()) : {}) as { visits?: PlannedVisit[] };
      this.visits = (plan.visits ?? []).filter((v) => OPEN.has(v.status)).sort((a, b) => a.sequence - b.sequence);
      if (this.current && !this.visits.some((v) => v.visitId === this.current!.visitId)) this.current = null;
      if (!this.joined && this.visits.length > 0) this.joinDayInProgress(this.visits[0]);
    } catch {
      /* a plan the app cannot read is ignored, as the app would */
    }
  }

  /**
   * The demo opens on a day in progress, not at the office: with its first plan a phone is put at the
   * door of its first visit, half of them finishing it at once and riding on, the others part-way
   * through it, so a newcomer's first minutes show collectors moving, visits ending, check-ins and
   * payments. (Put a few streets away instead, it started off its planned route, and the wall opened
   * with off-route alerts.) The time already spent at the door goes out as buffered history before
   * the check-in, as from a phone that had no coverage: otherwise those first check-ins were timed
   * from the phone's first fix, seconds before, and the metrics opened on "0.1 min per visit".
   */
  private joinDayInProgress(first: PlannedVisit): void {
    this.joined = true;
    this.current = first;
    this.walker.placeAt(this.walker.graph.nearestNode(first.lon, first.lat));
    const r = this.opts.rand;
    const now = Date.now();
    const stay = this.stayMs(first);
    // Half of them finish now; the others are at least half-way through.
    const left = r() < 0.5 ? 0 : (r() * stay) / 2;
    // A few reports' time, so the history is published (and stored) before the check-in.
    this.stoppedUntil = now + Math.max(left, 3 * this.opts.intervalMs);
    for (let ts = now - (stay - left); ts < now; ts += HISTORY_STEP_MS) this.buffer.push(this.reportAt(ts, 0));
  }

  /** How long a visit keeps the collector at the door: a share of its planned minutes (the demo runs in real time). */
  private stayMs(v: PlannedVisit): number {
    return Math.max(1, v.serviceMinutes * 0.15) * 60_000 * (0.6 + this.opts.rand() * 0.8);
  }

  private startNextVisit(): void {
    const next = this.visits.find((v) => !this.done.has(v.visitId));
    if (!next) return;
    this.current = next;
    const to: LonLat = [next.lon, next.lat];
    const from = this.walker.arrived && this.lastStop ? this.lastStop : ([...this.walker.position] as LonLat);
    this.awaitingRoute = true;
    const r = this.opts.rand;
    const via = r() < DETOUR_CHANCE ? this.walker.graph.nodes[this.walker.graph.nodeAround(from, 500, 900, r)] : null;
    const legs = via ? Promise.all([this.opts.route(from, via), this.opts.route(via, to)]).then(([a, b]) => [...a, ...b]) : this.opts.route(from, to);
    legs
      .catch(() => [to])
      .then((path) => {
        this.awaitingRoute = false;
        if (this.current === next) this.walker.follow(path);
      });
  }

  private finishVisit(now: number): void {
    const v = this.current!;
    this.current = null;
    this.lastStop = [v.lon, v.lat];
    this.done.add(v.visitId);
    const r = this.opts.rand;
    let roll = r();
    const outcome = OUTCOMES.find(([, p]) => (roll -= p) < 0)?.[0] ?? 'absent';
    const [lon, lat] = this.walker.position;
    const checkin: Record<string, unknown> = { id: randomUUID(), visitId: v.visitId, ts: new Date(now).toISOString(), lat: round6(lat), lon: round6(lon), outcome };
    if (outcome === 'promise') {
      checkin.promiseDate = new Date(now + (2 + Math.floor(r() * 10)) * 86_400_000).toISOString().slice(0, 10);
      checkin.promiseAmount = 100 * (3 + Math.floor(r() * 15));
    }
    // Check-ins and payments are QoS 1 with client ids: mqtt.js resends until PUBACK, the server stores each once.
    this.client?.publish(`ronda/${this.creds.uniqueId}/checkin`, JSON.stringify(checkin), { qos: 1 });
    if (outcome === 'paid' || outcome === 'partial') {
      const amount = 50 * (4 + Math.floor(r() * (outcome === 'paid' ? 30 : 10)));
      const payment = { id: randomUUID(), visitId: v.visitId, ts: new Date(now).toISOString(), amount, currency: 'MXN', method: r() < 0.8 ? 'cash' : 'transfer' };
      this.client?.publish(`ronda/${this.creds.uniqueId}/payment`, JSON.stringify(payment), { qos: 1 });
    }
  }

  /** One report interval: move, check in at a door, report (the timer calls it; tests step it by hand). */
  tick(): void {
    const now = Date.now();
    const r = this.opts.rand;
    const dt = this.opts.intervalMs / 1000;
    let speed = 0;
    if (now >= this.stoppedUntil && !this.awaitingRoute) {
      if (this.current && this.walker.arrived) this.finishVisit(now);
      if (!this.current) this.startNextVisit();
    }
    // Every visit of the plan done: the day's work is over, and the collector waits at the last door for more
    // (riding on would take them off their planned route and open off-route alerts for the rest of the shift).
    const dayDone = !this.current && this.lastStop !== null;
    if (now >= this.stoppedUntil && !this.awaitingRoute && !dayDone) {
      if (!this.current && r() < 0.004) this.stoppedUntil = now + (3 + r() * 9) * 60_000; // no plan: a stop at some door
      speed = SPEED_KPH[this.mode] * (0.7 + r() * 0.6);
      this.walker.advance((speed / 3.6) * dt);
      if (this.current && this.walker.arrived) this.stoppedUntil = now + this.stayMs(this.current);
    }
    this.speedKph = speed;
    if (this.opts.reportsPositions === false) return;
    this.battery = Math.max(3, this.battery - 0.0015 * dt);
    const report = this.reportAt(now, speed);
    if (now < this.offlineUntil || !this.client?.connected) {
      this.buffer.push(report);
      return;
    }
    if (r() < this.opts.dropoutChance) {
      this.offlineUntil = now + (1 + r() * 3) * 60_000;
      this.buffer.push(report);
      return;
    }
    const batch = this.buffer.length > 0 ? [...this.buffer.splice(0), report] : report;
    this.sent += Array.isArray(batch) ? batch.length : 1;
    this.client.publish(`ronda/${this.creds.uniqueId}/position`, JSON.stringify(batch), { qos: 1 }, (err) => {
      // Not acknowledged: keep it for the next attempt, as the app does.
      if (err) this.buffer.unshift(...(Array.isArray(batch) ? batch : [batch]));
    });
  }

  /** What the phone reports at `ts`: where the walker is, with GPS noise. */
  private reportAt(ts: number, speed: number): Report {
    const r = this.opts.rand;
    const [lon, lat] = this.walker.position;
    const noiseM = 3 + r() * 6;
    return {
      ts,
      lat: round6(lat + gauss(r) * noiseM * 9e-6),
      lon: round6(lon + gauss(r) * noiseM * 9.6e-6),
      speed: Math.round(speed * 10) / 10,
      course: Math.round(this.walker.heading),
      accuracy: Math.round(noiseM * 10) / 10,
      battery: Math.round(this.battery),
    };
  }
}

/** Spacing of the history a phone that joins the day at a door reports for its time there. */
const HISTORY_STEP_MS = 10_000;

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
}
