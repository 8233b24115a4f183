import { M_PER_DEG_LAT, type Rule, type RuleContext } from '../collector.ts';
import type { EngineCheckin, EnginePosition } from '../types.ts';

/** How long after a check-in's window the tick gives up waiting for the device's positions. */
const TICK_GRACE_MS = 60_000;

interface Pending {
  ck: EngineCheckin;
  lat: number;
  lon: number;
  nearestM: number;
}

/**
 * checkin_without_presence: a check-in with no position of the collector's device within radiusM of
 * the visit's address (or of the check-in's own coordinates, for a visit not in the plan) in
 * ±windowS around its time. Check-ins often arrive before the positions around them, so the
 * verdict waits until the device's clock has passed the window (or, if it went quiet, the tick).
 * The operations service flags a far-away check-in on the record itself; this turns a check-in the
 * tracker contradicts into an event for the wall.
 */
export class CheckinPresenceRule implements Rule {
  private pending: Pending[] = [];

  onCheckin(ck: EngineCheckin, c: RuleContext): void {
    if (!c.config.checkinPresence.enabled) return;
    const i = c.plan.visitIndex.get(ck.visitId);
    const v = i === undefined ? null : c.plan.plan.visits[i];
    const pending: Pending = { ck, lat: v?.lat ?? ck.lat, lon: v?.lon ?? ck.lon, nearestM: Infinity };
    for (const r of c.recent()) this.consider(pending, r.tsMs, r.lat, r.lon, c);
    this.pending.push(pending);
    this.decide(c.clockMs, c, 0);
  }

  onPosition(p: EnginePosition, c: RuleContext): void {
    if (this.pending.length === 0) return;
    for (const pe of this.pending) this.consider(pe, p.tsMs, p.lat, p.lon, c);
    this.decide(p.tsMs, c, 0);
  }

  onLatePosition(p: EnginePosition, c: RuleContext): void {
    for (const pe of this.pending) this.consider(pe, p.tsMs, p.lat, p.lon, c);
  }

  onTick(nowMs: number, c: RuleContext): void {
    this.decide(nowMs, c, TICK_GRACE_MS);
  }

  private consider(pe: Pending, tsMs: number, lat: number, lon: number, c: RuleContext): void {
    if (Math.abs(tsMs - pe.ck.tsMs) > c.config.checkinPresence.windowS * 1000) return;
    const x = (pe.lon - c.plan.lon0) * c.plan.mPerDegLon;
    const y = (pe.lat - c.plan.lat0) * M_PER_DEG_LAT;
    pe.nearestM = Math.min(pe.nearestM, c.distanceM(lat, lon, x, y));
  }

  private decide(nowMs: number, c: RuleContext, graceMs: number): void {
    const cfg = c.config.checkinPresence;
    this.pending = this.pending.filter((pe) => {
      if (nowMs < pe.ck.tsMs + cfg.windowS * 1000 + graceMs) return true;
      if (!(pe.nearestM <= cfg.radiusM)) {
        const nearestM = Number.isFinite(pe.nearestM) ? Math.round(pe.nearestM) : null;
        c.instant('checkin_without_presence', pe.ck.tsMs, pe.ck.tsMs, { radiusM: cfg.radiusM, windowS: cfg.windowS, nearestPositionM: nearestM }, pe.ck.visitId);
      }
      return false;
    });
  }
}
