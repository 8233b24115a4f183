import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CheckinOut } from '../contract/checkin.ts';
import type { DeviationRules, DeviationRulesPatch, EventOut } from '../contract/event.ts';
import type { PlanOut } from '../contract/plan.ts';
import type { VisitOut } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import type { PositionWrite } from '../ingest/batch-writer.ts';
import { DeviationEngine, type ActivePlan, type EnginePosition, type Transition } from './engine/index.ts';
import { latestPlan, toPlanOut, visitStates } from '../plans/plan.repository.ts';
import { closeEvents, closeStaleOffline, closeUnwatched, completeRules, insertEvents, loadTeamRules, openOfflineEvent, openResumableEvents, saveTeamRules } from './event.repository.ts';
import { localDate } from '../plans/local-time.ts';
import { fixesOfCollector, receiptsAfter } from '../repositories/position.repository.ts';
import { MAX_NOTICE_VISITS, type DeviationNotice } from './deviation-notices-redis.ts';
import { activePlansOf } from './plan-adapter.ts';

/** How often time-based rules (offline, end of shift) look at the clock. */
export const TICK_MS = 15_000;

export interface DeviationServiceDeps {
  db: Kysely<Database>;
  log: Logger;
  /** Streams a stored event (open, close or acknowledgement) to the live wall. */
  emit(teamId: number, event: EventOut): void;
  /** Tells the other instances (SPEC §8) that a team's plan, rules or visits changed here. */
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
 * Several instances (SPEC §8): a plan, rules, a visit changed or checked in here are announced, and
 * an instance told of a change reads it from the database (onNotice). Before each tick, a collector
 * about to go offline (or offline) is looked up in the positions table: reports another instance
 * stored count too. An `offline` event is stored once per collector, whichever instance opens it first
 * (see openOfflineEvent), and a `visit_skipped` once per visit and deadline (see insertEvents). A
 * check-in with no fix near it, or out of order, and a visit not reached by its deadline, on this
 * engine's memory, are judged on the collector's fixes stored by any instance (readStoredFixes), off
 * the writer's stack.
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
  /** Visits changed or checked in here, per team, announced together once the current task ends. */
  private unannounced = new Map<number, Set<number>>();
  /** The newest version of each visit applied: a read begun before a change made here must not undo it. */
  private visitVersions = new Map<number, number>();
  private ticking = false;
  /** The one loop reading stored fixes for the verdicts waiting on them (see readStoredFixes). */
  private fixesRead: Promise<void> | null = null;
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
    // No engine holds the incidents of an instance that stopped: their phones' reports close them.
    for (const stale of await closeStaleOffline(this.deps.db, null)) this.deps.emit(stale.teamId, stale);
    await this.loadDays();
    await this.resumeOpenIncidents();
    this.timer = setInterval(() => void this.onTimer(), this.deps.tickMs ?? TICK_MS);
    this.timer.unref();
  }

  setPlan(plan: ActivePlan): void {
    this.engine.setPlan(plan);
  }

  /**
   * Incidents that lasting rules opened on an instance that stopped (a restart, a deploy) and no
   * engine closed: the rule watching today's plan of the collector carries each on, so the
   * collector coming back closes that row (its acknowledgement kept) and one still going on is not
   * opened twice. The rest close where the engine would have closed them (closeUnwatched).
   * Another running instance holding one too is harmless: the first close wins (closeEvents).
   */
  private async resumeOpenIncidents(): Promise<void> {
    const unwatched: number[] = [];
    for (const { id, event } of await openResumableEvents(this.deps.db)) {
      const incident = this.engine.resume(event);
      if (incident === null) unwatched.push(id);
      else this.ids.set(incident, id);
    }
    for (const closed of await closeUnwatched(this.deps.db, unwatched, this.now())) this.deps.emit(closed.teamId, closed);
  }

  /** A plan version was stored: if it is today's, its routes become the active plans of its team. */
  onPlanStored(plan: PlanOut): void {
    if (this.applyPlan(plan)) this.deps.announce?.({ teamId: plan.teamId, change: 'plan' });
  }

  /** Another instance changed a team's plan or rules: what it says is read from the database, not the notice. */
  onNotice(notice: DeviationNotice): Promise<void> {
    const previous = this.reloads.get(notice.teamId) ?? Promise.resolve();
    const next = previous
      .then(() => this.reload(notice))
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

  /** Notices may have been missed (Redis was away): every team's rules, today's plan and its visits again. */
  async reloadAll(): Promise<void> {
    const teams = await this.deps.db.selectFrom('teams').select('id').execute();
    await Promise.all(
      teams.flatMap((t) => [
        this.onNotice({ teamId: t.id, change: 'rules' }),
        this.onNotice({ teamId: t.id, change: 'plan' }),
        // A plan of the same version is not read again: its visits' changes and check-ins are.
        ...chunks(this.engine.visitsOfTeam(t.id)).map((visitIds) => this.onNotice({ teamId: t.id, change: 'visits', visitIds })),
      ]),
    );
  }

  private reload(notice: DeviationNotice): Promise<void> {
    if (notice.change === 'visits') return this.reloadVisits(notice.teamId, notice.visitIds);
    return notice.change === 'rules' ? this.reloadRules(notice.teamId) : this.reloadPlan(notice.teamId);
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

  /** Visits changed or checked in through another instance, as stored now. */
  private async reloadVisits(teamId: number, visitIds: number[]): Promise<void> {
    const { db } = this.deps;
    const visits = await db
      .selectFrom('visits')
      .select(['id', 'status', 'collector_id', 'version', sql<string>`to_char(visit_date, 'YYYY-MM-DD')`.as('date')])
      .where('team_id', '=', teamId)
      .where('id', 'in', visitIds)
      .execute();
    const checkins = await db.selectFrom('checkins').select(['visit_id', 'collector_id']).where('team_id', '=', teamId).where('visit_id', 'in', visitIds).execute();
    for (const v of visits) this.applyVisit({ id: v.id, teamId, status: v.status, collectorId: v.collector_id, date: v.date, version: v.version });
    for (const c of checkins) if (c.collector_id !== null) this.engine.checkedInElsewhere(c.collector_id, c.visit_id);
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
    this.announceVisit(c.teamId, c.visitId);
    if (c.collectorId === null) return;
    const collectorId = c.collectorId;
    this.guarded('checkin', () => this.engine.checkin({ collectorId, visitId: c.visitId, tsMs: Date.parse(c.ts), lat: c.lat, lon: c.lon }));
  }

  /** A committed visit change (visits API, check-in, plans): the active plan holding the visit follows it. */
  onVisit(v: VisitOut): void {
    this.announceVisit(v.teamId, v.id);
    this.applyVisit(v);
  }

  private applyVisit(v: { id: number; teamId: number; status: string; collectorId: number | null; date: string; version: number }): void {
    if ((this.visitVersions.get(v.id) ?? -1) > v.version) return;
    this.visitVersions.set(v.id, v.version);
    // A visit moved to another day leaves today's plan as one moved to nobody does.
    const today = this.days.get(v.teamId);
    const collectorId = today !== undefined && v.date !== today ? null : v.collectorId;
    this.guarded('visit', () => {
      this.engine.updateVisit(v.id, v.status, collectorId);
      return [];
    });
  }

  /** A re-plan or a day's generation changes many visits in one go: one notice per team carries them all. */
  private announceVisit(teamId: number, visitId: number): void {
    const announce = this.deps.announce;
    if (!announce) return;
    if (this.unannounced.size === 0) {
      queueMicrotask(() => {
        const all = this.unannounced;
        this.unannounced = new Map();
        for (const [team, ids] of all) for (const visitIds of chunks([...ids])) announce({ teamId: team, change: 'visits', visitIds });
      });
    }
    const ids = this.unannounced.get(teamId) ?? new Set<number>();
    ids.add(visitId);
    this.unannounced.set(teamId, ids);
  }

  tick(nowMs: number): void {
    this.persist(this.engine.tick(nowMs));
    this.readStoredFixes();
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

  /** Resolves once every transition so far is stored and streamed, those waiting on stored fixes included. */
  async flushed(): Promise<void> {
    await this.fixesRead;
    await this.draining;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushed();
  }

  /**
   * Verdicts this engine cannot give on its own memory (a check-in with no fix near it, or out of
   * order, a visit skipped: the tracker may report through another instance) wait for the collector's
   * stored fixes. One loop reads them, a range of the (collector_id, device_time) index per collector,
   * asynchronously: the batch writer's call stack only starts it. A failed read is tried again on the
   * next tick.
   */
  private readStoredFixes(): void {
    if (this.fixesRead) return;
    if (this.engine.awaitingFixes().size === 0) return;
    this.fixesRead = (async () => {
      try {
        // Again while check-ins came due during the reads; not again for the same ones (an engine failure): the tick retries.
        for (let wanted = this.engine.awaitingFixes(), asked = ''; wanted.size > 0 && spans(wanted) !== asked; wanted = this.engine.awaitingFixes()) {
          asked = spans(wanted);
          for (const [collectorId, { fromMs, toMs }] of wanted) {
            const fixes = await fixesOfCollector(this.deps.db, collectorId, fromMs, toMs);
            this.guarded('stored fixes', () => this.engine.storedFixes(collectorId, fromMs, toMs, fixes));
          }
        }
      } catch (err) {
        this.failures++;
        this.deps.log.error({ err: (err as Error).message }, 'stored fixes not read');
      } finally {
        this.fixesRead = null;
      }
    })();
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
        // Only a read racing a change needs them; a day's worth is plenty.
        this.visitVersions.clear();
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
    this.readStoredFixes();
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
    // An offline event opens only after the closes made before it: the collector's previous one, still
    // open in the database, would otherwise be taken for another instance's (see storeOffline).
    let from = 0;
    for (let i = 0; i < batch.length; i++) {
      if (!opensOffline(batch[i])) continue;
      await this.storeRun(batch.slice(from, i));
      await this.storeOffline(batch[i]);
      from = i + 1;
    }
    await this.storeRun(batch.slice(from));
  }

  private async storeRun(batch: Transition[]): Promise<void> {
    if (batch.length === 0) return;
    const { db, emit } = this.deps;
    const stored = new Map<Transition, EventOut>();
    const opens = batch.filter((t) => t.kind === 'open');
    const inserted = await insertEvents(db, opens.map((t) => t.event));
    opens.forEach((t, i) => {
      const row = inserted[i];
      // A skip another instance stored first: that instance streamed it.
      if (row === null) return;
      stored.set(t, row);
      if (row.closedAt === null) this.ids.set(t.incident, row.id);
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

  /**
   * Every instance watching the collector's plan sees its phone go quiet: the first stores the event,
   * the others take it as theirs (not streamed again), and whichever closes its incident first closes it.
   */
  private async storeOffline(t: Transition): Promise<void> {
    const { event, adopted, closed } = await openOfflineEvent(this.deps.db, t.event);
    for (const stale of closed) this.deps.emit(stale.teamId, stale);
    this.ids.set(t.incident, event.id);
    if (!adopted) this.deps.emit(event.teamId, event);
  }
}

const opensOffline = (t: Transition) => t.kind === 'open' && t.event.type === 'offline' && t.event.closedAtMs === undefined;

const spans = (wanted: Map<number, { fromMs: number; toMs: number }>) => [...wanted].map(([id, s]) => `${id}:${s.fromMs}-${s.toMs}`).join(',');

function chunks(ids: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += MAX_NOTICE_VISITS) out.push(ids.slice(i, i + MAX_NOTICE_VISITS));
  return out;
}
