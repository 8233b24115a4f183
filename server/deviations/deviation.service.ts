import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CheckinOut } from '../contract/checkin.ts';
import type { DeviationRules, DeviationRulesPatch, EventOut } from '../contract/event.ts';
import type { PlanOut } from '../contract/plan.ts';
import type { VisitOut } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import type { PositionWrite } from '../ingest/batch-writer.ts';
import { DeviationEngine, type ActivePlan, type EnginePosition, type Transition } from './engine/index.ts';
import { latestPlan, toPlanOut, visitStates } from '../plans/plan.repository.ts';
import { closeEvents, completeRules, insertEvents, loadTeamRules, saveTeamRules } from './event.repository.ts';
import { localDate } from '../plans/local-time.ts';
import { activePlansOf } from './plan-adapter.ts';

/** How often time-based rules (offline, end of shift) look at the clock. */
export const TICK_MS = 15_000;

export interface DeviationServiceDeps {
  db: Kysely<Database>;
  log: Logger;
  /** Streams a stored event (open, close or acknowledgement) to the live wall. */
  emit(teamId: number, event: EventOut): void;
  now?: () => number;
  tickMs?: number;
}

/**
 * Feeds the pure engine from the ingest path and stores what it says. The batch writer calls
 * onPositionsCommitted after each commit (in-process, synchronous and cheap per row); the engine's
 * transitions are then stored in order, in batches (see persist), and each stored row is streamed
 * as `event`.
 *
 * Plans: today's latest stored plan of every team is loaded at start and again when the team's day
 * turns over, and every plan stored later for today replaces it (onPlanStored, wired to the plans
 * service). setPlan/removePlan take a plan from anywhere else (tests, a dispatcher tool).
 */
