import type { Rule, RuleContext } from '../collector.ts';
import { Hysteresis } from '../hysteresis.ts';
import type { EngineEvent, EnginePosition } from '../types.ts';

/** low_battery: opens below openBelowPct, closes only above closeAbovePct (the band between is the hysteresis). */
export class LowBatteryRule implements Rule {
  private h = new Hysteresis(0, 0);
  private incident = -1;
  private minPct = 100;

  onPosition(p: EnginePosition, c: RuleContext): void {
    const cfg = c.config.lowBattery;
    if (!cfg.enabled || p.batteryPct == null) return;
    const b = p.batteryPct;
    const ch = this.h.update(p.tsMs, b < cfg.openBelowPct ? true : b > cfg.closeAbovePct ? false : null);
    if (this.h.open) this.minPct = Math.min(this.minPct, b);
    if (ch?.change === 'open') {
      this.minPct = b;
      this.incident = c.open('low_battery', ch.atMs, { batteryPct: b });
    } else if (ch?.change === 'close') {
      c.close(this.incident, ch.atMs, { minPct: this.minPct, batteryPct: b });
    }
  }

  resume(e: EngineEvent, c: RuleContext): number | null {
    if (e.type !== 'low_battery' || this.h.open || !c.config.lowBattery.enabled) return null;
    this.h.resumeOpen();
    this.minPct = typeof e.details.batteryPct === 'number' ? e.details.batteryPct : 100;
    return (this.incident = c.adopt(e));
  }
}
