import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGt06Framer,
  encodeGt06Ack,
  encodeGt06Login,
  encodeGt06Packet,
  encodeGt06Position,
  encodeH02Position,
  GT06_PROTOCOL,
  type Position,
} from '../../../device-protocols/index.ts';
import type { DeviceRef, IngestPort, SubmitResult } from '../ingest-port.ts';
import { createTcpListener, type TcpListener } from './tcp-listener.ts';
import { createTeltonikaUdpListener } from './teltonika-udp-listener.ts';
import { RawTcp } from './testing/raw-tcp.ts';
import { gt06Spec, h02Spec } from './tracker-protocols.ts';
import type { TcpProtocolSpec } from './tcp-connection.ts';
import { until } from '../../../test/support/until.ts';

/** An ingest whose commits the test resolves or fails by hand, one per submitted frame. */
class ManualIngest implements IngestPort {
  readonly commits: { positions: Position[]; resolve: (r: SubmitResult) => void; reject: (e: Error) => void }[] = [];

  constructor(private readonly registered = IMEI) {}

  async identify(uniqueId: string): Promise<DeviceRef | null> {
    return uniqueId === this.registered ? { deviceId: 1, uniqueId, collectorId: null } : null;
  }

  submitPositions(_device: DeviceRef, _protocol: string, positions: Position[]): Promise<SubmitResult> {
    return new Promise((resolve, reject) => this.commits.push({ positions, resolve, reject }));
  }

  async submitAlarms(): Promise<void> {}

  noteRejected(): void {}
}

const IMEI = '359710040000020';
const log = pino({ level: 'silent' });
const fix = (second: number) => ({ time: new Date(Date.UTC(2026, 10, 22, 12, 0, second)), lat: 20.675, lon: -103.3475, valid: true, speedKph: 10, courseDeg: 0, satellites: 7 });

let listener: TcpListener | undefined;
afterEach(async () => listener?.close());

async function start(ingest: IngestPort, opts: { idleTimeoutMs?: number; maxBuffered?: number; log?: Logger; spec?: TcpProtocolSpec<any> } = {}): Promise<number> {
  const spec = opts.spec ?? (opts.maxBuffered ? { ...gt06Spec, createFramer: () => createGt06Framer(opts.maxBuffered) } : gt06Spec);
  listener = createTcpListener(spec, ingest, opts.log ?? log, { idleTimeoutMs: opts.idleTimeoutMs ?? 60_000, maxPendingFrames: 32 });
  await new Promise<void>((resolve) => listener!.server.listen(0, '127.0.0.1', resolve));
  return (listener.server.address() as AddressInfo).port;
}

async function loggedIn(port: number): Promise<RawTcp> {
  const c = await RawTcp.connect(port);
  c.write(encodeGt06Login(IMEI, 1));
  expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.login, 1));
  return c;
}

