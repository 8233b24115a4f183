import type { Rule, RuleContext } from '../collector.ts';
import type { EngineCheckin, EnginePosition } from '../types.ts';

/** Visit statuses that no longer expect the collector. */
const FINISHED = new Set(['done', 'completed', 'visited', 'cancelled', 'canceled', 'failed', 'rescheduled']);

/**
 * visit_out_of_order and visit_skipped. Arrival = within arriveRadiusM for arriveAfterS, or a
 * check-in. Arriving while more than `slack` earlier visits of the plan are still pending is out of
 * order (slack 1: k+1 before k is a swap the wall tolerates, k+2 before k is not). A visit not
 * reached by the end of its time window, or by the end of the shift, is skipped. Both are instant
 * incidents: each visit raises each at most once.
 */
export class VisitOrderRule implements Rule {
  private dwellSince = new Map<number, number>();
  private reported = new Set<string>();

  onPosition(p: EnginePosition, c: RuleContext): void {
    const cfg = c.config.visitOrder;
    if (!cfg.enabled || !c.inShift(p.tsMs)) return;
    const visits = c.plan.plan.visits;
    for (let i = 0; i < visits.length; i++) {
      const v = visits[i];
      if (c.visited.has(v.visitId)) continue;
      if (c.visitDistM[i] > cfg.arriveRadiusM) {
        if (this.dwellSince.size > 0) this.dwellSince.delete(v.visitId);
        continue;
      }
      const since = this.dwellSince.get(v.visitId) ?? p.tsMs;
      this.dwellSince.set(v.visitId, since);
      if (p.tsMs - since >= cfg.arriveAfterS * 1000) this.arrive(i, since, c);
    }
    this.skipPassed(p.tsMs, c);
  }

  onCheckin(ck: EngineCheckin, c: RuleContext): void {
    const i = c.plan.visitIndex.get(ck.visitId);
    if (i !== undefined && c.config.visitOrder.enabled && !c.visited.has(ck.visitId)) this.arrive(i, ck.tsMs, c);
    c.visited.add(ck.visitId);
  }

  onTick(nowMs: number, c: RuleContext): void {
    // The shift's end passes on the wall clock even when the device went quiet.
    if (c.config.visitOrder.enabled && nowMs >= c.plan.plan.shift.endMs) this.skipPassed(nowMs, c);
  }

  private pending(i: number, c: RuleContext): boolean {
    const v = c.plan.plan.visits[i];
    return !c.visited.has(v.visitId) && !FINISHED.has(v.status) && !this.reported.has(`skip:${v.visitId}`);
  }

  private arrive(i: number, atMs: number, c: RuleContext): void {
    const visits = c.plan.plan.visits;
    const v = visits[i];
    const earlier: number[] = [];
    for (let k = 0; k < i; k++) if (this.pending(k, c)) earlier.push(k);
    c.visited.add(v.visitId);
    this.dwellSince.delete(v.visitId);
    if (earlier.length > c.config.visitOrder.slack && !this.reported.has(`order:${v.visitId}`)) {
      this.reported.add(`order:${v.visitId}`);
      const expected = visits[earlier[0]];
      c.instant('visit_out_of_order', atMs, atMs, { seq: v.seq, expectedVisitId: expected.visitId, expectedSeq: expected.seq, pendingBefore: earlier.length }, v.visitId);
    }
  }

  private skipPassed(nowMs: number, c: RuleContext): void {
    const visits = c.plan.plan.visits;
    const shiftEnd = c.plan.plan.shift.endMs;
    for (let i = 0; i < visits.length; i++) {
      const v = visits[i];
      const deadline = Math.min(v.windowEndMs ?? shiftEnd, shiftEnd);
      if (nowMs < deadline || !this.pending(i, c)) continue;
      this.reported.add(`skip:${v.visitId}`);
      c.instant('visit_skipped', deadline, deadline, { seq: v.seq, windowEnd: v.windowEndMs ? new Date(v.windowEndMs).toISOString() : null }, v.visitId);
    }
  }
}
