/**
 * Load generator for bench:deviations' latency run, in its own process so the server under test
 * keeps the CPU it would have in production. Each phone publishes 1 fix/s at QoS 1 along its
 * street and steps 150 m north of it (out of the 100 m corridor) every other 10 s, phases
 * staggered. Prints JSON lines: `edge` for every fix that crosses the corridor (the fixes that
 * cause events) with its publish time, then `done` once every publish is acknowledged.
 * argv[2] = `@FILE` holding { mqttPort, phones: [{ collectorId, uniqueId, token, y }], durationS }.
 */
import { readFileSync } from 'node:fs';
import { LeanMqttClient } from '../../test/support/lean-mqtt-client.ts';

interface LoadSpec {
  mqttPort: number;
  phones: { collectorId: number; uniqueId: string; token: string; y: number }[];
  durationS: number;
}

const CENTER = { lat: 20.6767, lon: -103.3475 };
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((CENTER.lat * Math.PI) / 180);
const out = (msg: object) => process.stdout.write(JSON.stringify(msg) + '\n');

const spec = JSON.parse(readFileSync(process.argv[2].slice(1), 'utf8')) as LoadSpec;
const clients = spec.phones.map((p) => new LeanMqttClient(spec.mqttPort, p.uniqueId, p.token));
for (let i = 0; i < clients.length; i += 50) await Promise.all(clients.slice(i, i + 50).map((c) => c.connect()));

let outstanding = 0;
let failed = 0;
const offAt = (s: number, i: number) => s >= 0 && Math.floor((s + i) / 10) % 2 === 1;
const start = Date.now() + 500;
for (let s = 0; s < spec.durationS; s++) {
  const tick = start + s * 1000;
  await new Promise((r) => setTimeout(r, Math.max(0, tick - Date.now())));
  spec.phones.forEach((p, i) => {
    // Spread over the second.
    const ts = tick + Math.floor((i / spec.phones.length) * 1000);
    const off = offAt(s, i);
    const lat = CENTER.lat + (p.y + (off ? 150 : 0)) / M_LAT;
    const lon = CENTER.lon + (-4000 + s * 20) / M_LON;
    setTimeout(() => {
      if (off !== offAt(s - 1, i)) out({ type: 'edge', collectorId: p.collectorId, ts, publishedAt: Date.now() });
      outstanding++;
      clients[i].publish(`ronda/${p.uniqueId}/position`, JSON.stringify({ ts, lat, lon }), (err) => {
        outstanding--;
        if (err) failed++;
      });
    }, Math.max(0, ts - Date.now()));
  });
}
await new Promise((r) => setTimeout(r, 1000));
while (outstanding > 0) await new Promise((r) => setTimeout(r, 50));
out({ type: 'done', failed });
for (const c of clients) c.end();
process.exit(0);
