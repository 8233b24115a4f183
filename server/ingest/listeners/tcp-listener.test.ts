import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGt06Framer,
  encodeGt06Ack,
  encodeGt06Login,
  encodeGt06Packet,
  encodeGt06Position,
  GT06_PROTOCOL,
  type Position,
} from '../../../device-protocols/index.ts';
import type { DeviceRef, IngestPort, SubmitResult } from '../ingest-port.ts';
import { createTcpListener, type TcpListener } from './tcp-listener.ts';
import { RawTcp } from './testing/raw-tcp.ts';
import { gt06Spec } from './tracker-protocols.ts';
import { until } from '../../../test/support/until.ts';

/** An ingest whose commits the test resolves or fails by hand, one per submitted frame. */
class ManualIngest implements IngestPort {
  readonly commits: { positions: Position[]; resolve: (r: SubmitResult) => void; reject: (e: Error) => void }[] = [];

  async identify(uniqueId: string): Promise<DeviceRef | null> {
    return uniqueId === IMEI ? { deviceId: 1, uniqueId, collectorId: null } : null;
  }

  submitPositions(_device: DeviceRef, _protocol: string, positions: Position[]): Promise<SubmitResult> {
    return new Promise((resolve, reject) => this.commits.push({ positions, resolve, reject }));
  }

  async submitAlarms(): Promise<void> {}
}

const IMEI = '359710040000020';
const log = pino({ level: 'silent' });
const fix = (second: number) => ({ time: new Date(Date.UTC(2026, 10, 22, 12, 0, second)), lat: 20.675, lon: -103.3475, valid: true, speedKph: 10, courseDeg: 0, satellites: 7 });

let listener: TcpListener | undefined;
afterEach(async () => listener?.close());

async function start(ingest: IngestPort, opts: { idleTimeoutMs?: number; maxBuffered?: number } = {}): Promise<number> {
  const spec = opts.maxBuffered ? { ...gt06Spec, createFramer: () => createGt06Framer(opts.maxBuffered) } : gt06Spec;
  listener = createTcpListener(spec, ingest, log, { idleTimeoutMs: opts.idleTimeoutMs ?? 60_000, maxPendingFrames: 32 });
  await new Promise<void>((resolve) => listener!.server.listen(0, '127.0.0.1', resolve));
  return (listener.server.address() as AddressInfo).port;
}

async function loggedIn(port: number): Promise<RawTcp> {
  const c = await RawTcp.connect(port);
  c.write(encodeGt06Login(IMEI, 1));
  expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.login, 1));
  return c;
}

describe('TCP tracker connection', () => {
  it('commits the frames waiting together, and ACKs each only after its commit, in order', async () => {
    const ingest = new ManualIngest();
    const c = await loggedIn(await start(ingest));
    c.write(encodeGt06Position(fix(1), 2));
    await until('the first frame to be submitted', () => ingest.commits.length === 1);
    // Two more arrive while the first is being committed: they wait, then go in one commit.
    c.write(encodeGt06Position(fix(2), 3), encodeGt06Position(fix(3), 4));
    await until('both frames read', () => listener!.counters.toJSON().frames === 4);
    expect(c.rest()).toEqual(new Uint8Array(0));
    expect(ingest.commits).toHaveLength(1);
    ingest.commits[0].resolve({ stored: 1, rejected: [] });
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 2));
    await until('the next two frames to be submitted', () => ingest.commits.length === 2);
    expect(ingest.commits[1].positions.map((p) => p.fixTime)).toEqual([fix(2).time, fix(3).time]);
    expect(c.rest()).toEqual(new Uint8Array(0));
    ingest.commits[1].resolve({ stored: 2, rejected: [] });
    expect(await c.take(20)).toEqual(Uint8Array.from([...encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 3), ...encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 4)]));
    expect(listener!.counters.toJSON()).toMatchObject({
      frames: 4,
      acks: 4,
      errors: 0,
      bytesIn: encodeGt06Login(IMEI, 1).length + [1, 2, 3].reduce((n, i) => n + encodeGt06Position(fix(i), i + 1).length, 0),
      bytesOut: 4 * 10, // four 10-byte ACKs
    });
    await c.end();
  });

  it('commits the frames a device sent before hanging up, without answering them', async () => {
    const ingest = new ManualIngest();
    const c = await loggedIn(await start(ingest));
    c.write(encodeGt06Position(fix(1), 2), encodeGt06Position(fix(2), 3));
    c.destroy();
    await until('the frames to be submitted', () => ingest.commits.length === 1);
    expect(ingest.commits[0].positions.map((p) => p.fixTime)).toEqual([fix(1).time, fix(2).time]);
    ingest.commits[0].resolve({ stored: 2, rejected: [] });
    await until('the server side to drop the connection', () => listener!.connections() === 0);
    expect(listener!.counters.toJSON()).toMatchObject({ frames: 3, acks: 1 });
  });

  it('closes without an ACK when a commit fails, and acknowledges nothing queued behind it', async () => {
    const ingest = new ManualIngest();
    const c = await loggedIn(await start(ingest));
    c.write(encodeGt06Position(fix(1), 2), encodeGt06Position(fix(2), 3));
    await until('the first frame to be submitted', () => ingest.commits.length === 1);
    ingest.commits[0].reject(new Error('database down'));
    await c.closed;
    expect(c.rest()).toEqual(new Uint8Array(0));
    expect(ingest.commits).toHaveLength(1);
    expect(listener!.counters.commitFailures).toBe(1);
  });

  it('closes a connection silent for longer than the idle timeout', async () => {
    const c = await loggedIn(await start(new ManualIngest(), { idleTimeoutMs: 200 }));
    await c.closed;
    expect(listener!.counters.idleClosed).toBe(1);
    await until('the server side to drop the connection', () => listener!.connections() === 0);
  });

  it('closes a connection whose partial frame outgrows the buffer cap, as a counted protocol error', async () => {
    const c = await loggedIn(await start(new ManualIngest(), { maxBuffered: 64 }));
    // A 0x7979 frame announcing 1,000 bytes, of which 100 arrive: more than the cap held without a whole frame.
    const long = encodeGt06Packet(GT06_PROTOCOL.stringInfoLong, new Uint8Array(990), 2);
    c.write(long.subarray(0, 100));
    await c.closed;
    expect(c.rest()).toEqual(new Uint8Array(0));
    expect(listener!.counters.errors).toBe(1);
  });

  it('refuses an unknown login by closing without a word', async () => {
    const c = await RawTcp.connect(await start(new ManualIngest()));
    c.write(encodeGt06Login('359710040000099', 1));
    await c.closed;
    expect(c.rest()).toEqual(new Uint8Array(0));
    expect(listener!.counters.refused).toBe(1);
    expect(listener!.counters.bytesOut).toBe(0);
  });
});
