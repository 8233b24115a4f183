/**
 * bench:deviations (issue 5) — `npm run bench:deviations -- [--plans 500,1000] [--db pglite|postgres|both|none] [--collectors 500] [--duration 30]`
 *
 * 1. Engine throughput: the pure engine on this thread, fed in writer-sized batches (one fix of
 *    every collector per batch, in device-time order) against active plans of 20 visits each, with
 *    street-like route polylines (a vertex every 30 m). Tracks follow their routes with GPS jitter,
 *    dwell at each visit, step 300 m east for 3 minutes (off the corridor unless the route runs
 *    there) and drain their battery, so every rule does real work. Positions per second of wall and of CPU time. Target: ≥ 50,000/s against
 *    1,000 plans on one core.
 * 2. Commit → dashboard latency: a real server in this process (PGlite, or PostgreSQL at
 *    TEST_DATABASE_URL), collectors publishing 1 fix/s over MQTT (QoS 1) from another process
 *    (deviations-load.ts) and crossing their corridor every 10 s, a socket.io client on /live. Each event is matched to the fix that caused it: from
 *    that fix's commit (the writer's commit callback) to the event's arrival on the socket, and
 *    from its publish (which includes ingest and commit). Target: p99 ≤ 1 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { io } from 'socket.io-client';
import { loadConfig } from '../../server/config.ts';
import type { EventOut } from '../../server/contract/event.ts';
import { LIVE_PATH } from '../../server/contract/live.ts';
import { DeviationEngine, type ActivePlan, type EnginePosition, type LonLat } from '../../server/deviations/engine/index.ts';
import type { PositionWrite } from '../../server/ingest/batch-writer.ts';
import { startServer } from '../../server/server.ts';
import { createStorage, percentile } from '../../test/support/server-process.ts';

const { values: args } = parseArgs({
  options: {
    plans: { type: 'string', default: '500,1000' },
    db: { type: 'string', default: 'both' },
    collectors: { type: 'string', default: '500' },
    duration: { type: 'string', default: '30' },
  },
});

const CENTER = { lat: 20.6767, lon: -103.3475 };
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((CENTER.lat * Math.PI) / 180);
const T0 = Date.UTC(2026, 10, 24, 14, 0, 0);
const FIX_S = 10;
const FIXES = 700;

/** A deterministic generator, so every run evaluates the same day. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const toLonLat = (x: number, y: number): LonLat => [CENTER.lon + x / M_LON, CENTER.lat + y / M_LAT];

/** Office → 20 visits (nearest first) → office, each leg east-west then north-south like a street grid, a vertex every 30 m. */
function syntheticDay(collectorId: number, rnd: () => number): { plan: ActivePlan; track: EnginePosition[] } {
  const cx = (rnd() - 0.5) * 16_000;
  const cy = (rnd() - 0.5) * 16_000;
  let left = Array.from({ length: 20 }, () => [cx + (rnd() - 0.5) * 4000, cy + (rnd() - 0.5) * 4000] as [number, number]);
  const stops: [number, number][] = [];
  let at: [number, number] = [0, 0];
  while (left.length > 0) {
    left.sort((a, b) => Math.hypot(a[0] - at[0], a[1] - at[1]) - Math.hypot(b[0] - at[0], b[1] - at[1]));
    at = left[0];
    stops.push(at);
    left = left.slice(1);
  }
  const path: [number, number][] = [[0, 0]];
  const stopVertex: number[] = [];
  for (const [x, y] of [...stops, [0, 0] as [number, number]]) {
    const [px, py] = path[path.length - 1];
    for (const [fx, fy, tx, ty] of [[px, py, x, py], [x, py, x, y]]) {
      const n = Math.max(1, Math.ceil(Math.hypot(tx - fx, ty - fy) / 30));
      for (let k = 1; k <= n; k++) path.push([fx + ((tx - fx) * k) / n, fy + ((ty - fy) * k) / n]);
    }
    stopVertex.push(path.length - 1);
  }
  const plan: ActivePlan = {
    collectorId,
    teamId: 1,
    shift: { startMs: T0 - 3_600_000, endMs: T0 + 10 * 3_600_000 },
    route: path.map(([x, y]) => toLonLat(x, y)),
    visits: stops.map(([x, y], i) => {
      const [lon, lat] = toLonLat(x, y);
      return { visitId: collectorId * 100 + i, seq: i + 1, lat, lon, status: 'assigned' };
    }),
  };
  // 6 m/s along the path (60 m a fix), 8 fixes at each visit, one 3-minute excursion 300 m east.
  const track: EnginePosition[] = [];
  const excursionAt = 100 + Math.floor(rnd() * 300);
  let vertex = 0;
  let dwell = 0;
  let nextStop = 0;
  for (let i = 0; i < FIXES; i++) {
    if (dwell > 0) dwell--;
    else if (vertex < path.length - 1) {
      vertex = Math.min(path.length - 1, vertex + 2);
      if (nextStop < stopVertex.length && vertex >= stopVertex[nextStop]) {
        vertex = stopVertex[nextStop++];
        dwell = 8;
      }
    }
    const side = i >= excursionAt && i < excursionAt + 18 ? 300 : 0;
    const [x, y] = path[vertex];
    const [lon, lat] = toLonLat(x + (rnd() - 0.5) * 20 + side, y + (rnd() - 0.5) * 20);
    track.push({ collectorId, deviceId: collectorId, tsMs: T0 + i * FIX_S * 1000 + collectorId, lat, lon, speedKph: dwell > 0 ? 0 : 21.6, batteryPct: Math.max(5, 100 - i * 0.14) });
  }
  return { plan, track };
}

