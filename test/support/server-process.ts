import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  httpPort: number;
  mqttPort: number;
  baseUrl: string;
  token: string;
  databaseUrl: string | null;
  api(method: string, path: string, body?: unknown): Promise<any>;
  /** User + system CPU time of the server process so far, in microseconds (from /proc). */
  cpuMicros(): number;
  rssMb(): number;
  /** SIGTERM = orderly shutdown; SIGKILL = a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ADMIN = { email: 'bench@ronda.local', password: 'bench-password' };

export interface Storage {
  dataDir: string;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

/** Fresh storage: a new database on PostgreSQL, or a new PGlite directory. */
export async function createStorage(kind: 'postgres' | 'pglite', baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'): Promise<Storage> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ronda-proc-'));
  if (kind === 'pglite') return { dataDir, databaseUrl: null, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const dbName = `ronda_p_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  await c.query(`create database ${dbName}`);
  await c.end();
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  return {
    dataDir,
    databaseUrl: u.toString(),
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const a = new pg.Client({ connectionString: baseUrl });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`);
      await a.end();
    },
  };
}

/**
 * A real Ronda server in its own process (as in production), on free ports.
 * Pass `storage` to restart on the same data; otherwise it gets fresh storage
 * that `stop()` removes.
 */
export async function startServerProcess(kind: 'postgres' | 'pglite', env: Record<string, string> = {}, storage?: Storage): Promise<ServerProcess> {
  const owned = !storage;
  const store = storage ?? (await createStorage(kind));
  const { dataDir, databaseUrl } = store;
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // After ours, so a diagnostic run can also override them.
  const extra = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  // Same flags as scripts/launch.mjs (npm start), so benches measure what production runs.
  const child = spawn(process.execPath, [...profile, '--max-semi-space-size=32', ...extra, '--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DEMO_COLLECTORS: '0',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      MQTT_PORT: '0',
      GT06_PORT: '0',
      TELTONIKA_PORT: '0',
      H02_PORT: '0',
      OSMAND_PORT: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = await new Promise<{ http: number; mqtt: number }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('"listening"')) continue;
        try {
          const j = JSON.parse(line);
          resolve({ http: j.http, mqtt: j.mqtt });
        } catch {
          /* partial line */
        }
      }
      if (buf.length > 1e6) buf = buf.slice(-1e5);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  if (process.env.BENCH_SERVER_LOG) child.stdout!.pipe(createWriteStream(process.env.BENCH_SERVER_LOG));
  else child.stdout!.resume();
  const baseUrl = `http://127.0.0.1:${ports.http}`;
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { token } = (await login.json()) as { token: string };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return r.json();
  };
  const pid = child.pid!;
  const ticks = 100; // USER_HZ on Linux
  return {
    child,
    pid,
    httpPort: ports.http,
    mqttPort: ports.mqtt,
    baseUrl,
    token,
    databaseUrl,
    api,
    cpuMicros() {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(f[11]) + Number(f[12])) / ticks) * 1e6;
    },
    rssMb() {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill(signal);
        await exited;
      }
      if (owned) await store.drop();
    },
  };
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
