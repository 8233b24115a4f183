import type { AlarmDetails, AlarmKind, EventOut } from '$contract/event.ts';

/**
 * Which device alarms put a collector in the wall's SOS state, the one that wins over every other.
 * Only the panic button: it is a person asking for help, and the red SOS marker must mean exactly
 * that at wall distance. A power cut or a tampered tracker is critical too, but it is about the
 * device (a stolen bike, and just as often a mechanic or a loose wire): it tops the feed by its
 * severity, and the silence that follows shows as offline. Folded into SOS it would make the
 * emergency marker cry wolf. A Record over AlarmKind, so a new kind cannot arrive without deciding here.
 */
const SOS: Record<AlarmKind, boolean> = {
  sos: true,
  power_cut: false,
  tampering: false,
  low_power: false,
  overspeed: false,
  low_battery: false,
  vibration: false,
  movement: false,
  geofence_enter: false,
  geofence_exit: false,
  other: false,
};

/** A collector's open SOS as the wall needs it. */
export interface SosAlarm {
  eventId: number;
  teamId: number;
  openedAtMs: number;
  /**
   * Where the alarm says the collector was and when that fix was taken; null when it could not say
   * (position `none`). A report in (atMs, noFixUntilMs] had no GPS lock: the server found no valid
   * fix of this collector between their last known one and the alarm.
   */
  place: { lon: number; lat: number; atMs: number; noFixUntilMs: number } | null;
}

type AlarmEvent = Pick<EventOut, 'id' | 'type' | 'teamId' | 'collectorId' | 'openedAt' | 'closedAt' | 'acknowledgedAt' | 'details'>;

/** An open SOS nobody has acknowledged: acknowledging closes a critical alarm (server/contract/event.ts), and either ends the state. */
export function marksSos(e: Pick<EventOut, 'type' | 'closedAt' | 'acknowledgedAt' | 'details'>): boolean {
  if (e.type !== 'alarm' || e.closedAt !== null || e.acknowledgedAt !== null) return false;
  const kind = (e.details as Partial<AlarmDetails>).kind;
  return typeof kind === 'string' && Object.hasOwn(SOS, kind) && SOS[kind as AlarmKind];
}

/** Collectors in the SOS state, each with their newest open SOS. */
export function sosAlarms(events: readonly AlarmEvent[]): Map<number, SosAlarm> {
  const byCollector = new Map<number, SosAlarm>();
  for (const e of events) {
    if (!marksSos(e)) continue;
    const openedAtMs = Date.parse(e.openedAt);
    const current = byCollector.get(e.collectorId);
    if (current && current.openedAtMs >= openedAtMs) continue;
    byCollector.set(e.collectorId, { eventId: e.id, teamId: e.teamId, openedAtMs, place: placeOf(e.details as Partial<AlarmDetails>, openedAtMs) });
  }
  return byCollector;
}

function placeOf(d: Partial<AlarmDetails>, openedAtMs: number): SosAlarm['place'] {
  if (typeof d.lat !== 'number' || typeof d.lon !== 'number' || !Number.isFinite(d.lat) || !Number.isFinite(d.lon)) return null;
  // The alarm's own fix is as old as the alarm; a last known one as old as that fix. Unsaid, any marker is taken as better.
  if (d.position === 'fix') return { lon: d.lon, lat: d.lat, atMs: openedAtMs, noFixUntilMs: openedAtMs };
  const atMs = Date.parse(d.positionAt ?? '');
  if (!Number.isFinite(atMs)) return { lon: d.lon, lat: d.lat, atMs: 0, noFixUntilMs: 0 };
  return { lon: d.lon, lat: d.lat, atMs, noFixUntilMs: Math.max(atMs, openedAtMs) };
}

/**
 * Where the map must show an SOS apart from the collector's marker: the alarm's position when the
 * collector has no marker (their device was replaced, say), when the marker is older than that
 * position, or when the marker is a report without GPS lock (a tracker that lost its fix keeps
 * sending where it last was, or 0,0, when the server is told to keep such reports). Null when the
 * marker is that same fix or one taken after the alarm, or the alarm gave no position. [lon, lat].
 */
export function sosPlace(alarm: SosAlarm | undefined, markerReportMs: number | null): [number, number] | null {
  const place = alarm?.place;
  if (!place) return null;
  if (markerReportMs !== null && (markerReportMs === place.atMs || markerReportMs > place.noFixUntilMs)) return null;
  return [place.lon, place.lat];
}
