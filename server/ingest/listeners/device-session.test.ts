import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceMessage, Position } from '../../../device-protocols/index.ts';
import type { AlarmReport, DeviceRef, IngestPort, SubmitResult } from '../ingest-port.ts';
import { DeviceSession } from './device-session.ts';

/** An ingest whose device the test changes as an admin would: handed over, disabled. */
class ChangingIngest implements IngestPort {
  device: DeviceRef | null = { deviceId: 7, uniqueId: '359710040000031', collectorId: 1 };
  readonly submitted: { collectorId: number | null; positions: number }[] = [];
  readonly alarms: AlarmReport[] = [];
  /** Indexes of the next submission's positions to refuse, as the filters would. */
  refuse: number[] = [];

  async identify(uniqueId: string): Promise<DeviceRef | null> {
    return this.device && uniqueId === this.device.uniqueId ? { ...this.device } : null;
  }

  async submitPositions(device: DeviceRef, _protocol: string, positions: Position[]): Promise<SubmitResult> {
    this.submitted.push({ collectorId: device.collectorId, positions: positions.length });
    const rejected = this.refuse.map((index) => ({ index, reason: 'invalid fix (no GPS lock)' }));
    this.refuse = [];
    return { stored: positions.length - rejected.length, rejected };
  }

  async submitAlarms(_device: DeviceRef, _protocol: string, alarms: AlarmReport[]): Promise<void> {
    this.alarms.push(...alarms);
  }

  noteRejected(): void {}
}

const IMEI = '359710040000031';
const login: DeviceMessage = { kind: 'login', uniqueId: IMEI };
const fix = (s: number): DeviceMessage => ({ kind: 'position', fixTime: new Date(Date.UTC(2026, 10, 22, 12, 0, s)), lat: 20.67, lon: -103.35, valid: true, attributes: {} });
const heartbeat: DeviceMessage = { kind: 'heartbeat', attributes: {} };

describe('DeviceSession', () => {
  it('takes each frame of a long connection for what its device is now: handed over, then disabled', async () => {
    const ingest = new ChangingIngest();
    const session = new DeviceSession(ingest, 'gt06', '127.0.0.1', pino({ level: 'silent' }));
    expect(await session.handle([login])).toEqual({ kind: 'handled', stored: 0 });
    expect(await session.handle([fix(1)])).toEqual({ kind: 'handled', stored: 1 });

    ingest.device = { ...ingest.device!, collectorId: 2 };
    expect(await session.handle([fix(2)])).toEqual({ kind: 'handled', stored: 1 });
    expect(ingest.submitted.map((s) => s.collectorId)).toEqual([1, 2]);

    ingest.device = null;
    // Even a frame with nothing to store (GT06 sends heartbeats between fixes) ends the connection.
    expect(await session.handle([heartbeat])).toEqual({ kind: 'refused', uniqueId: IMEI });
    expect(await session.handle([fix(3)])).toEqual({ kind: 'notLoggedIn' });
    expect(ingest.submitted).toHaveLength(2);
  });

  it('hands every alarm on, its fix judged: usable when stored with GPS lock, not when refused or absent', async () => {
    const ingest = new ChangingIngest();
    const session = new DeviceSession(ingest, 'gt06', '127.0.0.1', pino({ level: 'silent' }));
    await session.handle([login]);
    const at = (s: number, valid: boolean): Position => ({ kind: 'position', fixTime: new Date(Date.UTC(2026, 10, 22, 12, 1, s)), lat: 20.67, lon: -103.35, valid, attributes: {} });
    ingest.refuse = [1];
    const out = await session.handle([
      fix(1),
      { kind: 'alarm', alarm: 'sos', position: at(1, false), attributes: {} },
      { kind: 'alarm', alarm: 'powerCut', position: at(2, true), attributes: {} },
      { kind: 'alarm', alarm: 'sos', attributes: {} },
    ]);
    expect(out).toEqual({ kind: 'handled', stored: 2 });
    expect(ingest.alarms.map((a) => [a.alarm, a.fix?.fixTime.getUTCSeconds(), a.fixUsable])).toEqual([
      ['sos', 1, false],
      ['powerCut', 2, true],
      ['sos', undefined, false],
    ]);
    // The fix is stored as a position too, named by its alarm.
    expect(ingest.alarms[1].fix?.attributes).toEqual({ alarm: 'powerCut' });
  });
});
