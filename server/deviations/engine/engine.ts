import { Value } from '@sinclair/typebox/value';
import { DeviationRulesSchema } from '../../contract/event.ts';
import { Collector, preparePlan, type Rule } from './collector.ts';
import { ArrivedNoCheckinRule } from './rules/arrived-no-checkin.ts';
import { CheckinPresenceRule } from './rules/checkin-presence.ts';
import { LongStopRule } from './rules/long-stop.ts';
import { LowBatteryRule } from './rules/low-battery.ts';
import { OffRouteRule } from './rules/off-route.ts';
import { OfflineRule } from './rules/offline.ts';
import { SpeedingRule } from './rules/speeding.ts';
import { VisitOrderRule } from './rules/visit-order.ts';
import type { ActivePlan, DeviationRules, EngineCheckin, EngineEvent, EnginePosition, StoredFix, Transition } from './types.ts';

/** Every setting at its default (contract/event.ts). */
export const defaultRules = (): DeviationRules => Value.Create(DeviationRulesSchema);

export interface EngineStats {
  positions: number;
  /** Positions older than their collector's newest evaluated one (see `ingest`). */
  late: number;
  /** Positions of collectors without an active plan. */
  unplanned: number;
}

/**
 * The deviation engine of issue 5: pure (no I/O, no clock). Time comes from the positions' device
 * time (event time); only `tick(nowMs)` carries the wall clock, for what happens when nothing
 * arrives (offline, end of shift). Every call returns the transitions it caused.
 *
 * Late data. Each collector keeps a clock: the newest device time evaluated. A batch is evaluated
 * in device-time order, so buffered history uploaded after a coverage gap (SPEC §5: an array,
 * normally newer than anything seen) runs through the rules as the track it was, with durations
 * from its own timestamps, not from when it arrived. A position older than the clock (a straggler
 * overtaken by newer fixes) is not replayed into the stateful rules: re-running a window would
 * rewrite incidents the wall has already shown and a supervisor may have acknowledged. It still
 * counts as presence for check-ins and as a sign of life for `offline`, and `stats.late` counts it.
 */
export class DeviationEngine {
  readonly stats: EngineStats = { positions: 0, late: 0, unplanned: 0 };
  private collectors = new Map<number, Collector>();
  private teamRules = new Map<number, DeviationRules>();
  private out: Transition[] = [];
  private incidents = 0;

  rulesOf(teamId: number): DeviationRules {
    return this.teamRules.get(teamId) ?? this.defaults;
  }

  setTeamRules(teamId: number, rules: DeviationRules): void {
    this.teamRules.set(teamId, rules);
    for (const c of this.collectors.values()) if (c.plan.plan.teamId === teamId) c.config = rules;
  }

  /** Sets or replaces a collector's plan. Incidents in progress, arrivals and check-ins carry over. */
  setPlan(plan: ActivePlan): void {
    const prepared = preparePlan(plan);
    const existing = this.collectors.get(plan.collectorId);
    if (existing) {
      existing.config = this.rulesOf(plan.teamId);
      existing.setPlan(prepared, existing.rules);
      return;
    }
    const c = new Collector(prepared, this.rulesOf(plan.teamId), createRules(), () => this.out, () => ++this.incidents);
    this.collectors.set(plan.collectorId, c);
  }

  /** The collector has no plan any more: whatever is open closes at its clock (or atMs). */
  removePlan(collectorId: number, atMs?: number): Transition[] {
    const c = this.collectors.get(collectorId);
    if (!c) return [];
    this.collectors.delete(collectorId);
    return this.run(() => c.closeAll(atMs ?? (Number.isFinite(c.clockMs) ? c.clockMs : c.plan.plan.shift.startMs), 'plan_removed'));
  }

  /**
   * A visit changed outside a new plan version (cancelled, completed or moved to another collector
   * through the visits API): the plan holding it follows, so a cancelled or moved visit is not
   * reported skipped. Incidents in progress carry over as for setPlan.
   */
  updateVisit(visitId: number, status: string, collectorId: number | null): void {
    for (const c of [...this.collectors.values()]) {
      const plan = c.plan.plan;
      const i = c.plan.visitIndex.get(visitId);
      // The plans service announces every visit of a plan it just set: those change nothing.
      if (i === undefined || (collectorId === plan.collectorId && plan.visits[i].status === status)) continue;
      const visits = collectorId === plan.collectorId ? plan.visits.map((v) => (v.visitId === visitId ? { ...v, status } : v)) : plan.visits.filter((v) => v.visitId !== visitId);
      this.setPlan({ ...plan, visits });
    }
  }

  /**
   * An incident stored as open by an instance that stopped (SPEC §8): the collector's rule of that
   * kind carries it on as its own. Returns the engine's incident id, or null when no rule took it
   * (no plan for the collector here, the rule is off, one of that kind is open already, or — for
   * the rules that watch the shift only — opened outside it: yesterday's, say).
   */
  resume(e: EngineEvent): number | null {
    const c = this.collectors.get(e.collectorId);
    if (!c) return null;
    for (const r of c.rules) {
      const incident = r.resume?.(e, c);
      if (incident != null) return incident;
    }
    return null;
  }

