import { M_PER_DEG_LAT, type Rule, type RuleContext } from '../collector.ts';
import type { EngineCheckin, EnginePosition, StoredFix } from '../types.ts';

/** How long after a check-in's window the tick gives up waiting for the device's positions. */
const TICK_GRACE_MS = 60_000;

interface Pending {
  ck: EngineCheckin;
  lat: number;
  lon: number;
  nearestM: number;
}

/** A check-in whose window passed with no fix near it in this instance's memory: the stored fixes decide. */
interface Unconfirmed extends Pending {
  windowS: number;
  fromMs: number;
  toMs: number;
}

/**
 * checkin_without_presence: a check-in with no position of the collector's device within radiusM of
 * the visit's address (or of the check-in's own coordinates, for a visit not in the plan) in
 * ±windowS around its time. Check-ins often arrive before the positions around them, so the
 * verdict waits until the device's clock has passed the window (or, if it went quiet, the tick).
 * The operations service flags a far-away check-in on the record itself; this turns a check-in the
 * tracker contradicts into an event for the wall.
 *
 * Presence settles on what this instance saw; absence never does. With several instances (SPEC §8)
 * the tracker may report through another one (a GT06 on B, the phone's check-in on A), so a check-in
 * with no fix near it here waits for the collector's fixes stored by any instance over its window
 * (awaitsFixes, onStoredFixes), and only those can raise the event. They are read once the window
 * is over here: fixes of the window that reach the database later still (a tracker's buffered
 * upload after a coverage gap) are not waited for.
 */
export class CheckinPresenceRule implements Rule {
  private pending: Pending[] = [];
  private unconfirmed: Unconfirmed[] = [];

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

  awaitsFixes(): { fromMs: number; toMs: number } | null {
    if (this.unconfirmed.length === 0) return null;
    let fromMs = Infinity;
    let toMs = -Infinity;
    for (const u of this.unconfirmed) {
      fromMs = Math.min(fromMs, u.fromMs);
      toMs = Math.max(toMs, u.toMs);
    }
    return { fromMs, toMs };
  }

  /** Settles every check-in whose window the stored fixes cover; the rest wait for a read that covers theirs. */
  onStoredFixes(fixes: readonly StoredFix[], fromMs: number, toMs: number, c: RuleContext): void {
    const radiusM = c.config.checkinPresence.radiusM;
    this.unconfirmed = this.unconfirmed.filter((u) => {
      if (u.fromMs < fromMs || u.toMs > toMs) return true;
      for (const f of fixes) if (f.tsMs >= u.fromMs && f.tsMs <= u.toMs) this.nearer(u, f.lat, f.lon, c);
      if (!(u.nearestM <= radiusM)) {
        const nearestM = Number.isFinite(u.nearestM) ? Math.round(u.nearestM) : null;
        c.instant('checkin_without_presence', u.ck.tsMs, u.ck.tsMs, { radiusM, windowS: u.windowS, nearestPositionM: nearestM }, u.ck.visitId);
      }
      return false;
    });
  }

  private consider(pe: Pending, tsMs: number, lat: number, lon: number, c: RuleContext): void {
    if (Math.abs(tsMs - pe.ck.tsMs) <= c.config.checkinPresence.windowS * 1000) this.nearer(pe, lat, lon, c);
  }

  private nearer(pe: Pending, lat: number, lon: number, c: RuleContext): void {
    const x = (pe.lon - c.plan.lon0) * c.plan.mPerDegLon;
    const y = (pe.lat - c.plan.lat0) * M_PER_DEG_LAT;
    pe.nearestM = Math.min(pe.nearestM, c.distanceM(lat, lon, x, y));
  }

  private decide(nowMs: number, c: RuleContext, graceMs: number): void {
    const cfg = c.config.checkinPresence;
    const windowMs = cfg.windowS * 1000;
    this.pending = this.pending.filter((pe) => {
      if (nowMs < pe.ck.tsMs + windowMs + graceMs) return true;
      if (!(pe.nearestM <= cfg.radiusM)) this.unconfirmed.push({ ...pe, windowS: cfg.windowS, fromMs: pe.ck.tsMs - windowMs, toMs: pe.ck.tsMs + windowMs });
      return false;
    });
  }
}
