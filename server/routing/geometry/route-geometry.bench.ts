/**
 * Deviation geometry throughput: 1,000 planned routes, positions checked against their collector's
 * route (mostly near it, 10 % off-route, which forces the full-scan fallback). Run:
 *   npx tsx server/routing/geometry/route-geometry.bench.ts
 */
import { seededRandom } from '../../../simulators/demo-city/random.ts';
import { buildRouteGeometry, nearestOnRoute } from './route-geometry.ts';

const PLANS = 1000;
const VERTICES = 400;
const QUERIES = 500_000;
const rand = seededRandom(1);

let t = performance.now();
const routes = Array.from({ length: PLANS }, () => {
  const coords: [number, number][] = [[-103.38 + rand() * 0.06, 20.65 + rand() * 0.05]];
  for (let i = 1; i < VERTICES; i++) {
    const [lon, lat] = coords[i - 1];
    coords.push([lon + (rand() - 0.5) * 0.002, lat + (rand() - 0.5) * 0.002]);
  }
  return buildRouteGeometry(coords);
});
console.log(`built ${PLANS} routes × ${VERTICES} vertices in ${(performance.now() - t).toFixed(0)} ms`);

const queries = new Float64Array(QUERIES * 3);
for (let q = 0; q < QUERIES; q++) {
  const plan = Math.floor(rand() * PLANS);
  const v = routes[plan].coordinates[Math.floor(rand() * VERTICES)];
  const spread = rand() < 0.1 ? 0.01 : 0.0005;
  queries[q * 3] = plan;
  queries[q * 3 + 1] = v[0] + (rand() - 0.5) * spread;
  queries[q * 3 + 2] = v[1] + (rand() - 0.5) * spread;
}
t = performance.now();
let sum = 0;
for (let q = 0; q < QUERIES; q++) sum += nearestOnRoute(routes[queries[q * 3]], queries[q * 3 + 1], queries[q * 3 + 2]).distanceM;
const ms = performance.now() - t;
console.log(`${QUERIES} positions in ${ms.toFixed(0)} ms = ${Math.round((QUERIES / ms) * 1000)} positions/s (mean distance ${(sum / QUERIES).toFixed(1)} m)`);