export class DeviationService {
  readonly engine = new DeviationEngine();
  /** Engine failures and events that could not be stored, since start (logged one by one). */
  failures = 0;
  private ids = new Map<number, number>();
  /** The local date whose plan is active, per team. */
  private days = new Map<number, string>();
  private ticking = false;
  /** Transitions waiting to be stored, and the one loop storing them (see persist). */
  private pending: Transition[] = [];
  private draining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: DeviationServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    for (const [team, rules] of await loadTeamRules(this.deps.db)) this.engine.setTeamRules(team, rules);
    await this.loadDays();
    this.timer = setInterval(() => void this.onTimer(), this.deps.tickMs ?? TICK_MS);
    this.timer.unref();
  }

  setPlan(plan: ActivePlan): void {
    this.engine.setPlan(plan);
  }

  /** A plan version was stored: if it is today's, its routes become the active plans of its team. */
  onPlanStored(plan: PlanOut): void {
    if (plan.date !== localDate(this.now(), plan.timeZone)) return;
    const planned = new Set(plan.routes.map((r) => r.collectorId));
    this.days.set(plan.teamId, plan.date);
    this.guarded('plan', () => {
      const closed = this.engine.collectorsOfTeam(plan.teamId).filter((id) => !planned.has(id)).flatMap((id) => this.engine.removePlan(id));
      for (const p of activePlansOf(plan)) this.engine.setPlan(p);
      return closed;
    });
  }

  removePlan(collectorId: number): void {
    this.persist(this.engine.removePlan(collectorId));
  }

  /**
   * Called by the batch writer right after a commit, on its call stack: an engine failure is
   * logged and counted here, never thrown back into the writer (its rows are already committed).
   */
  onPositionsCommitted(rows: readonly PositionWrite[]): void {
    const positions: EnginePosition[] = [];
    for (const r of rows) {
      if (r.collectorId === null || !this.engine.hasPlan(r.collectorId)) continue;
      positions.push({ collectorId: r.collectorId, deviceId: r.deviceId, tsMs: r.deviceTimeMs, receivedMs: r.serverTimeMs, lat: r.lat, lon: r.lon, speedKph: r.speedKph, batteryPct: r.batteryPct });
    }
    if (positions.length > 0) this.guarded('positions', () => this.engine.ingest(positions));
  }

  /** A committed check-in (device topic or API), for the rules that wait for one. */
  onCheckin(c: CheckinOut): void {
    if (c.collectorId === null) return;
    const collectorId = c.collectorId;
    this.guarded('checkin', () => this.engine.checkin({ collectorId, visitId: c.visitId, tsMs: Date.parse(c.ts), lat: c.lat, lon: c.lon }));
  }

  /** A committed visit change (visits API, check-in): the active plan holding the visit follows it. */
  onVisit(v: VisitOut): void {
    this.guarded('visit', () => {
      this.engine.updateVisit(v.id, v.status, v.collectorId);
      return [];
    });
  }

  tick(nowMs: number): void {
    this.persist(this.engine.tick(nowMs));
  }

  /** For /api/health: what the engine has evaluated since start, and what could not be stored. */
  stats(): { activePlans: number; positions: number; late: number; failures: number; pendingTransitions: number } {
    const { positions, late } = this.engine.stats;
    return { activePlans: this.engine.activePlans(), positions, late, failures: this.failures, pendingTransitions: this.pending.length };
  }

  rulesOf(teamId: number): DeviationRules {
    return this.engine.rulesOf(teamId);
  }

  async updateRules(teamId: number, patch: DeviationRulesPatch, by: string): Promise<DeviationRules> {
    const current = this.engine.rulesOf(teamId) as unknown as Record<string, Record<string, unknown>>;
    const merged: Record<string, Record<string, unknown>> = {};
    for (const k of Object.keys(current)) merged[k] = { ...current[k], ...((patch as Record<string, Record<string, unknown> | undefined>)[k] ?? {}) };
    const rules = completeRules(merged);
    await saveTeamRules(this.deps.db, teamId, rules, by);
    this.engine.setTeamRules(teamId, rules);
    return rules;
  }

  /** Resolves once every transition so far is stored and streamed. */
  flushed(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushed();
  }

  /**
   * Makes each team's plan of its current local day the active one: at start, and on the first
   * tick after a team's midnight (a plan stored the evening before for "tomorrow" starts then).
   */
  private async loadDays(): Promise<void> {
    const teams = await this.deps.db.selectFrom('teams').select(['id', 'time_zone']).execute();
    for (const t of teams) {
      const date = localDate(this.now(), t.time_zone);
      const previous = this.days.get(t.id);
      if (previous === date) continue;
      this.days.set(t.id, date);
      // A new day: yesterday's plans end, closing what they left open.
      if (previous !== undefined) for (const id of this.engine.collectorsOfTeam(t.id)) this.removePlan(id);
      // Plans handed over directly (setPlan, or a plan stored while this one was being read) are newer.
      if (this.engine.collectorsOfTeam(t.id).length > 0) continue;
      const stored = await latestPlan(this.deps.db, t.id, date);
      if (!stored) continue;
      // With each visit's status of now: a visit done before a restart is not waited for (nor reported skipped).
      const plan = toPlanOut(stored, { id: t.id, timeZone: t.time_zone }, date, [], await visitStates(this.deps.db, t.id, date));
      if (this.engine.collectorsOfTeam(t.id).length > 0) continue;
      for (const p of activePlansOf(plan)) this.engine.setPlan(p);
    }
  }

  private async onTimer(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.loadDays();
      this.tick(this.now());
    } catch (err) {
      this.failures++;
      this.deps.log.error({ err: (err as Error).message }, 'deviation tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private guarded(what: string, run: () => Transition[]): void {
    try {
      this.persist(run());
    } catch (err) {
      this.failures++;
      this.deps.log.error({ err: (err as Error).message, what }, 'deviation engine failed on input');
    }
  }

  /**
   * Transitions are stored by one loop, in the order the engine made them (an incident's close never
   * overtakes its open). Whatever piles up while a batch is being written goes in the next one, in
   * one insert and one update: under a burst (a writer batch that opens hundreds of incidents, or a
   * busy single-session PGlite) the wall gets its events in a few round trips, not one per event.
   */
  private persist(transitions: Transition[]): void {
    if (transitions.length === 0) return;
    this.pending.push(...transitions);
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.store(batch);
      } catch (err) {
        this.failures++;
        this.deps.log.error({ err: (err as Error).message, transitions: batch.length }, 'deviation events not stored');
      }
    }
    this.draining = null;
  }

  private async store(batch: Transition[]): Promise<void> {
    const { db, emit } = this.deps;
    const stored = new Map<Transition, EventOut>();
    const opens = batch.filter((t) => t.kind === 'open');
    const inserted = await insertEvents(db, opens.map((t) => t.event));
    opens.forEach((t, i) => {
      stored.set(t, inserted[i]);
      if (inserted[i].closedAt === null) this.ids.set(t.incident, inserted[i].id);
    });
    const closes = batch.filter((t) => t.kind === 'close' && this.ids.has(t.incident));
    const closed = await closeEvents(
      db,
      closes.map((t) => ({ id: this.ids.get(t.incident)!, closedAtMs: t.event.closedAtMs ?? this.now(), details: t.event.details })),
    );
    for (const t of closes) {
      const row = closed.get(this.ids.get(t.incident)!);
      this.ids.delete(t.incident);
      if (row) stored.set(t, row);
    }
    for (const t of batch) {
      const e = stored.get(t);
      if (e) emit(e.teamId, e);
    }
  }
}
