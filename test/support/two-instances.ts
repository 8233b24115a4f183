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
