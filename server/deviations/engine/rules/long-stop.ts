import { M_PER_DEG_LAT, type Rule, type RuleContext } from '../collector.ts';
import type { EngineEvent, EnginePosition } from '../types.ts';

/**
 * long_stop: every position within radiusM of where the stop began, for `minutes`, more than
 * awayFromVisitM from every visit of the plan (a stop at a debtor's door is work). Once open, a
 * single fix outside the radius (GPS jitter) does not end it: the collector must stay away for
 * closeAfterS. Speed is not trusted on its own: many trackers report a few km/h while parked.
 */
export class LongStopRule implements Rule {
  private anchor: { x: number; y: number; tsMs: number; lat: number; lon: number; nearestVisitM: number } | null = null;
  private incident = -1;
  private awaySince: number | null = null;
  private lastInsideMs = 0;

  onPosition(p: EnginePosition, c: RuleContext): void {
    const cfg = c.config.longStop;
    if (!cfg.enabled || !c.inShift(p.tsMs)) return;
    const a = this.anchor;
    const d = a ? Math.sqrt((c.x - a.x) ** 2 + (c.y - a.y) ** 2) : Infinity;
    if (this.incident >= 0 && a) {
      if (d <= cfg.radiusM) {
        this.awaySince = null;
        this.lastInsideMs = p.tsMs;
        return;
      }
      this.awaySince ??= p.tsMs;
      if (p.tsMs - this.awaySince < cfg.closeAfterS * 1000) return;
      c.close(this.incident, this.awaySince, { stoppedS: Math.round((this.lastInsideMs - a.tsMs) / 1000) });
      this.incident = -1;
      this.awaySince = null;
      this.setAnchor(p, c);
      return;
    }
    if (!a || d > cfg.radiusM) return this.setAnchor(p, c);
    this.lastInsideMs = p.tsMs;
    if (p.tsMs - a.tsMs >= cfg.minutes * 60_000 && a.nearestVisitM > cfg.awayFromVisitM) {
      this.incident = c.open('long_stop', a.tsMs, { lat: a.lat, lon: a.lon, nearestVisitM: Number.isFinite(a.nearestVisitM) ? Math.round(a.nearestVisitM) : null });
    }
  }

  /** The stop goes on where it began (details lat/lon) until the collector stays away from there. */
  resume(e: EngineEvent, c: RuleContext): number | null {
    const { lat, lon, nearestVisitM } = e.details;
    if (e.type !== 'long_stop' || this.incident >= 0 || !c.config.longStop.enabled || !c.inShift(e.openedAtMs) || typeof lat !== 'number' || typeof lon !== 'number') return null;
    const { lon0, lat0, mPerDegLon } = c.plan;
    this.anchor = { x: (lon - lon0) * mPerDegLon, y: (lat - lat0) * M_PER_DEG_LAT, tsMs: e.openedAtMs, lat, lon, nearestVisitM: typeof nearestVisitM === 'number' ? nearestVisitM : Infinity };
    this.lastInsideMs = e.openedAtMs;
    this.awaySince = null;
    return (this.incident = c.adopt(e));
  }

  private setAnchor(p: EnginePosition, c: RuleContext): void {
    let nearest = Infinity;
    for (let i = 0; i < c.visitDistM.length; i++) nearest = Math.min(nearest, c.visitDistM[i]);
    // Moved in place: a moving collector re-anchors on nearly every fix.
    const a = (this.anchor ??= { x: 0, y: 0, tsMs: 0, lat: 0, lon: 0, nearestVisitM: 0 });
    a.x = c.x;
    a.y = c.y;
    a.tsMs = p.tsMs;
    a.lat = p.lat;
    a.lon = p.lon;
    a.nearestVisitM = nearest;
    this.lastInsideMs = p.tsMs;
  }
}
