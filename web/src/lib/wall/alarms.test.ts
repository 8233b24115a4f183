import { describe, expect, it } from 'vitest';
import { ALARM_KINDS, type AlarmDetails, type EventOut } from '$contract/event.ts';
import { marksSos, sosAlarms, sosPlace } from './alarms.ts';

const T0 = Date.UTC(2026, 10, 23, 17, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

let nextId = 1;
function alarm(collectorId: number, details: Partial<AlarmDetails>, extra: Partial<EventOut> = {}): EventOut {
  return {
    id: nextId++,
    type: 'alarm',
    severity: 'critical',
    teamId: 1,
    collectorId,
    visitId: null,
    openedAt: iso(T0),
    closedAt: null,
    details: { kind: 'sos', deviceAlarm: 'sos', deviceId: 1, uniqueId: 'dev-1', protocol: 'gt06', deviceTime: iso(T0), timeSource: 'device', position: 'fix', lat: 20.67, lon: -103.35, ...details },
    acknowledgedBy: null,
    acknowledgedAt: null,
    ...extra,
  };
}

describe('marksSos', () => {
  it('marks an open, unacknowledged panic button, and no other alarm kind (power cut and tampering stay in the feed)', () => {
    expect(ALARM_KINDS.filter((kind) => marksSos(alarm(1, { kind })))).toEqual(['sos']);
  });

  it('lets go once a supervisor acknowledges it or it closes, and ignores deviations and unknown kinds', () => {
    expect(marksSos(alarm(1, {}, { acknowledgedAt: iso(T0 + 60_000), acknowledgedBy: 'Supervisora' }))).toBe(false);
    expect(marksSos(alarm(1, {}, { closedAt: iso(T0 + 60_000) }))).toBe(false);
    expect(marksSos(alarm(1, {}, { type: 'off_route', details: { kind: 'sos' } }))).toBe(false);
    expect(marksSos(alarm(1, { kind: 'panic' as AlarmDetails['kind'] }))).toBe(false);
    expect(marksSos(alarm(1, { kind: 'toString' as AlarmDetails['kind'] }))).toBe(false);
  });
});

describe('sosAlarms', () => {
  it('keeps the newest open SOS per collector, with where and when its position was taken', () => {
    const older = alarm(1, { lat: 1, lon: 2 }, { openedAt: iso(T0 - 60_000) });
    const newer = alarm(1, { lat: 3, lon: 4 });
    const lastKnown = alarm(2, { position: 'last_known', lat: 5, lon: 6, positionAt: iso(T0 - 600_000) }, { teamId: 9 });
    const none = alarm(3, { position: 'none', lat: undefined, lon: undefined });
    const map = sosAlarms([newer, older, lastKnown, none, alarm(4, { kind: 'power_cut' })]);
    expect([...map.keys()]).toEqual([1, 2, 3]);
    expect(map.get(1)).toEqual({ eventId: newer.id, teamId: 1, openedAtMs: T0, place: { lon: 4, lat: 3, atMs: T0, noFixUntilMs: T0 } });
    expect(map.get(2)).toEqual({ eventId: lastKnown.id, teamId: 9, openedAtMs: T0, place: { lon: 6, lat: 5, atMs: T0 - 600_000, noFixUntilMs: T0 } });
    expect(map.get(3)?.place).toBeNull();
  });
});

describe('sosPlace', () => {
  const [fix, lastKnown, none] = [...sosAlarms([
    alarm(1, { lat: 20.6, lon: -103.3 }),
    alarm(2, { position: 'last_known', lat: 20.7, lon: -103.4, positionAt: iso(T0 - 600_000) }),
    alarm(3, { position: 'none', lat: undefined, lon: undefined }),
  ]).values()];

  it("shows the alarm's position for a collector the map has no marker for", () => {
    expect(sosPlace(fix, null)).toEqual([-103.3, 20.6]);
    expect(sosPlace(lastKnown, null)).toEqual([-103.4, 20.7]);
  });

  it('shows it when the marker is older than the alarm’s position, not when the marker is that fix or a later one', () => {
    expect(sosPlace(fix, T0 - 300_000)).toEqual([-103.3, 20.6]);
    expect(sosPlace(fix, T0)).toBeNull();
    expect(sosPlace(fix, T0 + 1000)).toBeNull();
    expect(sosPlace(lastKnown, T0 - 900_000)).toEqual([-103.4, 20.7]);
    expect(sosPlace(lastKnown, T0 - 600_000)).toBeNull();
    expect(sosPlace(lastKnown, T0 + 1000)).toBeNull();
  });

  it('shows it when the marker is a report without GPS lock: newer than the last known fix, not after the alarm', () => {
    expect(sosPlace(lastKnown, T0 - 300_000)).toEqual([-103.4, 20.7]);
    expect(sosPlace(lastKnown, T0)).toEqual([-103.4, 20.7]);
  });

  it('has nothing to show for an alarm with no position, or no SOS', () => {
    expect(sosPlace(none, null)).toBeNull();
    expect(sosPlace(undefined, null)).toBeNull();
  });
});
