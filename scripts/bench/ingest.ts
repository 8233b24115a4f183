/**
 * bench:ingest — real MQTT clients in a separate process → committed rows,
 * against a real server process, for PostgreSQL and PGlite.
 * Diagnostics: BENCH_CPU_PROF=DIR profiles the server, BENCH_NODE_FLAGS adds Node flags to it
 * (e.g. --trace-gc), BENCH_SERVER_LOG=FILE keeps its stdout.
 *   npm run bench:ingest -- [--db postgres|pglite|both] [--devices 1000] [--rate 10000] [--pglite-rate 3000] [--warmup 10] [--duration 300] [--window 10] [--overload]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startServerProcess } from '../../test/support/server-process.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    devices: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '10000' },
    'pglite-rate': { type: 'string', default: '3000' },
    duration: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '10' },
    overload: { type: 'boolean', default: false },
    window: { type: 'string', default: '10' },
  },
});

const kinds = args.db === 'both' ? (['postgres', 'pglite'] as const) : ([args.db] as ('postgres' | 'pglite')[]);
const devicesN = Number(args.devices);
const durationS = Number(args.duration);
const warmupS = Number(args.warmup);

for (const kind of kinds) {
  const base = kind === 'postgres' ? Number(args.rate) : Number(args['pglite-rate']);
  const rate = args.overload ? base * 2 : base;
  await runOne(kind, rate);
}

async function runOne(kind: 'postgres' | 'pglite', rate: number): Promise<void> {
  console.log(`\n== ${kind}: ${devicesN} devices, ${rate} positions/s target, ${warmupS} s warm-up + ${durationS} s measured, QoS 1 ==`);
  const server = await startServerProcess(kind);
  try {
    // Each device is a collector's, in two teams of different time zones, as in the field: the writer
    // cuts each row's day in its collector's team zone.
    const teams: number[] = [];
    for (const [name, timeZone] of [['Bench Centro', 'America/Mexico_City'], ['Bench Pacífico', 'America/Tijuana']]) {
      teams.push((await server.api('POST', '/api/teams', { name, timeZone })).id);
    }
    const devices: { uniqueId: string; token: string }[] = [];
    for (let i = 0; i < devicesN; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, devicesN - i) }, async (_, k) => {
          const uniqueId = `bench-${i + k}`;
          const collector = await server.api('POST', '/api/collectors', { name: `Cobrador ${i + k}`, teamId: teams[(i + k) % 2] });
          const d = await server.api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId: collector.id });
          return { uniqueId, token: d.token as string };
        }),
      );
      devices.push(...batch);
    }
    const health = () => server.api('GET', '/api/health');
    if (!(await health()).ingest) throw new Error('health has no ingest figures');
    const rss: number[] = [server.rssMb()];
    const loop = { connect: 0, warmup: 0, measured: 0 };
    let phase: keyof typeof loop = 'connect';
    const at = { committedConnected: 0, committedMeasuring: 0, cpuMeasuring: 0 };
    const load = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/ingest-load.ts', JSON.stringify({ mqttPort: server.mqttPort, devices, rate, warmupS, durationS, windowS: Number(args.window) })],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let done: any = null;
    const finished = new Promise<void>((resolve) => {
      let buf = '';
      let chain = Promise.resolve();
      load.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const msg = JSON.parse(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          // Handled one after the other: each health read closes the server's event-loop window of the phase before it.
          chain = chain.then(() => onMessage(msg)).then(() => (msg.type === 'done' ? resolve() : undefined));
        }
      });
    });
    const onMessage = async (msg: any) => {
      const h = await health();
      loop[phase] = Math.max(loop[phase], h.eventLoop.maxMs);
      if (msg.type === 'connected') {
        at.committedConnected = h.ingest.writer.committedRows;
        console.log(`${msg.clients} MQTT clients connected (event-loop max while connecting ${loop.connect.toFixed(1)} ms)`);
        phase = 'warmup';
      } else if (msg.type === 'measuring') {
        at.committedMeasuring = h.ingest.writer.committedRows;
        at.cpuMeasuring = server.cpuMicros();
        console.log(`warm-up over (event-loop max ${loop.warmup.toFixed(1)} ms); measuring`);
        phase = 'measured';
      } else if (msg.type === 'window') {
        rss.push(server.rssMb());
        console.log(
          `t=${String(msg.t).padStart(3)}s sent=${msg.sent} acked=${msg.acked} inflight=${msg.inflight} p50=${msg.p50}ms p99=${msg.p99}ms ` +
            `queued=${h.ingest.writer.queuedRows} loopMax=${h.eventLoop.maxMs.toFixed(1)}ms rss=${Math.round(server.rssMb())}MB`,
        );
      } else if (msg.type === 'done') {
        done = { ...msg, committed: h.ingest.writer.committedRows, cpu: server.cpuMicros() };
      }
    };
    await finished;
    // Now every device disconnects at once: measured on its own, it is not ingest.
    await health();
    load.stdin!.end('go\n');
    await new Promise((r) => load.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    const teardownLoopMs = (await health()).eventLoop.maxMs as number;
    const committedMeasured = done.committed - at.committedMeasuring;
    const committedAll = done.committed - at.committedConnected;
    const per = (micros: number) => (micros / Math.max(1, committedMeasured)).toFixed(1);
    console.log(`\n${kind} result (measured ${durationS} s after ${warmupS} s warm-up):`);
    console.log(`  sustained          ${(done.acked / durationS).toFixed(0)} positions/s acknowledged-after-commit (target ${rate})`);
    // Lost = acknowledged but not in the database. A publish not acknowledged when the run ends is not lost:
    // the device still holds it and resends it (QoS 1).
    console.log(
      `  sent/acked/lost    ${done.total.sent} / ${done.total.acked} / ${Math.max(0, done.total.acked - committedAll)} over warm-up and measured ` +
        `(committed ${committedAll}; unacknowledged when the run ended, still on the devices: ${done.total.sent - done.total.acked - done.total.failed})`,
    );
    console.log(`  publish→commit     p50 ${done.p50} ms, p99 ${done.p99} ms, max ${Math.round(done.max)} ms`);
    console.log(`  server CPU         ${per(done.cpu - at.cpuMeasuring)} µs per position`);
    console.log(`  generator CPU      ${(done.cpuUs / Math.max(1, done.sent)).toFixed(1)} µs per position (load process)`);
    console.log(`  event-loop max     ${loop.measured.toFixed(1)} ms measured (thread serving devices); warm-up ${loop.warmup.toFixed(1)} ms; ${devicesN} devices disconnecting at once ${teardownLoopMs.toFixed(1)} ms`);
    console.log(`  server RSS         ${rss.map((r) => Math.round(r)).join(' → ')} MB`);
  } finally {
    await server.stop();
  }
}