/** A logger that keeps its warn lines, parsed, for tests that count them. */
function recordingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'warn' }, sink), lines };
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

  it('logs the first protocol errors of a connection one by one and sums up the rest in one line', async () => {
    const { log: recording, lines } = recordingLog();
    const ingest = new ManualIngest();
    const c = await loggedIn(await start(ingest, { log: recording }));
    for (let i = 0; i < 50; i++) {
      const corrupt = encodeGt06Position(fix(1), 10 + i);
      corrupt[corrupt.length - 4] ^= 0xff;
      c.write(corrupt);
      await until('the frame to be read', () => listener!.counters.errors === i + 1);
    }
    // A logged-in device is not closed for bad frames; the next good one is stored and answered.
    c.write(encodeGt06Position(fix(2), 99));
    await until('the good frame to be submitted', () => ingest.commits.length === 1);
    ingest.commits[0].resolve({ stored: 1, rejected: [] });
    expect(await c.take(10)).toEqual(encodeGt06Ack(GT06_PROTOCOL.gpsLbs, 99));
    expect(lines.filter((l) => l.msg === 'protocol error')).toHaveLength(5);
    await c.end();
    await until('the summary line', () => lines.some((l) => l.msg === 'protocol errors not logged one by one'));
    expect(lines.filter((l) => l.msg === 'protocol errors not logged one by one')).toMatchObject([{ uniqueId: IMEI, errors: 45, codes: { checksum: 45 }, errorsOnConnection: 50, remote: '127.0.0.1' }]);
    // The remote address once per line, from the listener's child logger.
    expect(lines.every((l) => JSON.stringify(l).split('"remote"').length === 2)).toBe(true);
  });

  it('closes a connection that sends garbage, one byte a write, without ever a frame: 10 errors, 7 log lines', async () => {
    const { log: recording, lines } = recordingLog();
    const c = await RawTcp.connect(await start(new ManualIngest(), { log: recording }));
    for (let i = 0; i < 100 && listener!.counters.unidentifiedClosed === 0; i++) {
      await c.writeBytewise(Uint8Array.of(0x00));
      await until('the byte to be read', () => listener!.counters.bytesIn === i + 1);
    }
    await c.closed;
    expect(listener!.counters.toJSON()).toMatchObject({ errors: 10, unidentifiedClosed: 1 });
    await until('the summary line', () => lines.some((l) => l.msg === 'protocol errors not logged one by one'));
    expect(lines.map((l) => l.msg)).toEqual([...Array(6).fill('protocol error'), 'protocol errors not logged one by one']);
    expect(lines[5]).toMatchObject({ closing: true, reason: '10 protocol errors and no frame' });
  });

  it('closes an H02 connection flooded with *# frames after 10 errors instead of logging each', async () => {
    const { log: recording, lines } = recordingLog();
    const c = await RawTcp.connect(await start(new ManualIngest(), { log: recording, spec: h02Spec }));
    c.write(Buffer.alloc(64 * 1024, '*#'));
    await c.closed;
    expect(listener!.counters.toJSON()).toMatchObject({ errors: 10, unidentifiedClosed: 1 });
    await until('the summary line', () => lines.some((l) => l.msg === 'protocol errors not logged one by one'));
    expect(lines).toHaveLength(7);
  });

  it('H02: still stores the registered device\'s frames received with a frame of an unknown id, then closes', async () => {
    // Found by a socket probe: one write of A, A, unknown, A, A stored 2 of 4 (H02 has no ACK: the device never resends).
    const ingest = new ManualIngest('4200000001');
    const c = await RawTcp.connect(await start(ingest, { spec: h02Spec }));
    const a = (second: number) => encodeH02Position('4200000001', fix(second));
    c.write(Uint8Array.from([...a(1), ...a(2), ...encodeH02Position('4299999998', fix(3)), ...a(4), ...a(5)]));
    await until('the first two frames to be submitted', () => ingest.commits.length === 1);
    ingest.commits[0].resolve({ stored: 2, rejected: [] });
    await until('the last two frames to be submitted', () => ingest.commits.length === 2);
    ingest.commits[1].resolve({ stored: 2, rejected: [] });
    await c.closed;
    expect(ingest.commits.map((commit) => commit.positions.map((p) => p.fixTime.getUTCSeconds()))).toEqual([[1, 2], [4, 5]]);
    expect(listener!.counters.toJSON()).toMatchObject({ frames: 5, refused: 1, errors: 0 });
    expect(c.rest()).toEqual(new Uint8Array(0));
  });

  it('GT06: positions queued behind a refused login are that device\'s and not stored', async () => {
    const ingest = new ManualIngest();
    const c = await loggedIn(await start(ingest));
    c.write(encodeGt06Login('359710040000099', 2), encodeGt06Position(fix(1), 3), encodeGt06Position(fix(2), 4));
    await c.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ingest.commits).toHaveLength(0);
    expect(listener!.counters.toJSON()).toMatchObject({ refused: 1, errors: 0 });
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

describe('Teltonika UDP listener', () => {
  it("logs a peer's first bad datagrams one by one and sums up the rest when the peer goes quiet", async () => {
    const { log: recording, lines } = recordingLog();
    const udp = createTeltonikaUdpListener(new ManualIngest(), recording, { idleTimeoutMs: 200, maxPendingFrames: 32 });
    const port = await udp.listen(0, '127.0.0.1');
    const peer = createSocket('udp4');
    try {
      for (let i = 0; i < 30; i++) await new Promise<void>((resolve, reject) => peer.send(Buffer.from('garbage!'), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      await until('every datagram read', () => udp.counters.errors === 30);
      await until('the summary line', () => lines.some((l) => l.msg === 'protocol errors not logged one by one'));
      expect(lines.filter((l) => l.msg === 'protocol error')).toHaveLength(5);
      expect(lines.at(-1)).toMatchObject({ errors: 25, errorsOnConnection: 30, remote: `127.0.0.1:${peer.address().port}` });
    } finally {
      peer.close();
      await udp.close();
    }
  });
});
