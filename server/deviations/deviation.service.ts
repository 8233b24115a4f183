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
import { receiptsAfter } from '../repositories/position.repository.ts';
import type { DeviationNotice } from './deviation-notices-redis.ts';
import { activePlansOf } from './plan-adapter.ts';

/** How often time-based rules (offline, end of shift) look at the clock. */
export const TICK_MS = 15_000;

export interface DeviationServiceDeps {
  db: Kysely<Database>;
  log: Logger;
  /** Streams a stored event (open, close or acknowledgement) to the live wall. */
  emit(teamId: number, event: EventOut): void;
  /** Tells the other instances (SPEC §8) that a team's plan or rules changed here. */
  announce?(notice: DeviationNotice): void;
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
 *
 * Several instances (SPEC §8): a plan or rules changed here are announced, and an instance told of a
 * change reads it from the database (onNotice). Before each tick, a collector about to go offline
 * (or offline) is looked up in the positions table: reports another instance stored count too.
 */
export class DeviationService {
  readonly engine = new DeviationEngine();
  /** Engine failures and events that could not be stored, since start (logged one by one). */
  failures = 0;
  private ids = new Map<number, number>();
  /** The local date whose plan is active, per team, and the version of it applied. */
  private days = new Map<number, string>();
  private versions = new Map<number, number>();
  /** Reloads asked for by other instances, one at a time per team, so an older read never lands last. */
  private reloads = new Map<number, Promise<void>>();
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
    if (this.applyPlan(plan)) this.deps.announce?.({ teamId: plan.teamId, change: 'plan' });
  }

  /** Another instance changed a team's plan or rules: what it says is read from the database, not the notice. */
  onNotice(notice: DeviationNotice): Promise<void> {
    const previous = this.reloads.get(notice.teamId) ?? Promise.resolve();
    const next = previous
      .then(() => (notice.change === 'rules' ? this.reloadRules(notice.teamId) : this.reloadPlan(notice.teamId)))
      .catch((err: Error) => {
        this.failures++;
        this.deps.log.error({ err: err.message, ...notice }, 'deviation reload failed');
      })
      .finally(() => {
        if (this.reloads.get(notice.teamId) === next) this.reloads.delete(notice.teamId);
      });
    this.reloads.set(notice.teamId, next);
    return next;
  }

  /** Notices may have been missed (Redis was away): every team's rules and today's plan again. */
  async reloadAll(): Promise<void> {
    const teams = await this.deps.db.selectFrom('teams').select('id').execute();
    await Promise.all(teams.flatMap((t) => [this.onNotice({ teamId: t.id, change: 'rules' }), this.onNotice({ teamId: t.id, change: 'plan' })]));
  }

  private async reloadRules(teamId: number): Promise<void> {
    this.engine.setTeamRules(teamId, (await loadTeamRules(this.deps.db, teamId)).get(teamId) ?? completeRules({}));
  }

  private async reloadPlan(teamId: number): Promise<void> {
    const team = await this.deps.db.selectFrom('teams').select(['id', 'time_zone']).where('id', '=', teamId).executeTakeFirst();
    if (!team) return;
    const plan = await this.storedPlan(team, localDate(this.now(), team.time_zone));
    if (plan) this.applyPlan(plan);
  }

  /** False when the plan is not today's, or not newer than the one applied. */
  private applyPlan(plan: PlanOut): boolean {
    if (plan.date !== localDate(this.now(), plan.timeZone)) return false;
    if (this.days.get(plan.teamId) === plan.date && (this.versions.get(plan.teamId) ?? 0) >= plan.version) return false;
    const planned = new Set(plan.routes.map((r) => r.collectorId));
    this.days.set(plan.teamId, plan.date);
    this.versions.set(plan.teamId, plan.version);
    this.guarded('plan', () => {
      const closed = this.engine.collectorsOfTeam(plan.teamId).filter((id) => !planned.has(id)).flatMap((id) => this.engine.removePlan(id));
      for (const p of activePlansOf(plan)) this.engine.setPlan(p);
      return closed;
    });
    return true;
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
    // The stored rules, not this engine's: another instance may have changed them a moment ago.
    const current = ((await loadTeamRules(this.deps.db, teamId)).get(teamId) ?? this.engine.rulesOf(teamId)) as unknown as Record<string, Record<string, unknown>>;
    const merged: Record<string, Record<string, unknown>> = {};
    for (const k of Object.keys(current)) merged[k] = { ...current[k], ...((patch as Record<string, Record<string, unknown> | undefined>)[k] ?? {}) };
    const rules = completeRules(merged);
    await saveTeamRules(this.deps.db, teamId, rules, by);
    this.engine.setTeamRules(teamId, rules);
    this.deps.announce?.({ teamId, change: 'rules' });
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
      if (previous !== undefined) {
        this.versions.delete(t.id);
        for (const id of this.engine.collectorsOfTeam(t.id)) this.removePlan(id);
      }
      // Plans handed over directly (setPlan, or a plan stored while this one was being read) are newer.
      if (this.engine.collectorsOfTeam(t.id).length > 0) continue;
      const plan = await this.storedPlan(t, date);
      if (!plan || this.engine.collectorsOfTeam(t.id).length > 0) continue;
      this.versions.set(t.id, plan.version);
      for (const p of activePlansOf(plan)) this.engine.setPlan(p);
    }
  }

  /** With each visit's status of now: a visit done before a restart is not waited for (nor reported skipped). */
  private async storedPlan(team: { id: number; time_zone: string }, date: string): Promise<PlanOut | null> {
    const stored = await latestPlan(this.deps.db, team.id, date);
    return stored && toPlanOut(stored, { id: team.id, timeZone: team.time_zone }, date, [], await visitStates(this.deps.db, team.id, date));
  }

  /** Reports stored by other instances, for the collectors whose next tick depends on one. */
  private async hearOtherInstances(nowMs: number): Promise<void> {
    const received = await receiptsAfter(this.deps.db, this.engine.awaitingReports(nowMs));
    for (const [collectorId, receivedMs] of received) this.guarded('receipt', () => this.engine.reportedElsewhere(collectorId, receivedMs));
  }

  private async onTimer(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.loadDays();
      const now = this.now();
      await this.hearOtherInstances(now);
      this.tick(now);
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
