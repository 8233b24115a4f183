/**
 * bench:ingest — real MQTT clients in a separate process → committed rows,
 * against a real server process, for PostgreSQL and PGlite.
 *   npm run bench:ingest -- [--db postgres|pglite|both] [--devices 1000] [--rate 10000] [--pglite-rate 3000] [--duration 300] [--overload]
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
    overload: { type: 'boolean', default: false },
  },
});

const kinds = args.db === 'both' ? (['postgres', 'pglite'] as const) : ([args.db] as ('postgres' | 'pglite')[]);
const devicesN = Number(args.devices);
const durationS = Number(args.duration);

for (const kind of kinds) {
  const base = kind === 'postgres' ? Number(args.rate) : Number(args['pglite-rate']);
  const rate = args.overload ? base * 2 : base;
  await runOne(kind, rate);
}

async function runOne(kind: 'postgres' | 'pglite', rate: number): Promise<void> {
  console.log(`\n== ${kind}: ${devicesN} devices, ${rate} positions/s target, ${durationS} s, QoS 1 ==`);
  const server = await startServerProcess(kind);
  try {
    const devices: { uniqueId: string; token: string }[] = [];
    for (let i = 0; i < devicesN; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, devicesN - i) }, (_, k) => {
          const uniqueId = `bench-${i + k}`;
          return server.api('POST', '/api/devices', { uniqueId, name: uniqueId }).then((d: { token: string }) => ({ uniqueId, token: d.token }));
        }),
      );
      devices.push(...batch);
    }
    await server.api('GET', '/api/health'); // resets the event-loop window
    const cpu0 = server.cpuMicros();
    const rss: number[] = [server.rssMb()];
    let maxLoopMs = 0;
    const h0 = await server.api('GET', '/api/health');
    if (!h0.ingest) throw new Error(`health: ${JSON.stringify(h0)}`);
    let committedAtStart = h0.ingest.writer.committedRows as number;
    const load = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/ingest-load.ts', JSON.stringify({ mqttPort: server.mqttPort, devices, rate, durationS })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let done: any = null;
    let buf = '';
    load.stdout!.on('data', async (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line);
        if (msg.type === 'window') {
          const h = await server.api('GET', '/api/health');
          maxLoopMs = Math.max(maxLoopMs, h.eventLoop.maxMs);
          rss.push(server.rssMb());
          console.log(
            `t=${String(msg.t).padStart(3)}s sent=${msg.sent} acked=${msg.acked} inflight=${msg.inflight} p50=${msg.p50}ms p99=${msg.p99}ms ` +
              `queued=${h.ingest.writer.queuedRows} loopMax=${h.eventLoop.maxMs.toFixed(1)}ms rss=${Math.round(server.rssMb())}MB`,
          );
        } else if (msg.type === 'done') done = msg;
        else if (msg.type === 'connected') {
          committedAtStart = (await server.api('GET', '/api/health')).ingest.writer.committedRows;
          console.log(`${msg.clients} MQTT clients connected`);
        }
      }
    });
    await new Promise((r) => load.once('exit', r));
    const cpu = server.cpuMicros() - cpu0;
    const h = await server.api('GET', '/api/health');
    maxLoopMs = Math.max(maxLoopMs, h.eventLoop.maxMs);
    const committed = h.ingest.writer.committedRows - committedAtStart;
    console.log(`\n${kind} result:`);
    console.log(`  sustained          ${(done.acked / durationS).toFixed(0)} positions/s acknowledged-after-commit (target ${rate})`);
    console.log(`  sent/acked/lost    ${done.sent} / ${done.acked} / ${done.sent - committed > 0 ? done.sent - committed : 0} (committed ${committed}; acked but not committed: ${Math.max(0, done.acked - committed)})`);
    console.log(`  publish→commit     p50 ${done.p50} ms, p99 ${done.p99} ms, max ${Math.round(done.max)} ms`);
    console.log(`  server CPU         ${(cpu / Math.max(1, committed)).toFixed(1)} µs per position`);
    console.log(`  event-loop max     ${maxLoopMs.toFixed(1)} ms (thread serving devices)`);
    console.log(`  server RSS         ${rss.map((r) => Math.round(r)).join(' → ')} MB`);
  } finally {
    await server.stop();
  }
}
