import { buildRouteGeometry, type RouteGeometry } from '../../routing/geometry/index.ts';
import type { ActivePlan, DeviationRules, EngineCheckin, EngineEvent, EnginePosition, EventType, StoredFix, Transition } from './types.ts';

const DEG = Math.PI / 180;
const M_PER_DEG_LAT = 6_371_008.8 * DEG;
/** Recent positions kept per collector for rules that look back (check-in presence). */
const RING = 64;

/** A plan made ready for per-position queries: route geometry and visits on one local plane (metres). */
export interface PreparedPlan {
  plan: ActivePlan;
  geometry: RouteGeometry | null;
  lon0: number;
  lat0: number;
  mPerDegLon: number;
  visitX: Float64Array;
  visitY: Float64Array;
  visitIndex: Map<number, number>;
}

export function preparePlan(plan: ActivePlan): PreparedPlan {
  const visits = [...plan.visits].sort((a, b) => a.seq - b.seq);
  const geometry = plan.route.length > 0 ? buildRouteGeometry(plan.route) : null;
  const lat0 = geometry?.lat0 ?? (visits.length ? visits.reduce((s, v) => s + v.lat, 0) / visits.length : 0);
  const lon0 = geometry?.lon0 ?? (visits.length ? visits.reduce((s, v) => s + v.lon, 0) / visits.length : 0);
  const mPerDegLon = M_PER_DEG_LAT * Math.cos(lat0 * DEG);
  const visitX = new Float64Array(visits.length);
  const visitY = new Float64Array(visits.length);
  visits.forEach((v, i) => {
    visitX[i] = (v.lon - lon0) * mPerDegLon;
    visitY[i] = (v.lat - lat0) * M_PER_DEG_LAT;
  });
  return { plan: { ...plan, visits }, geometry, lon0, lat0, mPerDegLon, visitX, visitY, visitIndex: new Map(visits.map((v, i) => [v.visitId, i])) };
}

/** What a rule sees of one collector, and how it opens and closes incidents. */
export interface RuleContext {
  readonly collectorId: number;
  readonly plan: PreparedPlan;
  readonly config: DeviationRules;
  /** Newest device time evaluated for this collector. */
  readonly clockMs: number;
  /** The current position projected on the plan's plane, and its distance to every visit (plan order). */
  readonly x: number;
  readonly y: number;
  readonly visitDistM: Float64Array;
  /** Visits reached (arrival or check-in), kept across re-plans. */
  readonly visited: Set<number>;
  readonly checkedIn: Set<number>;
  inShift(tsMs: number): boolean;
  distanceM(lat: number, lon: number, x: number, y: number): number;
  recent(): Iterable<{ tsMs: number; lat: number; lon: number }>;
  open(type: EventType, atMs: number, details: Record<string, unknown>, visitId?: number): number;
  close(incident: number, atMs: number, details?: Record<string, unknown>): void;
  /** Registers an incident already stored as open (see Rule.resume): no transition, its close will be one. */
  adopt(e: EngineEvent): number;
  /** An incident that is over when it is seen (a skipped visit). */
  instant(type: EventType, openedAtMs: number, closedAtMs: number, details: Record<string, unknown>, visitId?: number): void;
}

export interface Rule {
  onPosition?(p: EnginePosition, c: RuleContext): void;
  /** Every received report, late ones included (the live link is up). */
  onReceived?(receivedMs: number, c: RuleContext): void;
  /** A position older than the collector's clock: not replayed, but still evidence of where it was. */
  onLatePosition?(p: EnginePosition, c: RuleContext): void;
  onCheckin?(ck: EngineCheckin, c: RuleContext): void;
  onTick?(nowMs: number, c: RuleContext): void;
  /**
   * For a rule that `onReceived` would change at this tick: the receipt time after which a report
   * counts (one received by another instance, stored in the database, will do); null otherwise.
   */
  awaitsReportAfter?(nowMs: number, c: RuleContext): number | null;
  /**
   * For a rule holding a verdict that this instance's memory cannot give (another instance may have
   * taken the positions): the device-time span of the collector's stored fixes it needs; null otherwise.
   */
  awaitsFixes?(c: RuleContext): { fromMs: number; toMs: number } | null;
  /** Every fix of the collector stored (by any instance) with device time in [fromMs, toMs]. */
  onStoredFixes?(fixes: readonly StoredFix[], fromMs: number, toMs: number, c: RuleContext): void;
  /**
   * An incident of the rule's kind that an instance which stopped left open: the rule takes it up
   * (returns c.adopt's id) so the next positions close it, or keep it, instead of opening a second
   * one; null when it is not the rule's, the rule is off, or it has one open already.
   */
  resume?(e: EngineEvent, c: RuleContext): number | null;
}

