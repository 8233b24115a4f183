/**
 * bench:trackers — N concurrent tracker TCP connections (half GT06, half
 * Teltonika Codec 8) from a separate load process against a real server
 * process; every record is checked: sent → committed → acknowledged.
 *   npm run bench:trackers -- [--connections 10000] [--interval-s 10] [--duration-s 300] [--db postgres|pglite]
 * Prints records sent/committed/acknowledged, committed positions per second,
 * ACK latency p50/p99, the server's CPU time per position, its event-loop
 * delay (from /api/health), its RSS (VmRSS) at start/middle/end and lost records.
 * The same file is the load process when started with `--load <json>`.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { encodeGt06Login, encodeGt06Position, encodeTeltonikaImei, encodeTeltonikaTcpPacket, TELTONIKA_CODEC } from '../../device-protocols/index.ts';
import { percentile, startServerProcess } from '../../test/support/server-process.ts';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    'interval-s': { type: 'string', default: '10' },
    'duration-s': { type: 'string', default: '300' },
    db: { type: 'string', default: 'postgres' },
    load: { type: 'string' },
  },
});

interface LoadPlan {
  host: string;
  gt06Port: number;
  teltonikaPort: number;
  /** IMEIs are firstImei, firstImei + 1, …: a list of 10,000 would not fit in one command-line argument. */
  firstImei: number;
  count: number;
  intervalMs: number;
  durationMs: number;
}

type Report =
  | { type: 'connected'; connections: number; failed: number; ms: number }
  | { type: 'window'; t: number; sent: number; acked: number; p50: number; p99: number; open: number }
  | { type: 'done'; sent: number; acked: number; p50: number; p99: number; max: number; closedByServer: number };

if (args.load) await runLoad(JSON.parse(args.load) as LoadPlan);
else await runBench();

