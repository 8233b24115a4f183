import { FIRST_START_PASSWORD } from './auth/auth.service.ts';
import { loadConfig } from './config.ts';
import { prepareDataDir } from './db/data-dir.ts';
import { demoTimeZone } from './demo/demo-day.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { seedPortfolio } from './demo/seed-portfolio.ts';
import { startFleet } from './demo/start-fleet.ts';
import { startServer } from './server.ts';
import { demoCity } from '../simulators/demo-city/index.ts';

const demo = process.argv.includes('--demo');

try {
  const config = loadConfig();
  // The simulated phones log in with device tokens, which only the embedded broker checks.
  if (demo && config.MQTT_URL) throw new Error('MQTT_URL is set: the demo fleet needs the embedded broker; unset MQTT_URL for npm run demo');
  // The demo city's streets (its road graph and offline map) are the demo's only: `npm start` serves a lender anywhere.
  const city = demo ? demoCity() : null;
  // The demo's teams work where it is morning now (demo-day.ts): the admin, of no team, reads their clock and their day.
  const timeZone = demo ? demoTimeZone(config.TIME_ZONE, process.env.TIME_ZONE !== undefined) : config.TIME_ZONE;
  const server = await startServer({ ...config, TIME_ZONE: timeZone }, { city: city && { center: city.center, streets: city.streets }, warmSolver: true });
  let fleet: ReturnType<typeof startFleet> | null = null;
  if (demo) {
    const collectors = Number(process.env.DEMO_COLLECTORS ?? 25);
    if (timeZone !== config.TIME_ZONE) {
      server.log.warn({ timeZone, instead: config.TIME_ZONE }, `it is night or late in ${config.TIME_ZONE} for a 10-hour day: the demo's teams work in ${timeZone}, where it is morning (set TIME_ZONE to choose)`);
    }
    const devices = await seedDemo(server.dbh.db, server.auth, collectors, timeZone, config.TIME_ZONE);
    await server.live.refreshDirectory();
    await seedPortfolio(server.dbh.db, server.plans, {
      timeZone,
      accountsPerTeam: 180,
      visitsPerCollector: 12,
      // Left free, the optimizer serves the day with part of the team and the other collectors walk the demo with no plan.
      evenShare: true,
      log: server.log,
    });
    // The fleet keeps its devices' buffers there, even when the database is not embedded.
    prepareDataDir(config.DATA_DIR);
    fleet = startFleet(devices, {
      ports: server.ports,
      dataDir: config.DATA_DIR,
      intervalMs: Number(process.env.DEMO_INTERVAL_MS ?? 1000),
      log: server.log,
    });
    // The public password only while it still opens the account: once changed, the log must not claim it.
    const password = config.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : (await server.auth.hasPassword(config.ADMIN_EMAIL, FIRST_START_PASSWORD)) ? FIRST_START_PASSWORD : '(the password you set)';
    server.log.info({ url: `http://localhost:${server.ports.http}`, login: `${config.ADMIN_EMAIL} / ${password}`, collectors, devices: devices.length }, 'demo running');
  }
  const stop = async (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    fleet?.kill('SIGTERM');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(`ronda: ${(err as Error).message}`);
  process.exit(1);
}
