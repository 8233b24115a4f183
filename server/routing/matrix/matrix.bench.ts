/**
 * Road-graph matrix on the demo city: graph build, snapping, and a 2,000-location table. Run:
 *   npx tsx server/routing/matrix/matrix.bench.ts [locations]
 */
import { demoCity, randomAddresses } from '../../../simulators/demo-city/index.ts';
import { RoadGraph } from './road-graph.ts';
import { RoadGraphProvider } from './road-graph-provider.ts';

const n = Number(process.argv[2] ?? 2000);
let t = performance.now();
const graph = new RoadGraph(demoCity().streets);
console.log(`graph: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, main component ${graph.mainComponentSize} nodes, built in ${(performance.now() - t).toFixed(0)} ms`);

const provider = new RoadGraphProvider(graph);
const locations = randomAddresses(n, 1).map((a) => a.position);
t = performance.now();
const { durations, distances } = await provider.table(locations);
const ms = performance.now() - t;
let maxS = 0, sumM = 0;
for (let i = 0; i < durations.length; i++) (maxS = Math.max(maxS, durations[i])), (sumM += distances[i]);
console.log(`table ${n}×${n} in ${ms.toFixed(0)} ms (longest trip ${(maxS / 60).toFixed(1)} min, mean ${(sumM / (n * n) / 1000).toFixed(2)} km)`);
