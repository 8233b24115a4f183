/**
 * Load generator for bench:ingest, run as its own process: N phones over
 * real MQTT/TCP (a lean MQTT 3.1.1 client, see test/support/lean-mqtt-client.ts)
 * publishing single positions at QoS 1, measuring publish →
 * PUBACK (= commit, since the server acknowledges after commit).
 * argv[2] = JSON LoadSpec, or `@FILE` holding it (thousands of device tokens
 * pass the kernel's limit on one argument, E2BIG).
 *
 * Protocol on stdout, one JSON line each: `connected`, `window` (every
 * windowS), `done` once every publish is acknowledged or failed; the clients
 * then stay connected until a line arrives on stdin, so the parent can read
 * the server's figures for the run before the disconnect storm begins.
 */
import { readFileSync } from 'node:fs';
import { LeanMqttClient } from '../../test/support/lean-mqtt-client.ts';

interface LoadSpec {
  mqttPort: number;
  devices: { uniqueId: string; token: string }[];
  rate: number;
  /** Seconds at the rate before measuring starts (JIT and caches warm up); not counted. */
  warmupS: number;
  durationS: number;
  /** Seconds between progress reports (each also closes the server's event-loop window). */
  windowS: number;
}

const arg = process.argv[2];
const spec = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as LoadSpec;
// A field left out made the schedule NaN: connected, then silently sent nothing.
for (const field of ['mqttPort', 'rate', 'warmupS', 'durationS', 'windowS'] as const) {
  if (!Number.isFinite(spec[field])) throw new Error(`load spec: ${field} must be a number, got ${JSON.stringify(spec[field])}`);
}
const clients: LeanMqttClient[] = [];
for (let i = 0; i < spec.devices.length; i += 50) {
  const batch = spec.devices.slice(i, i + 50).map((d) => new LeanMqttClient(spec.mqttPort, d.uniqueId, d.token));
  await Promise.all(batch.map((c) => c.connect()));
  clients.push(...batch);
}
const topics = spec.devices.map((d) => `ronda/${d.uniqueId}/position`);
const lastTs = new Float64Array(clients.length);
const totalS = spec.warmupS + spec.durationS;
let sent = 0;
let acked = 0;
let failed = 0;
/** Publishes of the measured period (after warm-up). */
const measured = { sent: 0, acked: 0, failed: 0 };
let windowLat: number[] = [];
const allLat: number[] = [];
let cpu0 = process.cpuUsage();
const t0 = performance.now();
const startWall = Date.now();
process.stdout.write(JSON.stringify({ type: 'connected', clients: clients.length }) + '\n');

let next = 0;
let measuring = false;
const TICK_MS = 10;
// The schedule follows the clock, not the ticks: a tick that fires late (the
// machine is busy) sends what the late ticks owed, so the rate asked is the rate sent.
const timer = setInterval(() => {
  const elapsed = (performance.now() - t0) / 1000;
  if (elapsed >= totalS) return;
  if (!measuring && elapsed >= spec.warmupS) {
    measuring = true;
    cpu0 = process.cpuUsage();
    process.stdout.write(JSON.stringify({ type: 'measuring' }) + '\n');
  }
  const n = Math.floor(spec.rate * elapsed) - sent;
  for (let k = 0; k < n; k++) {
    const i = next++ % clients.length;
    // Strictly increasing device time per device, as a real tracker reports.
    const ts = Math.max(Date.now(), lastTs[i] + 1);
    lastTs[i] = ts;
    const lat = 20.6 + (i % 100) * 0.001 + (sent % 50) * 1e-5;
    const lon = -103.4 + Math.floor(i / 100) * 0.001;
    const started = performance.now();
    const counted = measuring;
    sent++;
    if (counted) measured.sent++;
    clients[i].publish(topics[i], `{"ts":${ts},"lat":${lat.toFixed(6)},"lon":${lon.toFixed(6)},"speed":12,"battery":80}`, (err) => {
      if (err) {
        failed++;
        if (counted) measured.failed++;
        return;
      }
      acked++;
      const ms = performance.now() - started;
      windowLat.push(ms);
      if (!counted) return;
      measured.acked++;
      allLat.push(ms);
    });
  }
}, TICK_MS);

const report = setInterval(() => {
  const lat = windowLat.sort((a, b) => a - b);
  windowLat = [];
  process.stdout.write(
    JSON.stringify({ type: 'window', t: Math.round((Date.now() - startWall) / 1000), sent, acked, inflight: sent - acked - failed, p50: pct(lat, 50), p99: pct(lat, 99) }) + '\n',
  );
}, spec.windowS * 1000);

await new Promise((r) => setTimeout(r, totalS * 1000));
clearInterval(timer);
// Let in-flight publishes drain (bounded wait).
const drainStart = Date.now();
while (acked + failed < sent && Date.now() - drainStart < 60_000) await new Promise((r) => setTimeout(r, 100));
clearInterval(report);
const { user, system } = process.cpuUsage(cpu0);
allLat.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    type: 'done',
    ...measured,
    total: { sent, acked, failed },
    unacked: measured.sent - measured.acked - measured.failed,
    seconds: spec.durationS,
    p50: pct(allLat, 50),
    p99: pct(allLat, 99),
    max: allLat[allLat.length - 1] ?? 0,
    cpuUs: user + system,
  }) + '\n',
);
// Every client disconnects at once when the parent says so (or when it goes away).
await new Promise((r) => {
  process.stdin.once('data', r);
  process.stdin.once('end', r);
});
for (const c of clients) c.end();
setTimeout(() => process.exit(0), 500);

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}
