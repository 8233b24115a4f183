import { nearestOnRoute } from '../../../routing/geometry/index.ts';
import type { Rule, RuleContext } from '../collector.ts';
import { Hysteresis } from '../hysteresis.ts';
import type { EngineEvent, EnginePosition } from '../types.ts';

/** Visit statuses that no longer expect the collector. */
const DONE = new Set(['completed', 'missed', 'cancelled']);

/**
 * off_route: farther than the corridor from the planned polyline for openAfterS; back once inside
 * corridorM − hysteresisM for closeAfterS. Readings in the band between neither start nor reset a
 * timer, so a collector driving along the corridor edge makes no event storm (issue 5).
 * A route with an open start is watched once the collector has joined it (come inside the
 * corridor), one with an open end until every visit is reached: before and after, the collector is
 * on their own way to the first visit or home.
 */
export class OffRouteRule implements Rule {
  private h = new Hysteresis(0, 0);
  private incident = -1;
  private peakM = 0;
  private joined = false;

  onPosition(p: EnginePosition, c: RuleContext): void {
    const cfg = c.config.offRoute;
    const route = c.plan.geometry;
    if (!cfg.enabled || !route || !c.inShift(p.tsMs)) return;
    this.h.configure(cfg.openAfterS * 1000, cfg.closeAfterS * 1000);
    const d = nearestOnRoute(route, p.lon, p.lat).distanceM;
    if (d <= cfg.corridorM) this.joined = true;
    const { plan } = c.plan;
    const watched = (!plan.openStart || this.joined) && !(plan.openEnd && plan.visits.every((v) => c.visited.has(v.visitId) || DONE.has(v.status)));
    // Off the watched part counts as back on the route: an incident open then closes as usual.
    const holds = !watched ? false : d > cfg.corridorM ? true : d < cfg.corridorM - cfg.hysteresisM ? false : null;
    if (holds || this.h.open) this.peakM = Math.max(this.peakM, d);
    else if (holds === false) this.peakM = 0;
    const ch = this.h.update(p.tsMs, holds);
    if (ch?.change === 'open') {
      this.incident = c.open('off_route', ch.atMs, { corridorM: cfg.corridorM, distanceM: round(d) });
    } else if (ch?.change === 'close') {
      c.close(this.incident, ch.atMs, { maxDistanceM: round(this.peakM) });
      this.peakM = 0;
    }
  }

  resume(e: EngineEvent, c: RuleContext): number | null {
    if (e.type !== 'off_route' || this.h.open || !c.config.offRoute.enabled || !c.inShift(e.openedAtMs)) return null;
    this.h.resumeOpen();
    this.joined = true;
    this.peakM = typeof e.details.distanceM === 'number' ? e.details.distanceM : 0;
    return (this.incident = c.adopt(e));
  }
}

const round = (m: number) => Math.round(m);
