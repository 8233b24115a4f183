import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeGt06Login,
  encodeGt06Position,
  encodeTeltonikaImei,
  encodeTeltonikaTcpPacket,
  TELTONIKA_CODEC,
} from '../../../device-protocols/index.ts';
import { createStorage, startServerProcess, type ServerProcess, type Storage } from '../../../test/support/server-process.ts';
import { RawTcp } from './testing/raw-tcp.ts';

const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
let storage: Storage | undefined;
let server: ServerProcess | null = null;

afterAll(async () => {
  await server?.stop();
  await storage?.drop();
});

const GT06_IMEI = '359710040000030';
const TELTONIKA_IMEI = '352093081452270';
// Device time far enough back that a fast run never meets the future-time filter; one fix per second of it.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 12 * 3_600_000;
const at = (i: number) => ({ time: new Date(T0 + i * 1000), lat: 20.6 + i * 1e-5, lon: -103.3 });

/**
 * A tracker that streams one report every few milliseconds and records
 * which were acknowledged. GT06 ACKs name the frame's serial; Teltonika ACKs
 * are record counts, answered in order.
 */
class Streamer {
  readonly sent: number[] = [];
  readonly acked: number[] = [];
  private taken = 0;

  constructor(
    readonly conn: RawTcp,
    private readonly gt06: boolean,
  ) {}

  send(i: number): void {
    const fix = at(i);
    this.sent.push(fix.time.getTime());
    this.conn.write(this.frame(i));
  }

  frame(i: number): Uint8Array {
    const fix = at(i);
    return this.gt06
      ? encodeGt06Position({ ...fix, valid: true, speedKph: 4, courseDeg: 0, satellites: 8 }, i + 2)
      : encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [
          { timestampMs: fix.time.getTime(), priority: 0, lat: fix.lat, lon: fix.lon, altitudeM: 1500, angleDeg: 0, satellites: 8, speedKph: 4, eventIoId: 0, io: [] },
        ]);
  }

  /** Reads the ACK bytes received so far (they stay readable after the connection dies). */
  collect(): void {
    const bytes = this.conn.rest();
    const size = this.gt06 ? 10 : 4;
    for (; this.taken + size <= bytes.length; this.taken += size) {
      if (this.gt06) {
        const serial = (bytes[this.taken + 4] << 8) | bytes[this.taken + 5];
        this.acked.push(at(serial - 2).time.getTime());
      } else {
        expect(Array.from(bytes.subarray(this.taken, this.taken + 4))).toEqual([0, 0, 0, 1]);
        this.acked.push(this.sent[this.acked.length]);
      }
    }
  }
}

async function positions(s: ServerProcess, uniqueId: string): Promise<number[]> {
  const r = (await s.api('GET', `/api/devices/${uniqueId}/positions?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`)) as { positions: { ts: string }[] };
  return r.positions.map((p) => Date.parse(p.ts));
}

async function loggedIn(s: ServerProcess): Promise<[Streamer, Streamer]> {
  const health = (await s.api('GET', '/api/health')) as { listeners: { name: string; transport: string; port: number }[] };
  const port = (name: string) => health.listeners.find((l) => l.name === name && l.transport === 'tcp')!.port;
  const gt06 = await RawTcp.connect(port('gt06'));
  gt06.write(encodeGt06Login(GT06_IMEI, 1));
  await gt06.take(10);
  const teltonika = await RawTcp.connect(port('teltonika'));
  teltonika.write(encodeTeltonikaImei(TELTONIKA_IMEI));
  expect(await teltonika.take(1)).toEqual(Uint8Array.of(1));
  return [new Streamer(gt06, true), new Streamer(teltonika, false)];
}

describe(`tracker listeners in a server killed mid-stream (${kind})`, () => {
  it('never acknowledged a GT06 or Teltonika record it had not stored, and stores the resend once', { timeout: 180_000 }, async () => {
    storage = await createStorage(kind);
    server = await startServerProcess(kind, {}, storage);
    for (const uniqueId of [GT06_IMEI, TELTONIKA_IMEI]) await server.api('POST', '/api/devices', { uniqueId, name: uniqueId });

    const streamers = await loggedIn(server);
    let i = 0;
    const pump = setInterval(() => {
      for (const s of streamers) s.send(i);
      i++;
    }, 4);
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    clearInterval(pump);
    await Promise.all(streamers.map((s) => s.conn.closed));
    for (const s of streamers) s.collect();
    for (const s of streamers) {
      expect(s.acked.length).toBeGreaterThan(0);
      // Killed mid-stream: some reports were still waiting for their commit.
      expect(s.sent.length).toBeGreaterThan(s.acked.length);
    }

    server = await startServerProcess(kind, {}, storage);
    const stored = { gt06: await positions(server, GT06_IMEI), teltonika: await positions(server, TELTONIKA_IMEI) };
    expect(streamers[0].acked.filter((ts) => !stored.gt06.includes(ts))).toEqual([]);
    expect(streamers[1].acked.filter((ts) => !stored.teltonika.includes(ts))).toEqual([]);

    // Each device resends everything it holds unacknowledged, plus the last acknowledged report (a device may not have read its ACK).
    const again = await loggedIn(server);
    for (const [k, s] of again.entries()) {
      const before = streamers[k];
      const from = Math.max(0, before.acked.length - 1);
      for (let n = from; n < before.sent.length; n++) s.send(n);
      const ackSize = k === 0 ? 10 : 4;
      await s.conn.take((before.sent.length - from) * ackSize);
      await s.conn.end();
    }
    const expected = streamers.map((s) => s.sent);
    expect(await positions(server, GT06_IMEI)).toEqual(expected[0]);
    expect(await positions(server, TELTONIKA_IMEI)).toEqual(expected[1]);
  });
});
