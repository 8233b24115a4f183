import type { Logger } from 'pino';
import type { Position, Protocol } from '../../device-protocols/messages.ts';
import type { BatchWriter, PositionWrite, WriteResult } from './batch-writer.ts';
import type { DeviceRegistry } from './device-registry.ts';
import type { AlarmEvents } from '../deviations/alarm-events.ts';
import type { AlarmReport, DeviceRef, IngestPort, RejectedPosition, SubmitResult } from './ingest-port.ts';
import type { IngestStats } from './ingest-stats.ts';
import { advance, MOVING_KPH, startMark, type OdometerMark } from './odometer.ts';
import { filterPosition, withoutUnknowns, type FilterConfig, type LastFix } from './position-filter.ts';
import { unstorablePosition } from './storable-position.ts';

/** Validate → filter → batch-commit, for every listener (SPEC §2). */
export class IngestService implements IngestPort {
  private readonly lastFix = new Map<number, LastFix>();
  private readonly odometer = new Map<number, OdometerMark>();
  /** Each device's latest write not yet committed. */
  private readonly writing = new Map<number, Promise<WriteResult>>();

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly writer: BatchWriter,
    private readonly filters: FilterConfig,
    readonly stats: IngestStats,
    private readonly log: Logger,
    private readonly alarms: Pick<AlarmEvents, 'record'>,
    private readonly now: () => number = Date.now,
  ) {}

  async identify(uniqueId: string, protocol: Protocol, remoteAddress: string): Promise<DeviceRef | null> {
    const dev = await this.registry.lookup(uniqueId);
    if (dev?.active) return dev;
    if (dev) {
      this.log.info({ uniqueId, protocol, remoteAddress }, 'disabled device refused');
      return null;
    }
    const listed = await this.registry.recordUnknown(uniqueId, protocol, remoteAddress).catch((err: Error) => {
      this.log.error({ err: err.message }, 'could not record unknown device');
      return true;
    });
    // Past the address's limit a scan or a flood of spoofed datagrams: one line each would flood the log too.
    if (listed) this.log.warn({ uniqueId, protocol, remoteAddress }, 'unknown device refused');
    else this.log.debug({ uniqueId, protocol, remoteAddress }, 'unknown device refused, not listed (too many new ids from this address)');
    return null;
  }

  /** One by one, in the order the device sent them: alarms are few, and each resolves once stored. */
  async submitAlarms(device: DeviceRef, protocol: Protocol, reports: AlarmReport[]): Promise<void> {
    for (const report of reports) {
      this.stats.alarms.received++;
      const at = { uniqueId: device.uniqueId, protocol, alarm: report.alarm, fixTime: report.fix?.fixTime ?? report.sentAt, fixUsable: report.fixUsable };
      const outcome = await this.alarms.record(device, protocol, report).catch((err: Error) => {
        this.stats.alarms.failed++;
        this.log.error({ ...at, err: err.message }, 'device alarm not stored; the device is not acknowledged and sends it again');
        throw err;
      });
      if (outcome.kind === 'opened') {
        this.stats.alarms.opened++;
        const { id, severity, teamId, collectorId, details } = outcome.event;
        this.log.warn({ ...at, eventId: id, severity, teamId, collectorId, kind: details.kind, position: details.position }, 'device alarm');
      } else if (outcome.kind === 'resent') {
        this.stats.alarms.resent++;
        this.log.debug(at, 'device alarm already stored (resent)');
      } else {
        this.stats.alarms.unassigned++;
        this.log.warn({ ...at, reason: outcome.reason }, 'device alarm with no team to show it to: no event');
      }
    }
  }

  /** Rejections found before the positions (e.g. unparsable items) are counted and logged here too. */
  noteRejected(device: DeviceRef, protocol: Protocol, rejected: RejectedPosition[]): void {
    for (const r of rejected) {
      this.stats.received++;
      this.stats.reject(r.reason);
      this.log.info({ uniqueId: device.uniqueId, protocol, index: r.index, reason: r.reason }, 'position rejected');
    }
  }

  /** See BatchWriter.admission: await it (when defined) before decoding a message. */
  admission(): Promise<void> | undefined {
    return this.writer.admission();
  }

  /**
   * Each submission is judged at once against the device's last fix and odometer, including
   * those of its reports still being written (two OsmAnd requests in flight, judged against
   * the same committed fix, counted a leg twice), and resolves only once committed.
   */
  async submitPositions(device: DeviceRef, protocol: Protocol, positions: Position[]): Promise<SubmitResult> {
    const nowMs = this.now();
    const rejected: RejectedPosition[] = [];
    const rows: PositionWrite[] = [];
    /** Each row's index in `positions`. */
    const rowIndex: number[] = [];
    let last = this.lastFix.get(device.deviceId);
    let mark = this.odometer.get(device.deviceId);
    // Buffered history arrives oldest first; judge each fix against the newest accepted before it.
    for (let i = 0; i < positions.length; i++) {
      const p = withoutUnknowns(positions[i]);
      this.stats.received++;
      const verdict = filterPosition(p, last, nowMs, this.filters);
      if (!verdict.ok && verdict.duplicate) {
        this.stats.duplicates++;
        continue;
      }
      if (!verdict.ok) {
        rejected.push({ index: i, reason: verdict.reason });
        this.stats.reject(verdict.reason);
        continue;
      }
      const reason = unstorablePosition(p);
      if (reason) {
        rejected.push({ index: i, reason });
        this.stats.reject(reason);
        continue;
      }
      const t = p.fixTime.getTime();
      const written = toWrite(device, protocol, p, nowMs, last, mark);
      rows.push(written.row);
      rowIndex.push(i);
      mark = written.mark;
      if (!last || t > last.timeMs) last = { timeMs: t, lat: p.lat, lon: p.lon };
    }
    if (rejected.length > 0) {
      this.log.info({ uniqueId: device.uniqueId, protocol, rejected }, 'positions rejected');
    }
    const id = device.deviceId;
    if (last) this.lastFix.set(id, last);
    if (mark) this.odometer.set(id, mark);
    const before = this.writing.get(id);
    let written: WriteResult = { refused: [], resent: 0 };
    try {
      if (rows.length > 0) {
        const write = this.writer.write(rows);
        this.writing.set(id, write);
        void write
          .catch(() => undefined)
          .finally(() => {
            if (this.writing.get(id) === write) this.writing.delete(id);
          });
        written = await write;
      } else if (before) {
        // Only resends of reports still being written: acknowledged once those are committed (the writer commits in order).
        await before;
      }
    } catch (err) {
      // Not stored: the device sends these again, to be judged afresh then (not as duplicates of themselves).
      this.lastFix.delete(id);
      this.odometer.delete(id);
      throw err;
    }
    const { refused, resent } = written;
    for (const { row, reason } of refused) {
      const why = `refused by the database: ${reason}`;
      rejected.push({ index: rowIndex[rows.indexOf(row)], reason: why });
      this.stats.reject(why);
    }
    // Resends the database already held count with those the filter caught: stored means rows added.
    this.stats.duplicates += resent;
    this.stats.stored += rows.length - refused.length - resent;
    return { stored: rows.length - refused.length, rejected };
  }
}

