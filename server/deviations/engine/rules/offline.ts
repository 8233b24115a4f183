import type { Rule, RuleContext } from '../collector.ts';

/**
 * offline: no report received for `minutes` during the shift. This rule alone runs on receipt time,
 * not device time: it is about the live link, and a buffered history that arrives later does not
 * make the wall any less blind while it was missing. Opens at the last report (or the shift start),
 * closes when a report arrives or the shift ends.
 */
export class OfflineRule implements Rule {
  private lastMs: number | null = null;
  private incident = -1;

  onReceived(receivedMs: number, c: RuleContext): void {
    if (this.lastMs === null || receivedMs > this.lastMs) this.lastMs = receivedMs;
    if (this.incident >= 0) {
      c.close(this.incident, receivedMs, {});
      this.incident = -1;
    }
  }

  onTick(nowMs: number, c: RuleContext): void {
    const { endMs } = c.plan.plan.shift;
    if (this.incident >= 0 && nowMs >= endMs) {
      c.close(this.incident, endMs, { closedBy: 'shift_end' });
      this.incident = -1;
      return;
    }
    const since = this.quietSince(nowMs, c);
    if (since !== null) {
      this.incident = c.open('offline', since, { lastReportAt: this.lastMs === null ? null : new Date(this.lastMs).toISOString(), minutes: c.config.offline.minutes });
    }
  }

  /** Before opening, and while open: the device may be reporting through another instance (SPEC §8). */
  awaitsReportAfter(nowMs: number, c: RuleContext): number | null {
    if (this.incident >= 0) return nowMs < c.plan.plan.shift.endMs ? (this.lastMs ?? c.plan.plan.shift.startMs) : null;
    return this.quietSince(nowMs, c);
  }

  /** When the silence that is due to open an incident now began; null if none is due. */
  private quietSince(nowMs: number, c: RuleContext): number | null {
    const cfg = c.config.offline;
    const { startMs, endMs } = c.plan.plan.shift;
    if (!cfg.enabled || this.incident >= 0 || nowMs < startMs || nowMs >= endMs) return null;
    const since = Math.max(this.lastMs ?? startMs, startMs);
    return nowMs - since >= cfg.minutes * 60_000 ? since : null;
  }
}
