import { Gt06Device } from '../../simulators/trackers/gt06-device.ts';
import { testRedisUrl } from './scale-services.ts';
import { createStorage, startServerProcess, type ServerProcess, type Storage } from './server-process.ts';

/** Instances A and B of one deployment (SPEC §8): one new PostgreSQL database and the local Redis. */
export interface TwoInstances {
  storage: Storage;
  redisUrl: string;
  a: ServerProcess;
  b: ServerProcess;
}

/** The deviation engines' settings of the two-instance deviation tests: a fast tick, and tracks timed up to an hour ahead. */
export const DEVIATION_TEST_ENV = { DEVIATION_TICK_S: '0.2', FILTER_FUTURE_S: '3600' };

/** Starts A, then B (the first one migrates the shared database), each with REDIS_URL and `env`. */
export async function startTwoInstances(env: Record<string, string> = {}): Promise<TwoInstances> {
  const redisUrl = await testRedisUrl();
  const storage = await createStorage('postgres').catch((err: Error) => {
    throw new Error(`two instances need one PostgreSQL (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test): ${err.message}`);
  });
  const all = { REDIS_URL: redisUrl, ...env };
  const a = await startServerProcess('postgres', all, storage);
  const b = await startServerProcess('postgres', all, storage);
  return { storage, redisUrl, a, b };
}

/** A GT06 tracker (simulator, real binary frames) connected to `server`'s GT06 listener as `imei`. */
export async function gt06TrackerOn(server: ServerProcess, imei: string): Promise<Gt06Device> {
  const health = (await (await fetch(`${server.baseUrl}/api/health`)).json()) as { listeners: { name: string; port: number }[] };
  const tracker = new Gt06Device({ host: '127.0.0.1', port: health.listeners.find((l) => l.name === 'gt06')!.port, imei, reconnect: false });
  await tracker.connect();
  return tracker;
}

/** The tracker standing at `place` with a fix every 30 s from fromMs to toMs (whole seconds: GT06 time); how many it sent. */
export async function trackerStandsAt(tracker: Gt06Device, place: { lat: number; lon: number }, fromMs: number, toMs: number): Promise<number> {
  let n = 0;
  for (let t = fromMs; t <= toMs; t += 30_000, n++) await tracker.sendPosition({ time: new Date(t), lat: place.lat + 0.00002, lon: place.lon, speedKph: 0, courseDeg: 0 });
  return n;
}
