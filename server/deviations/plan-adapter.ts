import type { PlanOut, PlanRoute } from '../contract/plan.ts';
import { hhmmToMinutes, localMidnightMs } from '../plans/local-time.ts';
import { decodePolyline } from '../routing/geometry/index.ts';
import type { ActivePlan } from './engine/index.ts';

/**
 * A stored plan's routes as the engine's active plans. The shift runs from leaving the start to
 * the collector's shift end (a collector behind plan is still on shift after the planned return),
 * the route is its road polyline, the visits its stops with their windows (HH:MM in the team's
 * time zone, issue 4) as instants.
 */
export function activePlansOf(plan: Pick<PlanOut, 'teamId' | 'date' | 'timeZone' | 'routes'>): ActivePlan[] {
  const midnight = localMidnightMs(plan.date, plan.timeZone);
  return plan.routes.map((r) => activePlanOf(plan.teamId, midnight, r));
}

function activePlanOf(teamId: number, midnightMs: number, r: PlanRoute): ActivePlan {
  return {
    collectorId: r.collectorId,
    teamId,
    shift: { startMs: Date.parse(r.start.at), endMs: Date.parse(r.shiftEndAt ?? r.end.at) },
    route: r.polyline ? decodePolyline(r.polyline) : [],
    ...(r.startKind === 'first_visit' ? { openStart: true } : {}),
    ...(r.endKind === 'last_visit' ? { openEnd: true } : {}),
    visits: r.stops.map((s) => ({
      visitId: s.visitId,
      seq: s.sequence,
      lat: s.lat,
      lon: s.lon,
      status: s.status,
      ...(s.window ? { windowStartMs: midnightMs + hhmmToMinutes(s.window.start) * 60_000, windowEndMs: midnightMs + hhmmToMinutes(s.window.end) * 60_000 } : {}),
    })),
  };
}
