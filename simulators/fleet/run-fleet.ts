/**
 * The demo fleet as its own process, so it loads the server the way real
 * devices do: over real sockets. Usage: run-fleet.ts FLEET.json
 * FLEET.json = { mqttUrl, intervalMs, seed, phones: [{ uniqueId, token }],
 *                trackers: [{ kind: 'gt06' | 'teltonika' | 'h02' | 'osmand' | 'owntracks', imei, port, token?, app: { uniqueId, token } }] }
 */
import { readFileSync } from 'node:fs';
import { RoadGraphProvider } from '../../server/routing/matrix/road-graph-provider.ts';
import { demoCity } from '../demo-city/index.ts';
import { seededRandom } from '../demo-city/random.ts';
import type { FleetFile } from './fleet-file.ts';
import { SimulatedPhone } from './phone.ts';
import { StreetGraph } from './street-walker.ts';
import { SimulatedTracker } from './tracker.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: run-fleet.ts FLEET.json');
  process.exit(2);
}
const fleet = JSON.parse(readFileSync(file, 'utf8')) as FleetFile;
const rand = seededRandom(fleet.seed);
const city = demoCity();
const graph = new StreetGraph(city.streets);
// The server's own router over the same streets: collectors ride the legs their plan was drawn with.
const roads = new RoadGraphProvider(city.streets);
const route = async (from: [number, number], to: [number, number]) => (await roads.route([from, to])).geometry;
const phoneOptions = { brokerUrl: fleet.mqttUrl, intervalMs: fleet.intervalMs, rand, dropoutChance: 0.0008, route };
const phones = fleet.phones.map((creds) => new SimulatedPhone(creds, graph, phoneOptions));
// A tracker's collector rides the day's plan with the app in their pocket: the app checks in, the tracker
// reports the positions, less often than the app would, as units configured for 5–10 s do.
const trackers = fleet.trackers.map((spec) => {
  const app = new SimulatedPhone(spec.app, graph, { ...phoneOptions, reportsPositions: false });
  phones.push(app);
  return new SimulatedTracker(spec, app, fleet.intervalMs * 5, rand);
});
for (const p of phones) await p.start();
for (const t of trackers) await t.start();
console.log(JSON.stringify({ msg: 'fleet started', phones: phones.length - trackers.length, trackers: trackers.length, intervalMs: fleet.intervalMs }));

const stop = () => {
  for (const p of phones) p.stop();
  for (const t of trackers) t.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Ends with its parent: a demo server that dies must not leave phones publishing.
process.on('disconnect', stop);