async function runBench(): Promise<void> {
  const n = Number(args.connections);
  const intervalMs = Number(args['interval-s']) * 1000;
  const durationMs = Number(args['duration-s']) * 1000;
  const kind = args.db === 'pglite' ? 'pglite' : 'postgres';
  console.log(`== bench:trackers: ${n} connections (GT06 + Teltonika), one record per ${intervalMs / 1000} s each, ${durationMs / 1000} s, ${kind} ==`);
  const server = await startServerProcess(kind);
  try {
    const health = await server.api('GET', '/api/health');
    const port = (name: string) => (health.listeners as { name: string; transport: string; port: number }[]).find((l) => l.name === name && l.transport === 'tcp')!.port;
    const firstImei = 350_000_000_000_000;
    const imeis = Array.from({ length: n }, (_, i) => String(firstImei + i));
    const t0 = Date.now();
    await registerDevices(imeis, server);
    console.log(`${n} devices registered in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const rss = { start: server.rssMb(), samples: [] as number[] };
    // Measured from the moment every connection is logged in: the reporting phase only.
    const steady = { cpuStartUs: 0, startMs: 0, cpuUs: 0, ms: 0 };
    const loop = { p99: [] as number[], maxMs: 0 };
    const sampleLoop = async () => {
      const h = (await server.api('GET', '/api/health')) as { eventLoop: { p99Ms: number; maxMs: number } };
      loop.p99.push(h.eventLoop.p99Ms);
      loop.maxMs = Math.max(loop.maxMs, h.eventLoop.maxMs);
      return h.eventLoop;
    };
    const loopSamples: Promise<unknown>[] = [];
    const plan: LoadPlan = { host: '127.0.0.1', gt06Port: port('gt06'), teltonikaPort: port('teltonika'), firstImei, count: n, intervalMs, durationMs };
    // Its own process, with as many descriptors as the hard limit allows (one per connection).
    const load = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)"; exec "$0" --import tsx scripts/bench/trackers.ts --load "$1"', process.execPath, JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let done: Extract<Report, { type: 'done' }> | null = null;
    let buf = '';
    load.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl)) as Report;
        buf = buf.slice(nl + 1);
        if (msg.type === 'connected') {
          rss.start = server.rssMb();
          steady.cpuStartUs = server.cpuMicros();
          steady.startMs = performance.now();
          loopSamples.push(server.api('GET', '/api/health')); // opens the server's event-loop window
          console.log(`${msg.connections} connections logged in (${msg.failed} failed) in ${(msg.ms / 1000).toFixed(1)} s; server RSS ${Math.round(rss.start)} MB`);
        } else if (msg.type === 'window') {
          rss.samples.push(server.rssMb());
          const w = msg;
          loopSamples.push(
            sampleLoop().then((l) =>
              console.log(
                `t=${String(w.t).padStart(4)}s open=${w.open} sent=${w.sent} acked=${w.acked} ack p50=${w.p50.toFixed(1)}ms p99=${w.p99.toFixed(1)}ms ` +
                  `loop p99=${l.p99Ms.toFixed(1)}ms max=${l.maxMs.toFixed(1)}ms rss=${Math.round(server.rssMb())}MB`,
              ),
            ),
          );
        } else {
          done = msg;
          steady.cpuUs = server.cpuMicros() - steady.cpuStartUs;
          steady.ms = performance.now() - steady.startMs;
        }
      }
    });
    await new Promise((r) => load.once('exit', r));
    await Promise.all(loopSamples);
    if (!done) throw new Error('load process ended without a report');
    const seconds = steady.ms / 1000;
    const result: Extract<Report, { type: 'done' }> = done;

    const committed = await committedRows(server.databaseUrl, server);
    const end = server.rssMb();
    const middle = rss.samples.length > 0 ? rss.samples[Math.floor(rss.samples.length / 2)] : end;
    console.log('\n== result ==');
    console.log(`records sent          ${result.sent}`);
    console.log(`records committed     ${committed}`);
    console.log(`records acknowledged  ${result.acked}`);
    console.log(`positions/s           ${(committed / seconds).toFixed(0)} committed over ${seconds.toFixed(0)} s of reporting`);
    console.log(`ACK latency           p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
    console.log(`server CPU            ${((steady.cpuUs / 1e6 / seconds) * 100).toFixed(0)}% of one core, ${(steady.cpuUs / Math.max(1, committed)).toFixed(0)} µs per position`);
    const sortedLoop = Float64Array.from(loop.p99).sort();
    console.log(`server event loop     delay p99 per window: median ${percentile(sortedLoop, 50).toFixed(1)} ms, worst ${percentile(sortedLoop, 100).toFixed(1)} ms; max ${loop.maxMs.toFixed(1)} ms`);
    console.log(`server RSS            start ${Math.round(rss.start)} MB, middle ${Math.round(middle)} MB, end ${Math.round(end)} MB, max ${Math.round(Math.max(rss.start, end, ...rss.samples))} MB`);
    console.log(`lost records          ${result.sent - committed} (sent, not committed); acknowledged but not committed ${Math.max(0, result.acked - committed)}`);
    console.log(`connections closed by the server: ${result.closedByServer}`);
    const ok = committed === result.sent && result.acked === result.sent && result.p99 <= 500 && Math.max(end, ...rss.samples) <= 1536;
    console.log(ok ? 'targets met' : 'TARGETS MISSED (every record committed and acknowledged, p99 ≤ 500 ms, RSS ≤ 1.5 GB)');
  } finally {
    await server.stop();
  }
}

/**
 * Straight into the devices table on PostgreSQL: through the API each
 * registration also refreshes the live directory, and 10,000 of them would
 * take minutes before the measured part starts. The server reads a device
 * it has not cached from the table on its first frame. On PGlite (the
 * server's own in-process database) through the API.
 */
async function registerDevices(imeis: string[], server: { databaseUrl: string | null; api(m: string, p: string, b?: unknown): Promise<any> }): Promise<void> {
  if (!server.databaseUrl) {
    for (let i = 0; i < imeis.length; i += 50) await Promise.all(imeis.slice(i, i + 50).map((uniqueId) => server.api('POST', '/api/devices', { uniqueId, name: uniqueId })));
    return;
  }
  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  await c.query(`insert into devices (unique_id, name, token_hash) select u, u, md5(u) from unnest($1::text[]) as u`, [imeis]);
  await c.end();
}

/** Counted in the database itself on PostgreSQL; on PGlite (one session, owned by the server) from the writer's own count. */
async function committedRows(databaseUrl: string | null, server: { api(m: string, p: string): Promise<any> }): Promise<number> {
  if (!databaseUrl) return (await server.api('GET', '/api/health')).ingest.writer.committedRows as number;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const r = await c.query<{ n: number }>('select count(*)::int as n from positions');
  await c.end();
  return r.rows[0].n;
}

/* ---- load process ---- */

interface Device {
  imei: string;
  gt06: boolean;
  socket: net.Socket;
  /** Bytes of the current ACK not yet received. */
  partial: number;
  loggedIn: boolean;
  serial: number;
  /** Send times of records awaiting their ACK, oldest first: both protocols acknowledge in order. */
  inFlight: number[];
  step: number;
}

async function runLoad(plan: LoadPlan): Promise<void> {
  const emit = (r: Report) => process.stdout.write(`${JSON.stringify(r)}\n`);
  const windowLat: number[] = [];
  const allLat: number[] = [];
  let sent = 0;
  let acked = 0;
  let open = 0;
  let closedByServer = 0;
  let stopping = false;

  function onAck(d: Device): void {
    const at = d.inFlight.shift();
    if (at === undefined) return;
    const ms = performance.now() - at;
    windowLat.push(ms);
    allLat.push(ms);
    acked++;
  }

  function connect(imei: string, gt06: boolean): Promise<Device | null> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: plan.host, port: gt06 ? plan.gt06Port : plan.teltonikaPort });
      const d: Device = { imei, gt06, socket, partial: 0, loggedIn: false, serial: 1, inFlight: [], step: 0 };
      const ackSize = gt06 ? 10 : 4;
      socket.setNoDelay(true);
      socket.on('connect', () => {
        open++;
        socket.write(gt06 ? encodeGt06Login(imei, d.serial) : encodeTeltonikaImei(imei));
      });
      socket.on('data', (chunk: Buffer) => {
        let bytes = chunk.length;
        if (!d.loggedIn) {
          // GT06 login ACK is 10 bytes, Teltonika's acceptance one byte (0x01).
          const hello = gt06 ? 10 : 1;
          d.partial += Math.min(bytes, hello - d.partial);
          bytes -= Math.min(bytes, hello);
          if (d.partial < hello) return;
          d.partial = 0;
          d.loggedIn = true;
          resolve(d);
        }
        while (bytes > 0) {
          const take = Math.min(bytes, ackSize - d.partial);
          d.partial += take;
          bytes -= take;
          if (d.partial === ackSize) {
            d.partial = 0;
            onAck(d);
          }
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (d.loggedIn) open--;
        if (!stopping) closedByServer++;
        resolve(null);
      });
    });
  }

  // Connections ramp up in batches, as a fleet comes online; the listen backlog would drop a 10,000-SYN burst.
  const t0 = performance.now();
  const devices: Device[] = [];
  let failed = 0;
  const imeis = Array.from({ length: plan.count }, (_, i) => String(plan.firstImei + i));
  for (let i = 0; i < imeis.length; i += 250) {
    const batch = await Promise.all(imeis.slice(i, i + 250).map((imei, k) => connect(imei, (i + k) % 2 === 0)));
    for (const d of batch) d ? devices.push(d) : failed++;
  }
  emit({ type: 'connected', connections: devices.length, failed, ms: performance.now() - t0 });

  function report(d: Device): void {
    if (d.socket.destroyed) return;
    d.step++;
    d.serial = (d.serial + 1) & 0xffff;
    const i = Number(d.imei.slice(-5));
    // A slow walk per device: never a duplicate, never an implied jump the speed filter would refuse.
    const lat = 20.6 + (i % 100) * 0.001 + d.step * 0.00001;
    const lon = -103.4 + Math.floor(i / 100) * 0.001 + d.step * 0.00001;
    const time = new Date(Date.now());
    const frame = d.gt06
      ? encodeGt06Position({ time, lat, lon, valid: true, speedKph: 12, courseDeg: 45, satellites: 8 }, d.serial)
      : encodeTeltonikaTcpPacket(TELTONIKA_CODEC.codec8, [
          { timestampMs: time.getTime(), priority: 0, lat, lon, altitudeM: 1550, angleDeg: 45, satellites: 8, speedKph: 12, eventIoId: 0, io: [{ id: 113, size: 1, value: 80 }] },
        ]);
    d.inFlight.push(performance.now());
    sent++;
    d.socket.write(frame);
  }

  const timers: NodeJS.Timeout[] = [];
  const started = performance.now();
  for (const d of devices) {
    // Devices report at staggered phases across the interval, as a real fleet does.
    const phase = Math.random() * plan.intervalMs;
    timers.push(
      setTimeout(() => {
        report(d);
        timers.push(setInterval(() => report(d), plan.intervalMs));
      }, phase),
    );
  }
  const windowMs = Math.min(10_000, plan.durationMs);
  const windows = setInterval(() => {
    const sorted = Float64Array.from(windowLat).sort();
    windowLat.length = 0;
    emit({ type: 'window', t: Math.round((performance.now() - started) / 1000), sent, acked, p50: percentile(sorted, 50), p99: percentile(sorted, 99), open });
  }, windowMs);

  await new Promise((r) => setTimeout(r, plan.durationMs));
  for (const t of timers) clearTimeout(t);
  // Everything sent gets its chance to be acknowledged before the count.
  const drainUntil = performance.now() + 30_000;
  while (acked < sent && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
  clearInterval(windows);
  stopping = true;
  for (const d of devices) d.socket.destroy();
  const sorted = Float64Array.from(allLat).sort();
  emit({ type: 'done', sent, acked, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN, closedByServer });
}
