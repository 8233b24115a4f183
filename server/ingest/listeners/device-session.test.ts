import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceMessage, Position } from '../../../device-protocols/index.ts';
import type { DeviceRef, IngestPort, SubmitResult } from '../ingest-port.ts';
import { DeviceSession } from './device-session.ts';

/** An ingest whose device the test changes as an admin would: handed over, disabled. */
class ChangingIngest implements IngestPort {
  device: DeviceRef | null = { deviceId: 7, uniqueId: '359710040000031', collectorId: 1 };
  readonly submitted: { collectorId: number | null; positions: number }[] = [];

  async identify(uniqueId: string): Promise<DeviceRef | null> {
    return this.device && uniqueId === this.device.uniqueId ? { ...this.device } : null;
  }

  async submitPositions(device: DeviceRef, _protocol: string, positions: Position[]): Promise<SubmitResult> {
    this.submitted.push({ collectorId: device.collectorId, positions: positions.length });
    return { stored: positions.length, rejected: [] };
  }
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
});
