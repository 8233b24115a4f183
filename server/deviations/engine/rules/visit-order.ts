import type { Rule, RuleContext } from '../collector.ts';
import type { EngineCheckin, EnginePosition, StoredFix } from '../types.ts';

/** Visit statuses that no longer expect the collector. */
const FINISHED = new Set(['done', 'completed', 'visited', 'cancelled', 'canceled', 'failed', 'rescheduled']);

/**
 * visit_out_of_order and visit_skipped. Arrival = within arriveRadiusM for arriveAfterS, or a
 * check-in. Arriving while more than `slack` earlier visits of the plan are still pending is out of
 * order (slack 1: k+1 before k is a swap the wall tolerates, k+2 before k is not). A visit not
 * reached by the end of its time window, or by the end of the shift, is skipped. Both are instant
 * incidents: each visit raises each at most once.
 *
 * With several instances (SPEC §8) the earlier visits' arrivals may be in another instance's memory
 * (the tracker reports through B, the phone checks in through A); check-ins and visit changes made
 * there reach this engine already (checkedInElsewhere, updateVisit). So a check-in that would be out
 * of order here waits for the collector's fixes stored by any instance since the shift began: an
 * earlier visit they show reached (the same dwell) before the check-in is not pending. Likewise a
 * visit pending here at its deadline is reported skipped only if the fixes stored since the shift
 * began show no arrival at it by then: every instance watches every plan, and the one serving the
 * tracker may be another. Each instance that raises the skip raises the same event (visit, deadline),
 * stored once (migration 0021).
 */
