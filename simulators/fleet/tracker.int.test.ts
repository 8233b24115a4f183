import { afterEach, describe, expect, it } from 'vitest';
import { createGt06Framer, decodeGt06, initialGt06State, type Position } from '../../device-protocols/index.ts';
import { startCodecServer, type CodecServer } from '../trackers/test-server.ts';
import type { Motion } from './phone.ts';
import { SimulatedTracker } from './tracker.ts';

let server: CodecServer | undefined;
let tracker: SimulatedTracker | undefined;
afterEach(async () => {
  tracker?.stop();
  await server?.close();
});

describe('a demo tracker', () => {
  it('reports where its rider is, moving or stopped at a door, over the GT06 protocol', async () => {
    server = await startCodecServer({ framer: createGt06Framer, initialState: () => initialGt06State({ ackPositions: true }), decode: decodeGt06 });
    const rider: { -readonly [K in keyof Motion]: Motion[K] } = { position: [-103.35, 20.67], heading: 90, speedKph: 30 };
    const app = { uniqueId: 'demo-phone-020', token: 'x' };
    tracker = new SimulatedTracker({ kind: 'gt06', imei: '861000000000020', port: server.port, app }, rider, 40, Math.random);
    await tracker.start();
    const positions = () => server!.messages.filter((m): m is Position => m.kind === 'position');
    await expect.poll(() => positions().length).toBeGreaterThan(0);
    rider.position = [-103.36, 20.68];
    rider.speedKph = 0;
    await expect.poll(() => positions().at(-1)?.lon).toBeCloseTo(-103.36, 4);
    const moving = positions()[0];
    const stopped = positions().at(-1)!;
    expect([moving.lon, moving.lat, moving.speedKph, moving.courseDeg]).toEqual([expect.closeTo(-103.35, 4), expect.closeTo(20.67, 4), 30, 90]);
    expect([stopped.lat, stopped.speedKph]).toEqual([expect.closeTo(20.68, 4), 0]);
    expect(server.errors).toEqual([]);
  });
});
