import type { Kysely } from 'kysely';
import type { Protocol } from '../../device-protocols/messages.ts';
import { ALARM_SEVERITY, type AlarmDetails, type EventOut } from '../contract/event.ts';
import type { Database } from '../db/database.ts';
import { alarmKind, deviceAlarmName } from '../ingest/alarm-kind.ts';
import { EARLIEST_FIX_MS } from '../ingest/position-filter.ts';
import type { AlarmReport, DeviceRef } from '../ingest/ingest-port.ts';
import { insertAlarmEvent } from './event.repository.ts';

const DAY_MS = 86_400_000;

export type AlarmOutcome =
  | { kind: 'opened'; event: EventOut }
  /** The same alarm (device, kind, device time) is stored already: a tracker's resend. */
  | { kind: 'resent' }
  /** An event needs a collector and a team. */
  | { kind: 'unassigned'; reason: 'device has no collector' | 'collector has no team' };

export interface AlarmEventsDeps {
  db: Kysely<Database>;
  /** The deviation events' path to the wall (LiveHub.emitEvent): the team's room, on every instance. */
  emit(teamId: number, event: EventOut): void;
  /** How far ahead of the server's clock a device time may be (FILTER_FUTURE_S; 0 = a day). */
  futureS: number;
  now?: () => number;
}

/**
 * Turns a device's alarm into an `alarm` event (SPEC §7 "alerts") where the frame is received, stored
 * before the device is acknowledged and streamed like the engine's deviations. The alarm is kept
 * whatever became of its fix: a refused or missing fix leaves the event at the collector's last
 * known position (AlarmDetails says which).
 */
export class AlarmEvents {
  private readonly now: () => number;

  constructor(private readonly deps: AlarmEventsDeps) {
    this.now = deps.now ?? Date.now;
  }

  async record(device: DeviceRef, protocol: Protocol, report: AlarmReport): Promise<AlarmOutcome> {
    const { db, emit } = this.deps;
    if (device.collectorId === null) return { kind: 'unassigned', reason: 'device has no collector' };
    const collectorId = device.collectorId;
    const collector = await db.selectFrom('collectors').select('team_id').where('id', '=', collectorId).executeTakeFirst();
    if (!collector) return { kind: 'unassigned', reason: 'device has no collector' };
    if (collector.team_id === null) return { kind: 'unassigned', reason: 'collector has no team' };
    const teamId = collector.team_id;

    const nowMs = this.now();
    // NaN (no fix, or an Invalid Date) is never possible.
    const sentMs = (report.fix?.fixTime ?? report.sentAt)?.getTime() ?? NaN;
    const aheadMs = this.deps.futureS > 0 ? this.deps.futureS * 1000 : DAY_MS;
    const possible = sentMs >= EARLIEST_FIX_MS && sentMs <= nowMs + aheadMs;
    const openedAtMs = possible ? sentMs : nowMs;

    const deviceAlarm = deviceAlarmName(report.alarm);
    const kind = alarmKind(deviceAlarm);
    const details: AlarmDetails = {
      kind,
      deviceAlarm,
      deviceId: device.deviceId,
      uniqueId: device.uniqueId,
      protocol,
      // With deviceId and kind, what makes a resend the same alarm. Not an impossible time: a clock that was never
      // set gives the same one to two SOS an hour apart, and a duplicate is better than a second SOS lost.
      deviceTime: possible ? new Date(sentMs).toISOString() : null,
      timeSource: possible ? 'device' : 'server',
      ...(await this.where(collectorId, report, openedAtMs)),
    };

    const severity = ALARM_SEVERITY[kind];
    const event = await insertAlarmEvent(db, {
      type: 'alarm',
      severity,
      teamId,
      collectorId,
      openedAtMs,
      // A parked bike's every bump fires vibration and movement: kept in the history, not raised on
      // the wall to wait for an acknowledgement among the SOS.
      ...(severity === 'info' ? { closedAtMs: openedAtMs } : {}),
      details,
    });
    if (!event) return { kind: 'resent' };
    emit(event.teamId, event);
    return { kind: 'opened', event };
  }

  private async where(collectorId: number, report: AlarmReport, atMs: number): Promise<Pick<AlarmDetails, 'position' | 'lat' | 'lon' | 'positionAt'>> {
    if (report.fixUsable && report.fix) return { position: 'fix', lat: report.fix.lat, lon: report.fix.lon };
    const last = await lastValidFixOfCollector(this.deps.db, collectorId, new Date(atMs));
    return last ? { position: 'last_known', lat: last.lat, lon: last.lon, positionAt: last.ts.toISOString() } : { position: 'none' };
  }
}

/** A collector's newest fix with GPS lock at or before `at`, from any of their devices: where they were last seen. */
async function lastValidFixOfCollector(db: Kysely<Database>, collectorId: number, at: Date): Promise<{ lat: number; lon: number; ts: Date } | null> {
  const row = await db
    .selectFrom('positions')
    .select(['lat', 'lon', 'device_time'])
    .where('collector_id', '=', collectorId)
    .where('device_time', '<=', at)
    .where('valid', '=', true)
    .orderBy('device_time', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { lat: row.lat, lon: row.lon, ts: new Date(row.device_time) } : null;
}
