import type { EventOut, EventType } from '$contract/event.ts';

/**
 * Which events put a collector "in deviation" on the wall (SPEC §1 "route deviations"):
 * leaving the planned route or its visits. The engine's alerts about the device or the
 * driving are shown otherwise: silence by the offline state (SPEC §1 "offline"), a weak
 * battery by the list's battery mark, speeding and device alarms in the events feed. A Record over
 * EventType, so a new event type cannot be added without deciding here.
 */
const ROUTE_DEVIATION: Record<EventType, boolean> = {
  off_route: true,
  long_stop: true,
  visit_out_of_order: true,
  visit_skipped: true,
  arrived_no_checkin: true,
  checkin_without_presence: true,
  offline: false,
  low_battery: false,
  speeding: false,
  // A device's alarm tops the feed by its severity, and an SOS has its own state (wall/alarms.ts): "in deviation" would bury it among route slips.
  alarm: false,
};

/** An open route deviation nobody has acknowledged yet: once a supervisor has seen it, the marker stops calling for attention. */
export function marksDeviation(e: Pick<EventOut, 'type' | 'closedAt' | 'acknowledgedAt'>): boolean {
  return ROUTE_DEVIATION[e.type] && e.closedAt === null && e.acknowledgedAt === null;
}

/** Collectors the wall shows "in deviation". */
export function deviatingCollectors(events: readonly EventOut[]): Set<number> {
  const ids = new Set<number>();
  for (const e of events) if (marksDeviation(e)) ids.add(e.collectorId);
  return ids;
}