const orNull = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** A gap longer than this is time offline, neither moving nor stopped. */
const MAX_SEGMENT_S = 600;

function toWrite(
  device: DeviceRef,
  protocol: Protocol,
  p: Position,
  nowMs: number,
  prev: LastFix | undefined,
  mark: OdometerMark | undefined,
): { row: PositionWrite; mark: OdometerMark | undefined } {
  const t = p.fixTime.getTime();
  // Segments chain fixes in time order; a fix older than the newest one (late history) starts none.
  const chained = prev !== undefined && t > prev.timeMs;
  const gapS = chained ? (t - prev.timeMs) / 1000 : null;
  const segmentS = gapS !== null && gapS <= MAX_SEGMENT_S ? gapS : null;
  let segmentM: number | null = null;
  let kph = p.speedKph;
  if (chained && mark) {
    // A fix without GPS lock (stored when the invalid filter is off) moves nobody.
    const step = p.valid ? advance(mark, { lat: p.lat, lon: p.lon, timeMs: t, speedKph: p.speedKph, accuracyM: p.accuracyM }) : { distanceM: 0, kph: 0, mark };
    segmentM = step.distanceM;
    kph ??= step.kph;
    mark = step.mark;
  } else if (!mark && p.valid) {
    mark = startMark(p.lat, p.lon, t);
  }
  const row: PositionWrite = {
    segmentM,
    segmentS,
    moving: kph === undefined ? null : kph >= MOVING_KPH,
    deviceId: device.deviceId,
    collectorId: device.collectorId,
    deviceTimeMs: t,
    serverTimeMs: nowMs,
    lat: p.lat,
    lon: p.lon,
    speedKph: orNull(p.speedKph),
    courseDeg: orNull(p.courseDeg),
    altitudeM: orNull(p.altitudeM),
    accuracyM: orNull(p.accuracyM),
    batteryPct: orNull(p.batteryPct),
    satellites: orNull(p.satellites),
    valid: p.valid,
    protocol,
    attributesJson: JSON.stringify(p.buffered ? { ...p.attributes, buffered: true } : p.attributes),
  };
  return { row, mark };
}
