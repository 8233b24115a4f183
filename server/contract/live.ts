import { Type, type Static } from '@sinclair/typebox';
import type { CheckinOut } from './checkin.ts';
import type { PaymentOut } from './payment.ts';
import type { VisitOut } from './visit.ts';
import type { EventOut } from './event.ts';
import type { PlanOut } from './plan.ts';
import type { TeamOut } from './team.ts';

/** One collector's latest report as the wall shows it (SPEC §7 `positions`). */
export const LivePosition = Type.Object({
  collectorId: Type.Union([Type.Integer(), Type.Null()]),
  deviceId: Type.Integer(),
  uniqueId: Type.String(),
  protocol: Type.String(),
  ts: Type.String({ format: 'date-time' }),
  lat: Type.Number(),
  lon: Type.Number(),
  speedKph: Type.Union([Type.Number(), Type.Null()]),
  courseDeg: Type.Union([Type.Number(), Type.Null()]),
  batteryPct: Type.Union([Type.Number(), Type.Null()]),
  accuracyM: Type.Union([Type.Number(), Type.Null()]),
});
export type LivePosition = Static<typeof LivePosition>;

/** Sent first on every (re)connection, before any delta (SPEC §7). */
export interface LiveSnapshot {
  positions: LivePosition[];
  /** Deviation events still open (SPEC §7: open events before deltas). Optional for older servers. */
  events?: EventOut[];
  /**
   * The user's own team as it is now, whose zone and currency the dashboard formats with: a `team`
   * event sent while the client was away would otherwise be lost. Absent for users of no team (their
   * zone and currency are the server's, which no request changes) and from older servers.
   */
  team?: TeamOut;
}

/** socket.io is mounted at this HTTP path; clients pass `{ auth: { token } }`. */
export const LIVE_PATH = '/live';

/**
 * Collectors were added, renamed, moved, (de)activated, given a phone, or their team renamed or given a new
 * zone, or a team was created or deleted (named in `teamIds`), or a device was registered to one, handed over, disabled or enabled: the dashboard reloads GET /api/collectors (and its teams). Sent to the teams named (on a move, the one left
 * and the one joined) and to those who watch every team; not part of SPEC §7's list, which it extends.
 */
export interface LiveCollectorsChanged {
  /** The teams whose list changed; null: collectors of no team, which only those who watch every team see. */
  teamIds: (number | null)[];
}

/**
 * A visit as the live stream carries it: `formerCollectorId` when this change took it from that
 * collector (reassigned, or left out by a re-plan), so that a collector watching their own day
 * hears that it is no longer theirs — they get it with `collectorId` and `note` null (whose it is
 * now is not theirs to know); the team's watchers get it whole, its new collector without it.
 */
export type LiveVisit = VisitOut & { formerCollectorId?: number };

export interface LiveServerEvents {
  snapshot: (s: LiveSnapshot) => void;
  positions: (batch: LivePosition[]) => void;
  /** A visit after any committed change (issue 5). */
  visit: (v: LiveVisit) => void;
  checkin: (c: CheckinOut) => void;
  payment: (p: PaymentOut) => void;
  /** A day plan after every stored version (issue 4); `changedCollectorIds` names the routes that changed. */
  plan: (p: PlanOut) => void;
  /** A deviation when it opens, closes or is acknowledged (issue 5); times are event time. */
  event: (e: EventOut) => void;
  collectors: (c: LiveCollectorsChanged) => void;
  /**
   * A team as it is after PATCH /api/teams/{id}: its dashboards format times and money with its zone
   * and currency (GET /api/map/config), which a change must reach without a reload. Sent to the team,
   * its collectors and those who watch every team; not part of SPEC §7's list, which it extends.
   */
  team: (t: TeamOut) => void;
}

/** The operations records streamed to their team's room and to the all-teams room. */
export type LiveRecordEvent = 'visit' | 'checkin' | 'payment' | 'plan';