/** One collector's evaluation state. Rules are created by the engine's factory and kept across re-plans. */
export class Collector implements RuleContext {
  clockMs = -Infinity;
  x = 0;
  y = 0;
  visitDistM: Float64Array;
  readonly visited = new Set<number>();
  readonly checkedIn = new Set<number>();
  readonly openIncidents = new Map<number, EngineEvent>();
  private ringTs = new Float64Array(RING);
  private ringLat = new Float64Array(RING);
  private ringLon = new Float64Array(RING);
  private ringLen = 0;
  private ringHead = 0;

  constructor(
    public plan: PreparedPlan,
    public config: DeviationRules,
    public rules: Rule[],
    private readonly out: () => Transition[],
    private readonly nextIncident: () => number,
  ) {
    this.visitDistM = new Float64Array(plan.visitX.length);
  }

  get collectorId(): number {
    return this.plan.plan.collectorId;
  }

  setPlan(plan: PreparedPlan, rules: Rule[]): void {
    this.plan = plan;
    this.rules = rules;
    this.visitDistM = new Float64Array(plan.visitX.length);
  }

  inShift(tsMs: number): boolean {
    const s = this.plan.plan.shift;
    return tsMs >= s.startMs && tsMs < s.endMs;
  }

  distanceM(lat: number, lon: number, x: number, y: number): number {
    const dx = (lon - this.plan.lon0) * this.plan.mPerDegLon - x;
    const dy = (lat - this.plan.lat0) * M_PER_DEG_LAT - y;
    return Math.sqrt(dx * dx + dy * dy);
  }

  /** Projects p, measures it against every visit and advances the clock; false for a late position. */
  locate(p: EnginePosition): boolean {
    this.remember(p);
    if (p.tsMs <= this.clockMs) return false;
    this.clockMs = p.tsMs;
    const { lon0, lat0, mPerDegLon, visitX, visitY } = this.plan;
    this.x = (p.lon - lon0) * mPerDegLon;
    this.y = (p.lat - lat0) * M_PER_DEG_LAT;
    // sqrt, not Math.hypot: this runs for every visit of every position, and hypot's overflow care costs ~6x.
    for (let i = 0; i < visitX.length; i++) {
      const dx = visitX[i] - this.x;
      const dy = visitY[i] - this.y;
      this.visitDistM[i] = Math.sqrt(dx * dx + dy * dy);
    }
    return true;
  }

  *recent(): Iterable<{ tsMs: number; lat: number; lon: number }> {
    for (let k = 0; k < this.ringLen; k++) {
      const i = (this.ringHead - 1 - k + RING) % RING;
      yield { tsMs: this.ringTs[i], lat: this.ringLat[i], lon: this.ringLon[i] };
    }
  }

  open(type: EventType, atMs: number, details: Record<string, unknown>, visitId?: number): number {
    const incident = this.nextIncident();
    const event: EngineEvent = { type, collectorId: this.collectorId, teamId: this.plan.plan.teamId, openedAtMs: atMs, details, ...(visitId !== undefined ? { visitId } : {}) };
    this.openIncidents.set(incident, event);
    this.out().push({ kind: 'open', incident, event });
    return incident;
  }

  close(incident: number, atMs: number, details: Record<string, unknown> = {}): void {
    const e = this.openIncidents.get(incident);
    if (!e) return;
    this.openIncidents.delete(incident);
    this.out().push({ kind: 'close', incident, event: { ...e, closedAtMs: atMs, details: { ...e.details, ...details } } });
  }

  adopt(e: EngineEvent): number {
    const incident = this.nextIncident();
    this.openIncidents.set(incident, e);
    return incident;
  }

  instant(type: EventType, openedAtMs: number, closedAtMs: number, details: Record<string, unknown>, visitId?: number): void {
    const event: EngineEvent = { type, collectorId: this.collectorId, teamId: this.plan.plan.teamId, openedAtMs, closedAtMs, details, ...(visitId !== undefined ? { visitId } : {}) };
    this.out().push({ kind: 'open', incident: this.nextIncident(), event });
  }

  /** Closes whatever is open (the plan was removed); never before it opened (one carried on from a stopped instance may be newer than atMs). */
  closeAll(atMs: number, reason: string): void {
    for (const [id, e] of [...this.openIncidents]) this.close(id, Math.max(atMs, e.openedAtMs), { closedBy: reason });
  }

  private remember(p: EnginePosition): void {
    this.ringTs[this.ringHead] = p.tsMs;
    this.ringLat[this.ringHead] = p.lat;
    this.ringLon[this.ringHead] = p.lon;
    this.ringHead = (this.ringHead + 1) % RING;
    if (this.ringLen < RING) this.ringLen++;
  }
}

export { M_PER_DEG_LAT };
