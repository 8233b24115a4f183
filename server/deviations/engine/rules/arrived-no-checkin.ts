import type { Rule, RuleContext } from '../collector.ts';
import type { EnginePosition } from '../types.ts';

/** A check-in may be committed a little after the position that shows the collector leaving. */
export const CHECKIN_GRACE_MS = 60_000;
/** Nothing is expected at a visit already ended: a collector passing a cancelled debtor's door owes no check-in. */
const ENDED = new Set(['completed', 'missed', 'cancelled']);

/**
 * arrived_no_checkin: within radiusM of a visit's address for `minutes`, then gone past
 * leaveRadiusM (the ring between the two radii is hysteresis against jitter) with no check-in for
 * that visit. Decided CHECKIN_GRACE_MS after leaving, so a check-in racing the positions still counts.
 * The incident spans the time at the address.
 */
export class ArrivedNoCheckinRule implements Rule {
  private arrivedAt = new Map<number, { atMs: number; lastInsideMs: number }>();
  private undecided: { visitId: number; arrivedMs: number; lastInsideMs: number; leftMs: number }[] = [];

  onPosition(p: EnginePosition, c: RuleContext): void {
    const cfg = c.config.arrivedNoCheckin;
    if (!cfg.enabled) return;
    if (c.inShift(p.tsMs)) {
      const visits = c.plan.plan.visits;
      for (let i = 0; i < visits.length; i++) {
        const id = visits[i].visitId;
        if (ENDED.has(visits[i].status)) {
          this.arrivedAt.delete(id);
          continue;
        }
        const d = c.visitDistM[i];
        // Most fixes are near no visit: no map lookup for them.
        if (d > cfg.leaveRadiusM && this.arrivedAt.size === 0) continue;
        const stay = this.arrivedAt.get(id);
        if (d <= cfg.radiusM) {
          if (stay) stay.lastInsideMs = p.tsMs;
          else this.arrivedAt.set(id, { atMs: p.tsMs, lastInsideMs: p.tsMs });
        } else if (stay && d > cfg.leaveRadiusM) {
          this.arrivedAt.delete(id);
          if (stay.lastInsideMs - stay.atMs >= cfg.minutes * 60_000) {
            this.undecided.push({ visitId: id, arrivedMs: stay.atMs, lastInsideMs: stay.lastInsideMs, leftMs: p.tsMs });
          }
        }
      }
    }
    this.decide(p.tsMs, c);
  }

  onTick(nowMs: number, c: RuleContext): void {
    this.decide(nowMs, c);
  }

  private decide(nowMs: number, c: RuleContext): void {
    if (this.undecided.length === 0) return;
    this.undecided = this.undecided.filter((u) => {
      if (nowMs < u.leftMs + CHECKIN_GRACE_MS) return true;
      const i = c.plan.visitIndex.get(u.visitId);
      // Cancelled (or moved off this plan) while the collector was there or just after: nothing owed.
      if (i === undefined || ENDED.has(c.plan.plan.visits[i].status)) return false;
      if (!c.checkedIn.has(u.visitId)) {
        c.instant('arrived_no_checkin', u.arrivedMs, u.leftMs, { atAddressS: Math.round((u.lastInsideMs - u.arrivedMs) / 1000) }, u.visitId);
      }
      return false;
    });
  }
}
