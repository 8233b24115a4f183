import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { testRedisUrlPair } from '../../test/support/scale-services.ts';
import { redisLiveAdapter } from './live-redis-adapter.ts';

/**
 * SPEC §8: instances of one deployment share their live stream through Redis; two deployments
 * kept apart by database number on one Redis (a lender each) must not see each other's.
 * Redis pub/sub ignores the database number, so only the adapter's channel names keep them apart.
 */
const log = pino({ level: 'silent' });
const run = `${process.pid}-${Date.now()}`;
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

interface Instance {
  io: Server;
  /** What this instance's browser got as `news`, and what the instance got from its peers as `peer`. */
  got: { news: string[]; peer: string[] };
}

async function instance(redisUrl: string): Promise<Instance> {
  const http = createServer();
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const redis = await redisLiveAdapter(redisUrl, log);
  const server = new Server(http, { adapter: redis.adapter });
  const got = { news: [] as string[], peer: [] as string[] };
  // Only this run's: other runs may use the same database of the shared Redis at the same time.
  const mine = (list: string[]) => (m: string) => m.startsWith(run) && list.push(m);
  server.on('peer', mine(got.peer));
  const browser: Socket = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
  browser.on('news', mine(got.news));
  await new Promise<void>((resolve, reject) => (browser.once('connect', resolve), browser.once('connect_error', reject)));
  stops.push(async () => {
    browser.close();
    await new Promise<void>((r) => server.close(() => r()));
    await redis.close();
  });
  return { io: server, got };
}

describe('the live Redis adapter', () => {
  it("carries broadcasts and instances' deltas within one database only", async () => {
    const [one, two] = await testRedisUrlPair();
    const a = await instance(one);
    const sameDeployment = await instance(one);
    const otherDeployment = await instance(two);

    a.io.emit('news', `${run} a broadcast`);
    // LiveHub sends its records, events and positions to its peers this way (live-hub.ts PeerEvents).
    a.io.serverSideEmit('peer', `${run} a delta`);
    await expect.poll(() => sameDeployment.got, { timeout: 5000 }).toEqual({ news: [`${run} a broadcast`], peer: [`${run} a delta`] });
    expect(a.got.news).toEqual([`${run} a broadcast`]);

    otherDeployment.io.emit('news', `${run} b broadcast`);
    otherDeployment.io.serverSideEmit('peer', `${run} b delta`);
    await expect.poll(() => otherDeployment.got.news, { timeout: 5000 }).toEqual([`${run} b broadcast`]);
    // Had either crossed, it would have come by now: A's reached its peer within this time above.
    await new Promise((r) => setTimeout(r, 500));
    expect(otherDeployment.got).toEqual({ news: [`${run} b broadcast`], peer: [] });
    expect(sameDeployment.got).toEqual({ news: [`${run} a broadcast`], peer: [`${run} a delta`] });
    expect(a.got).toEqual({ news: [`${run} a broadcast`], peer: [] });
  });
});
