/**
 * Load generator for bench:ingest, run as its own process: N phones over
 * real MQTT/TCP (a lean MQTT 3.1.1 client, see lean-mqtt-client.ts)
 * publishing single positions at QoS 1, measuring publish →
 * PUBACK (= commit, since the server acknowledges after commit).
 * argv[2] = JSON { mqttPort, devices: [{uniqueId, token}], rate, durationS }, or `@FILE` holding
 * it (thousands of device tokens pass the kernel's limit on one argument, E2BIG).
 */
import { readFileSync } from 'node:fs';
import { LeanMqttClient } from './lean-mqtt-client.ts';

interface LoadSpec {
  mqttPort: number;
  devices: { uniqueId: string; token: string }[];
  rate: number;
  durationS: number;
}

const arg = process.argv[2];
const spec = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as LoadSpec;
const clients: LeanMqttClient[] = [];
for (let i = 0; i < spec.devices.length; i += 50) {
  const batch = spec.devices.slice(i, i + 50).map((d) => new LeanMqttClient(spec.mqttPort, d.uniqueId, d.token));
  await Promise.all(batch.map((c) => c.connect()));
  clients.push(...batch);
}
const topics = spec.devices.map((d) => `ronda/${d.uniqueId}/position`);
const lastTs = new Float64Array(clients.length);
let sent = 0;
let acked = 0;
let failed = 0;
let windowLat: number[] = [];
const allLat: number[] = [];
const t0 = performance.now();
const startWall = Date.now();
process.stdout.write(JSON.stringify({ type: 'connected', clients: clients.length }) + '\n');

let next = 0;
let carry = 0;
const TICK_MS = 10;
const timer = setInterval(() => {
  const elapsed = (performance.now() - t0) / 1000;
  if (elapsed >= spec.durationS) return;
  carry += (spec.rate * TICK_MS) / 1000;
  const n = Math.floor(carry);
  carry -= n;
  for (let k = 0; k < n; k++) {
    const i = next++ % clients.length;
    // Strictly increasing device time per device, as a real tracker reports.
    const ts = Math.max(Date.now(), lastTs[i] + 1);
    lastTs[i] = ts;
    const lat = 20.6 + (i % 100) * 0.001 + (sent % 50) * 1e-5;
    const lon = -103.4 + Math.floor(i / 100) * 0.001;
    const started = performance.now();
    sent++;
    clients[i].publish(topics[i], `{"ts":${ts},"lat":${lat.toFixed(6)},"lon":${lon.toFixed(6)},"speed":12,"battery":80}`, (err) => {
      if (err) {
        failed++;
        return;
      }
      acked++;
      const ms = performance.now() - started;
      windowLat.push(ms);
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
}, 10_000);

await new Promise((r) => setTimeout(r, spec.durationS * 1000));
clearInterval(timer);
// Let in-flight publishes drain (bounded wait).
const drainStart = Date.now();
while (acked + failed < sent && Date.now() - drainStart < 60_000) await new Promise((r) => setTimeout(r, 100));
clearInterval(report);
allLat.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({ type: 'done', sent, acked, failed, unacked: sent - acked - failed, seconds: spec.durationS, p50: pct(allLat, 50), p99: pct(allLat, 99), max: allLat[allLat.length - 1] ?? 0 }) + '\n',
);
for (const c of clients) c.end();
process.exit(0);

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}
