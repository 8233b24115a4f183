import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { presenceAt } from '../../server/operations/on-site.ts';
import { haversineM } from '../../server/routing/geometry/index.ts';
import { RoadGraphProvider } from '../../server/routing/matrix/road-graph-provider.ts';
import { demoCity } from '../demo-city/index.ts';
import { SimulatedPhone } from './phone.ts';
import { StreetGraph } from './street-walker.ts';

const city = demoCity();
const roads = new RoadGraphProvider(city.streets);
const graph = new StreetGraph(city.streets);
const VISITS = [
  { visitId: 1, sequence: 1, lat: 20.67, lon: -103.353, serviceMinutes: 0, status: 'assigned' },
  { visitId: 2, sequence: 2, lat: 20.679, lon: -103.3405, serviceMinutes: 0, status: 'assigned' },
];

let broker: Aedes | undefined;
let server: Server | undefined;
let watcher: MqttClient | undefined;
let phone: SimulatedPhone | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  phone?.stop();
  await watcher?.endAsync();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
});

/** An MQTT broker on a free port and a client watching `ronda/{uniqueId}/+`; returns the broker's url. */
async function brokerWatching(uniqueId: string, onMessage: (topic: string, body: any) => void): Promise<string> {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  watcher = await mqtt.connectAsync(url);
  await watcher.subscribeAsync(`ronda/${uniqueId}/+`);
  watcher.on('message', (topic, payload) => onMessage(topic, JSON.parse(payload.toString())));
  return url;
}

/** A phone with a seeded random source, started after its plan is retained; resolves once it stands at its first door. */
async function phoneAtFirstDoor(uniqueId: string, url: string, seed: number): Promise<SimulatedPhone> {
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const route = async (from: [number, number], to: [number, number]) => (await roads.route([from, to])).geometry;
  const p = new SimulatedPhone({ uniqueId, token: 'x' }, graph, { brokerUrl: url, intervalMs: 1000, rand, dropoutChance: 0, route });
  phone = p;
  await p.start();
  await vi.waitFor(() => expect(p.position).toEqual(graph.nodes[graph.nearestNode(VISITS[0].lon, VISITS[0].lat)]));
  return p;
}

describe('a demo phone', () => {
  it('rides its plan over real MQTT, checks in at each door, and waits at the last one', { timeout: 30_000 }, async () => {
    const checkins: number[] = [];
    const positions: [number, number][] = [];
    const url = await brokerWatching('p1', (topic, body) => {
      if (topic.endsWith('/checkin')) checkins.push(body.visitId);
      if (topic.endsWith('/position')) for (const p of [body].flat()) positions.push([p.lon, p.lat]);
    });
    await watcher!.publishAsync('ronda/p1/plan', JSON.stringify({ visits: VISITS }), { retain: true, qos: 1 });
    // The retained plan puts it at its first door, part-way through that visit.
    const sim = await phoneAtFirstDoor('p1', url, 3);

    // Fifty minutes of the day, a second per step (the demo reports every second): the visit stops run on Date.now.
    const start = Date.now();
    let clock = start;
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    for (let s = 0; s < 3000; s++) {
      sim.tick();
      clock += 1000;
      if (s % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => expect(checkins).toEqual([1, 2]));
    await vi.waitFor(() => expect(positions.length).toBeGreaterThanOrEqual(3000));
    // The last quarter hour: parked at the second door (GPS noise only), not riding off the plan's route.
    const last = positions.slice(-900);
    const door: [number, number] = [VISITS[1].lon, VISITS[1].lat];
    const farthest = Math.max(...last.map((p) => haversineM(p, door)));
    expect(farthest).toBeLessThan(100);
  });

  it('joins the day at its first door with its time there as buffered history, so that visit is timed like any other', { timeout: 30_000 }, async () => {
    const fixes: { ms: number; lat: number; lon: number }[] = [];
    let checkin: { ms: number; fixesBefore: number } | null = null;
    const url = await brokerWatching('p2', (topic, body) => {
      if (topic.endsWith('/position')) for (const p of [body].flat()) fixes.push({ ms: p.ts, lat: p.lat, lon: p.lon });
      if (topic.endsWith('/checkin') && !checkin) checkin = { ms: Date.parse(body.ts), fixesBefore: fixes.length };
    });
    const joinedAt = Date.now();
    await watcher!.publishAsync('ronda/p2/plan', JSON.stringify({ visits: VISITS }), { retain: true, qos: 1 });
    const sim = await phoneAtFirstDoor('p2', url, 11);
    let clock = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    for (let s = 0; s < 120 && !checkin; s++) {
      sim.tick();
      clock += 1000;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await vi.waitFor(() => expect(checkin).not.toBeNull());
    const before = fixes.slice(0, checkin!.fixesBefore);
    // Reports from before the phone joined, sent before its check-in.
    expect(before[0].ms).toBeLessThan(joinedAt - 10_000);
    const { onSiteS } = presenceAt(before, [VISITS[0].lon, VISITS[0].lat], checkin!.ms, { radiusM: 150, presenceWindowMin: 10 });
    // A visit of 0 planned minutes keeps the demo at the door 36–84 s; at least half of that is history.
    expect(onSiteS).toBeGreaterThanOrEqual(18);
  });
});
