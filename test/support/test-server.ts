import pino from 'pino';
import { loadConfig, type Config } from '../../server/config.ts';
import { startServer, type RondaServer } from '../../server/server.ts';
import { demoCity } from '../../simulators/demo-city/index.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const ADMIN = { email: 'admin@test.local', password: 'secret-admin' };

/** Ports 0 everywhere: Mosquitto already holds 1883 on this machine and tests run in parallel. */
export function testConfig(db: TestDatabase, extra: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: db.databaseUrl,
    DATA_DIR: db.dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    MQTT_PORT: '0',
    GT06_PORT: '0',
    TELTONIKA_PORT: '0',
    H02_PORT: '0',
    OSMAND_PORT: '0',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WRITE_FLUSH_MS: '10',
    ...extra,
  });
}

export interface TestServer {
  server: RondaServer;
  db: TestDatabase;
  baseUrl: string;
  token: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T }>;
  createDevice(uniqueId: string, collectorId?: number | null): Promise<{ id: number; token: string }>;
  close(): Promise<void>;
}

/** `city`: serve the demo city's streets (the offline map) as `npm run demo` does. */
export async function startTestServer(extra: Record<string, string> = {}, db?: TestDatabase, opts: { city?: boolean; planClock?: () => number } = {}): Promise<TestServer> {
  const database = db ?? (await createTestDatabase());
  const city = opts.city ? demoCity() : null;
  const server = await startServer(testConfig(database, extra), {
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    city: city ? { center: city.center, streets: city.streets } : null,
    planClock: opts.planClock,
  });
  const baseUrl = `http://127.0.0.1:${server.ports.http}`;
  const api = async (method: string, path: string, body?: unknown, token: string | null = null) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const login = await api('POST', '/api/auth/login', ADMIN);
  if (login.status !== 200) throw new Error(`test login failed: ${JSON.stringify(login.body)}`);
  const token = login.body.token as string;
  return {
    server,
    db: database,
    baseUrl,
    token,
    api: (m, p, b, t) => api(m, p, b, t === undefined ? token : t),
    async createDevice(uniqueId, collectorId = null) {
      const r = await api('POST', '/api/devices', { uniqueId, name: uniqueId, collectorId }, token);
      if (r.status !== 201) throw new Error(`createDevice: ${JSON.stringify(r.body)}`);
      return { id: r.body.id, token: r.body.token };
    },
    async close() {
      await server.close();
      if (!db) await database.drop();
    },
  };
}
