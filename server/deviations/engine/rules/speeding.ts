import type { Rule, RuleContext } from '../collector.ts';
import { Hysteresis } from '../hysteresis.ts';
import type { EngineEvent, EnginePosition } from '../types.ts';

/** speeding: above limitKph for openAfterS, over once at or below it for closeAfterS. Positions without speed say nothing. */
export class SpeedingRule implements Rule {
  private h = new Hysteresis(0, 0);
  private incident = -1;
  private maxKph = 0;

  onPosition(p: EnginePosition, c: RuleContext): void {
    const cfg = c.config.speeding;
    if (!cfg.enabled || p.speedKph == null) return;
    this.h.configure(cfg.openAfterS * 1000, cfg.closeAfterS * 1000);
    const holds = p.speedKph > cfg.limitKph;
    if (holds || this.h.open) this.maxKph = Math.max(this.maxKph, p.speedKph);
    else this.maxKph = 0;
    const ch = this.h.update(p.tsMs, holds);
    if (ch?.change === 'open') this.incident = c.open('speeding', ch.atMs, { limitKph: cfg.limitKph });
    else if (ch?.change === 'close') {
      c.close(this.incident, ch.atMs, { maxKph: this.maxKph });
      this.maxKph = 0;
    }
  }

  resume(e: EngineEvent, c: RuleContext): number | null {
    // A burst of speed is over by the next day: only one of today's shift is carried on.
    if (e.type !== 'speeding' || this.h.open || !c.config.speeding.enabled || !c.inShift(e.openedAtMs)) return null;
    this.h.resumeOpen();
    const { maxKph, limitKph } = e.details;
    this.maxKph = typeof maxKph === 'number' ? maxKph : typeof limitKph === 'number' ? limitKph : 0;
    return (this.incident = c.adopt(e));
  }
}