export class VisitOrderRule implements Rule {
  private dwellSince = new Map<number, number>();
  private reported = new Set<string>();
  /** Check-ins out of order on this instance's memory, with the earlier visits (ids) then pending: the stored fixes decide. */
  private unconfirmed: { visitId: number; atMs: number; earlier: number[]; fromMs: number }[] = [];
  /** Visits pending at their deadline on this instance's memory: the stored fixes decide whether they were reached. */
  private unreached: { visitId: number; deadlineMs: number; fromMs: number; details: Record<string, unknown> }[] = [];

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
    if (i !== undefined && c.config.visitOrder.enabled && !c.visited.has(ck.visitId)) this.arrive(i, ck.tsMs, c, true);
    c.visited.add(ck.visitId);
  }

  awaitsFixes(): { fromMs: number; toMs: number } | null {
    const spans = [...this.unconfirmed.map((u) => ({ fromMs: u.fromMs, toMs: u.atMs })), ...this.unreached.map((u) => ({ fromMs: u.fromMs, toMs: u.deadlineMs }))];
    if (spans.length === 0) return null;
    return { fromMs: Math.min(...spans.map((s) => s.fromMs)), toMs: Math.max(...spans.map((s) => s.toMs)) };
  }

  /**
   * Settles every verdict whose span the stored fixes cover. A check-in is out of order if still more
   * than `slack` earlier visits were not reached; a visit is skipped if not reached by its deadline.
   */
  onStoredFixes(fixes: readonly StoredFix[], fromMs: number, toMs: number, c: RuleContext): void {
    const sorted = [...fixes].sort((a, b) => a.tsMs - b.tsMs);
    this.unreached = this.unreached.filter((u) => {
      if (u.fromMs < fromMs || u.deadlineMs > toMs) return true;
      // The plan of now: the visit may have been cancelled, moved or checked in (here or elsewhere) during the read.
      const k = c.plan.visitIndex.get(u.visitId);
      if (k === undefined || c.visited.has(u.visitId) || FINISHED.has(c.plan.plan.visits[k].status)) return false;
      if (this.dwelt(k, sorted, u.deadlineMs, c)) c.visited.add(u.visitId);
      else c.instant('visit_skipped', u.deadlineMs, u.deadlineMs, u.details, u.visitId);
      return false;
    });
    this.unconfirmed = this.unconfirmed.filter((u) => {
      if (u.fromMs < fromMs || u.atMs > toMs) return true;
      // Indices into the plan of now: a re-plan during the read may have moved or dropped visits.
      const earlier = u.earlier.flatMap((id) => c.plan.visitIndex.get(id) ?? []).sort((x, y) => x - y);
      const reached = earlier.filter((k) => this.dwelt(k, sorted, u.atMs, c));
      for (const k of reached) c.visited.add(c.plan.plan.visits[k].visitId);
      const left = earlier.filter((k) => !reached.includes(k));
      const i = c.plan.visitIndex.get(u.visitId);
      if (i !== undefined && left.length > c.config.visitOrder.slack) this.report(i, u.atMs, left, c);
      return false;
    });
  }

  onTick(nowMs: number, c: RuleContext): void {
    // The shift's end passes on the wall clock even when the device went quiet.
    if (c.config.visitOrder.enabled && nowMs >= c.plan.plan.shift.endMs) this.skipPassed(nowMs, c);
  }

  private pending(i: number, c: RuleContext): boolean {
    const v = c.plan.plan.visits[i];
    return !c.visited.has(v.visitId) && !FINISHED.has(v.status) && !this.reported.has(`skip:${v.visitId}`);
  }

  /** `byCheckin`: this instance may not have seen the earlier arrivals, so the stored fixes decide (onStoredFixes). */
  private arrive(i: number, atMs: number, c: RuleContext, byCheckin = false): void {
    const v = c.plan.plan.visits[i];
    const earlier: number[] = [];
    for (let k = 0; k < i; k++) if (this.pending(k, c)) earlier.push(k);
    c.visited.add(v.visitId);
    this.dwellSince.delete(v.visitId);
    if (earlier.length <= c.config.visitOrder.slack || this.reported.has(`order:${v.visitId}`)) return;
    if (!byCheckin) return this.report(i, atMs, earlier, c);
    this.reported.add(`order:${v.visitId}`);
    this.unconfirmed.push({ visitId: v.visitId, atMs, earlier: earlier.map((k) => c.plan.plan.visits[k].visitId), fromMs: c.plan.plan.shift.startMs });
  }

  private report(i: number, atMs: number, earlier: number[], c: RuleContext): void {
    const visits = c.plan.plan.visits;
    const v = visits[i];
    this.reported.add(`order:${v.visitId}`);
    const expected = visits[earlier[0]];
    c.instant('visit_out_of_order', atMs, atMs, { seq: v.seq, expectedVisitId: expected.visitId, expectedSeq: expected.seq, pendingBefore: earlier.length }, v.visitId);
  }

  /** Whether the fixes (oldest first) stay within arriveRadiusM of visit k for arriveAfterS, in the shift, before untilMs: onPosition's arrival. */
  private dwelt(k: number, fixes: readonly StoredFix[], untilMs: number, c: RuleContext): boolean {
    const { arriveRadiusM, arriveAfterS } = c.config.visitOrder;
    const x = c.plan.visitX[k];
    const y = c.plan.visitY[k];
    let since: number | null = null;
    for (const f of fixes) {
      if (f.tsMs > untilMs) break;
      if (!c.inShift(f.tsMs) || c.distanceM(f.lat, f.lon, x, y) > arriveRadiusM) {
        since = null;
        continue;
      }
      since ??= f.tsMs;
      if (f.tsMs - since >= arriveAfterS * 1000) return true;
    }
    return false;
  }

  private skipPassed(nowMs: number, c: RuleContext): void {
    const visits = c.plan.plan.visits;
    const shiftEnd = c.plan.plan.shift.endMs;
    for (let i = 0; i < visits.length; i++) {
      const v = visits[i];
      const deadline = Math.min(v.windowEndMs ?? shiftEnd, shiftEnd);
      if (nowMs < deadline || !this.pending(i, c)) continue;
      // Past its deadline it no longer counts as pending for the order of later arrivals, whatever the verdict.
      this.reported.add(`skip:${v.visitId}`);
      const details = { seq: v.seq, windowEnd: v.windowEndMs ? new Date(v.windowEndMs).toISOString() : null };
      this.unreached.push({ visitId: v.visitId, deadlineMs: deadline, fromMs: c.plan.plan.shift.startMs, details });
    }
  }
}