function engineThroughput(plans: number): void {
  const rnd = random(plans);
  const days = Array.from({ length: plans }, (_, i) => syntheticDay(i + 1, rnd));
  const engine = new DeviationEngine();
  for (const d of days) engine.setPlan(d.plan);
  const vertices = days.reduce((s, d) => s + d.plan.route.length, 0) / plans;
  const batches = Array.from({ length: FIXES }, (_, i) => days.map((d) => d.track[i]));
  const byType = new Map<string, number>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const batch of batches) {
    for (const tr of engine.ingest(batch)) if (tr.kind === 'open') byType.set(tr.event.type, (byType.get(tr.event.type) ?? 0) + 1);
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const n = plans * FIXES;
  const events = [...byType.entries()].sort((a, b) => b[1] - a[1]).map(([t, c]) => `${t} ${c}`).join(', ');
  console.log(
    `| ${plans} | 20 | ${Math.round(vertices)} | ${n.toLocaleString('en')} | ${wallS.toFixed(2)} | ${Math.round(n / wallS).toLocaleString('en')} | ${Math.round(n / cpuS).toLocaleString('en')} | ${((wallS / n) * 1e6).toFixed(1)} | ${events} |`,
  );
}

async function latency(kind: 'pglite' | 'postgres', collectors: number, durationS: number): Promise<void> {
  const storage = await createStorage(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'ronda-bench-dev-'));
  const admin = { email: 'bench@ronda.local', password: 'bench-password' };
  const config = loadConfig({
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
    DATA_DIR: storage.databaseUrl ? dataDir : storage.dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    MQTT_PORT: '0',
    GT06_PORT: '0',
    TELTONIKA_PORT: '0',
    H02_PORT: '0',
    OSMAND_PORT: '0',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    LOG_LEVEL: 'silent',
    // The tracks step 150 m across the corridor between two fixes 1 s apart: not a GPS error here.
    FILTER_MAX_SPEED_KPH: '0',
  });
  const server = await startServer(config, { logger: pino({ level: 'silent' }) });
  const base = `http://127.0.0.1:${server.ports.http}`;
  let token = '';
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  try {
    token = (await api('POST', '/api/auth/login', admin)).token;
    const teamId = (await api('POST', '/api/teams', { name: 'Bench' })).id as number;
    // Every crossing of the corridor is an event at once: the figure is the pipeline's delay, not the rule's debounce.
    await api('PATCH', `/api/teams/${teamId}/deviation-rules`, { offRoute: { openAfterS: 0, closeAfterS: 0 } });
    const phones: { collectorId: number; uniqueId: string; token: string; y: number }[] = [];
    for (let i = 0; i < collectors; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, collectors - i) }, async (_, k) => {
          const collectorId = (await api('POST', '/api/collectors', { name: `Cobrador ${i + k}`, teamId })).id as number;
          const uniqueId = `bench-dev-${i + k}`;
          const device = await api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId });
          return { collectorId, uniqueId, token: device.token as string, y: (i + k) * 500 };
        }),
      );
      phones.push(...batch);
    }
    // A straight street per collector, 500 m apart, with one visit at its far end (the tracks:
    // deviations-load.ts).
    const now = Date.now();
    for (const p of phones) {
      const [lon, lat] = toLonLat(5000, p.y);
      server.deviations.setPlan({
        collectorId: p.collectorId,
        teamId,
        // The shift starts now: an earlier start would have every collector "offline" since then.
        shift: { startMs: now, endMs: now + 3_600_000 },
        route: [toLonLat(-5000, p.y), toLonLat(5000, p.y)],
        visits: [{ visitId: 1_000_000 + p.collectorId, seq: 1, lat, lon, status: 'assigned' }],
      });
    }
    const committedAt = new Map<string, number>();
    const live = server.live;
    const forward = live.onPositionsCommitted.bind(live);
    live.onPositionsCommitted = (rows: PositionWrite[]) => {
      const at = performance.now();
      for (const r of rows) if (r.collectorId !== null) committedAt.set(`${r.collectorId}:${r.deviceTimeMs}`, at);
      forward(rows);
    };
    const socket = io(base, { path: LIVE_PATH, auth: { token }, transports: ['websocket'] });
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    const arrivals: { key: string; perf: number; wall: number }[] = [];
    socket.on('event', (e: EventOut) => {
      arrivals.push({ key: `${e.collectorId}:${Date.parse(e.closedAt ?? e.openedAt)}`, perf: performance.now(), wall: Date.now() });
    });

    const specFile = join(dataDir, 'load.json');
    writeFileSync(specFile, JSON.stringify({ mqttPort: server.ports.mqtt, phones, durationS }));
    const publishedAt = new Map<string, number>();
    let failed = 0;
    const cpu0 = process.cpuUsage();
    const started = Date.now();
    const load = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/deviations-load.ts', `@${specFile}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: load.stdout! });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { type: 'edge'; collectorId: number; ts: number; publishedAt: number } | { type: 'done'; failed: number };
      if (msg.type === 'edge') publishedAt.set(`${msg.collectorId}:${msg.ts}`, msg.publishedAt);
      else failed = msg.failed;
    });
    await new Promise((r) => load.once('exit', r));
    // Every fix acknowledged (so committed and evaluated), every event stored, then a second for the sockets.
    await server.deviations.flushed();
    await new Promise((r) => setTimeout(r, 1000));
    const cpu = process.cpuUsage(cpu0);
    const elapsedS = (Date.now() - started) / 1000;
    const fromCommit: number[] = [];
    const fromPublish: number[] = [];
    let unmatched = 0;
    for (const a of arrivals) {
      const c = committedAt.get(a.key);
      const p = publishedAt.get(a.key);
      if (c === undefined || p === undefined) unmatched++;
      else {
        fromCommit.push(a.perf - c);
        fromPublish.push(a.wall - p);
      }
    }
    const sorted = (a: number[]) => Float64Array.from(a).sort();
    const c = sorted(fromCommit);
    const pub = sorted(fromPublish);
    const ms = (x: number) => x.toFixed(0);
    console.log(
      `| ${kind} | ${collectors} | ${c.length} / ${publishedAt.size} | ${ms(percentile(c, 50))} / ${ms(percentile(c, 99))} / ${ms(c[c.length - 1])} | ${ms(percentile(pub, 50))} / ${ms(percentile(pub, 99))} / ${ms(pub[pub.length - 1])} | ${unmatched} / ${failed} | ${(((cpu.user + cpu.system) / 1e6 / elapsedS) * 100).toFixed(0)} % |`,
    );
    socket.close();
  } finally {
    await server.close();
    await storage.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`\n== Engine throughput: one thread, ${FIXES} fixes a collector every ${FIX_S} s, batches of one fix per collector ==\n`);
console.log('| active plans | visits a plan | route vertices (mean) | positions | wall s | positions/s (wall) | positions/s (CPU) | µs a position | events opened |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const n of args.plans.split(',').map(Number)) engineThroughput(n);

const collectors = Number(args.collectors);
const durationS = Number(args.duration);
const kinds = args.db === 'none' ? [] : args.db === 'both' ? (['pglite', 'postgres'] as const) : ([args.db] as ('pglite' | 'postgres')[]);
if (kinds.length > 0) console.log(`\n== Commit → dashboard: ${collectors} collectors at 1 fix/s over MQTT QoS 1 for ${durationS} s, each crossing its corridor every 10 s ==\n`);
if (kinds.length > 0) console.log('| database | collectors (= active plans) | events received / expected | commit → socket ms p50 / p99 / max | publish → socket ms p50 / p99 / max | events unmatched / publishes failed | server process CPU |');
if (kinds.length > 0) console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const kind of kinds) await latency(kind, collectors, durationS);
process.exit(0);