  hasPlan(collectorId: number): boolean {
    return this.collectors.has(collectorId);
  }

  collectorsOfTeam(teamId: number): number[] {
    return [...this.collectors.values()].filter((c) => c.plan.plan.teamId === teamId).map((c) => c.collectorId);
  }

  /** The visits of the team's active plans. */
  visitsOfTeam(teamId: number): number[] {
    return [...this.collectors.values()].filter((c) => c.plan.plan.teamId === teamId).flatMap((c) => c.plan.plan.visits.map((v) => v.visitId));
  }

  activePlans(): number {
    return this.collectors.size;
  }

  ingest(positions: readonly EnginePosition[]): Transition[] {
    let sorted = true;
    for (let i = 1; i < positions.length && sorted; i++) sorted = positions[i - 1].tsMs <= positions[i].tsMs;
    const ordered = sorted ? positions : [...positions].sort((a, b) => a.tsMs - b.tsMs);
    return this.run(() => {
      for (const p of ordered) this.position(p);
    });
  }

  checkin(ck: EngineCheckin): Transition[] {
    const c = this.collectors.get(ck.collectorId);
    if (!c) return [];
    return this.run(() => {
      c.checkedIn.add(ck.visitId);
      for (const r of c.rules) r.onCheckin?.(ck, c);
    });
  }

  /**
   * A check-in another instance took (SPEC §8): the visit counts as reached and checked in, so
   * arrived_no_checkin does not open for it. Its presence and order are that instance's to judge,
   * so it raises nothing here (two instances would report each once).
   */
  checkedInElsewhere(collectorId: number, visitId: number): void {
    const c = this.collectors.get(collectorId);
    if (!c) return;
    c.checkedIn.add(visitId);
    c.visited.add(visitId);
  }

  tick(nowMs: number): Transition[] {
    return this.run(() => {
      for (const c of this.collectors.values()) for (const r of c.rules) r.onTick?.(nowMs, c);
    });
  }

  /**
   * The collectors whose `tick(nowMs)` would change on a report this engine has not seen, each with
   * the receipt time after which one counts: what to ask the database for before ticking, when
   * other instances ingest too (SPEC §8).
   */
  awaitingReports(nowMs: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const c of this.collectors.values()) {
      for (const r of c.rules) {
        const after = r.awaitsReportAfter?.(nowMs, c);
        if (after != null) out.set(c.collectorId, Math.min(after, out.get(c.collectorId) ?? Infinity));
      }
    }
    return out;
  }

  /**
   * The collectors with a verdict waiting for their stored fixes, each with the device-time span to
   * read: what to ask the database for, since other instances may have taken the positions (SPEC §8).
   */
  awaitingFixes(): Map<number, { fromMs: number; toMs: number }> {
    const out = new Map<number, { fromMs: number; toMs: number }>();
    for (const c of this.collectors.values()) {
      for (const r of c.rules) {
        const span = r.awaitsFixes?.(c);
        if (!span) continue;
        const had = out.get(c.collectorId);
        out.set(c.collectorId, had ? { fromMs: Math.min(had.fromMs, span.fromMs), toMs: Math.max(had.toMs, span.toMs) } : span);
      }
    }
    return out;
  }

  /** The collector's fixes stored by any instance with device time in [fromMs, toMs] (as awaitingFixes asked). */
  storedFixes(collectorId: number, fromMs: number, toMs: number, fixes: readonly StoredFix[]): Transition[] {
    const c = this.collectors.get(collectorId);
    if (!c) return [];
    return this.run(() => {
      for (const r of c.rules) r.onStoredFixes?.(fixes, fromMs, toMs, c);
    });
  }

  /** A report another instance received (and stored): a sign of life, not a position to evaluate. */
  reportedElsewhere(collectorId: number, receivedMs: number): Transition[] {
    const c = this.collectors.get(collectorId);
    if (!c) return [];
    return this.run(() => {
      for (const r of c.rules) r.onReceived?.(receivedMs, c);
    });
  }

  private readonly defaults = defaultRules();

  private position(p: EnginePosition): void {
    this.stats.positions++;
    const c = this.collectors.get(p.collectorId);
    if (!c) {
      this.stats.unplanned++;
      return;
    }
    const received = p.receivedMs ?? p.tsMs;
    const rules = c.rules;
    for (let i = 0; i < rules.length; i++) rules[i].onReceived?.(received, c);
    if (!c.locate(p)) {
      this.stats.late++;
      for (let i = 0; i < rules.length; i++) rules[i].onLatePosition?.(p, c);
      return;
    }
    for (let i = 0; i < rules.length; i++) rules[i].onPosition?.(p, c);
  }

  private run(fn: () => void): Transition[] {
    this.out = [];
    fn();
    const out = this.out;
    this.out = [];
    return out;
  }
}

function createRules(): Rule[] {
  return [
    new OffRouteRule(),
    new LongStopRule(),
    new VisitOrderRule(),
    new ArrivedNoCheckinRule(),
    new CheckinPresenceRule(),
    new OfflineRule(),
    new LowBatteryRule(),
    new SpeedingRule(),
  ];
}
