import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restartablePort } from './restartable-port.ts';

/** The real services the scale-out tests run against (SPEC §8); CI machines have both. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function probe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port }, () => {
      s.end();
      resolve();
    });
    s.setTimeout(3000, () => s.destroy(new Error('no answer within 3 s')));
    s.once('error', reject);
  });
}

/**
 * A Redis database of its own for one test run: keys live per database number,
 * so concurrent runs do not see each other's retained messages or sessions.
 * Fails with what to start when Redis is not there: these tests are never skipped.
 */
export async function testRedisUrl(): Promise<string> {
  const u = new URL(TEST_REDIS_URL);
  await probe(u.hostname, Number(u.port || 6379)).catch((err: Error) => {
    throw new Error(`Redis is not reachable at ${TEST_REDIS_URL} (${err.message}); start redis-server or set TEST_REDIS_URL`);
  });
  u.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
  return u.toString();
}

/**
 * Two databases of one Redis, as two deployments kept apart by database number
 * share it: what one instance publishes must not reach the other's.
 */
export async function testRedisUrlPair(): Promise<[string, string]> {
  const first = new URL(await testRedisUrl());
  const second = new URL(first);
  second.pathname = `/${(Number(first.pathname.slice(1)) % 15) + 1}`;
  return [first.toString(), second.toString()];
}

export interface Mosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A Mosquitto of our own on a free port, in memory: the persistent sessions a
 * test leaves behind die with it instead of staying in the machine's broker
 * (where they would keep taking a share of every later run's messages).
 */
export async function startMosquitto(port?: number): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'ronda-mosquitto-'));
  port ??= await restartablePort();
  const conf = join(dir, 'mosquitto.conf');
  // Room for what queues while Ronda is down in a test; production brokers need the same thought (README).
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 100000', ''].join('\n'));
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new Error(`cannot start mosquitto (${err.message}); install the mosquitto package`))),
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await Promise.race([probe('127.0.0.1', port), spawnError]);
      break;
    } catch (err) {
      if ((err as Error).message.startsWith('cannot start') || child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`mosquitto did not start on port ${port}: ${(err as Error).message} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  url: string;
  /** SIGKILL: an outage, as when Redis crashes or its host goes away. */
  kill(): Promise<void>;
  /** A fresh, empty redis-server on the same port. */
  restart(): Promise<void>;
}

/** A redis-server of our own (in memory) for outage tests: the machine's Redis is shared and never stopped. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await restartablePort();
  let child: ReturnType<typeof spawn>;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot start redis-server (${err.message}); install the redis-server package`))));
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await Promise.race([probe('127.0.0.1', port), failed]);
        return;
      } catch (err) {
        if ((err as Error).message.startsWith('cannot start') || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await start();
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  return { url: `redis://127.0.0.1:${port}`, kill, restart: start };
}

