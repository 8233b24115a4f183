/**
 * bench:web — the dashboard in headless Chromium against a real server process
 * on PostgreSQL (a fresh database on 127.0.0.1:5432, or TEST_DATABASE_URL's server):
 *   wall     2,000 collectors at 1 Hz over MQTT from a separate load process:
 *            main-thread time per live update (`ronda:live-update` measures), long
 *            tasks, navigation → `ronda:first-live-frame`
 *   replay   a day of 86,400 fixes played at the highest rate: long tasks, frame gaps
 *   metrics  GET /api/metrics/collectors over 500 collectors × 30 days, on PGlite and on PostgreSQL
 *            (a server of its own for each)
 *
 *   npm run bench:web -- [--only wall,replay,metrics] [--collectors 2000] [--wall-seconds 30]
 *                        [--replay-points 86400] [--replay-seconds 20]
 *                        [--metrics-collectors 500] [--metrics-days 30] [--metrics-calls 10]
 *                        [--metrics-storage pglite,postgres]
 *
 * Chromium draws with SwiftShader (software WebGL, test/support/browser.ts), so
 * the map's frames cost more here than on a wall's GPU.
 */
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser.ts';
import { startServerProcess } from '../../test/support/server-process.ts';
import { snapshotWebBuild } from '../../test/support/web-build.ts';
import { benchMetrics } from './web/metrics.ts';
import { benchReplay } from './web/replay.ts';
import { benchWall } from './web/wall.ts';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'wall,replay,metrics' },
    collectors: { type: 'string', default: '2000' },
    'wall-seconds': { type: 'string', default: '30' },
    'replay-points': { type: 'string', default: '86400' },
    'replay-seconds': { type: 'string', default: '20' },
    'metrics-collectors': { type: 'string', default: '500' },
    'metrics-days': { type: 'string', default: '30' },
    'metrics-calls': { type: 'string', default: '10' },
    'metrics-storage': { type: 'string', default: 'pglite,postgres' },
  },
});
const parts = new Set(args.only.split(','));
const timeZone = process.env.TIME_ZONE || 'America/Mexico_City';

// Other work on this machine may rebuild web/build during a run; the server serves a copy.
const web = snapshotWebBuild();
const server = await startServerProcess('postgres', { TIME_ZONE: timeZone, RONDA_WEB_BUILD_DIR: web.dir });
let browser: Browser | null = null;
try {
  if (parts.has('wall') || parts.has('replay')) browser = await launchBrowser();
  if (parts.has('wall')) await benchWall(server, browser!, { collectors: Number(args.collectors), seconds: Number(args['wall-seconds']) });
  if (parts.has('replay')) await benchReplay(server, browser!, { points: Number(args['replay-points']), seconds: Number(args['replay-seconds']), timeZone });
  if (parts.has('metrics')) {
    // Its own servers, one per storage: the embedded default and PostgreSQL.
    for (const kind of args['metrics-storage'].split(',') as ('pglite' | 'postgres')[]) {
      await benchMetrics(kind, {
        collectors: Number(args['metrics-collectors']),
        days: Number(args['metrics-days']),
        calls: Number(args['metrics-calls']),
        visitsPerDay: 12,
        writesPerRead: 100,
        timeZone,
      });
    }
  }
} finally {
  await browser?.close();
  await server.stop();
  web.remove();
}
