import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { App } from './api/app.ts';
import pino, { type Logger } from 'pino';
import { accountRoutes } from './api/account.routes.ts';
import { authRoutes } from './api/auth.routes.ts';
import { checkinRoutes } from './api/checkin.routes.ts';
import { collectorRoutes } from './api/collector.routes.ts';
import { createApp } from './api/app.ts';
import { refuseUnreadableTeam } from './api/named-team.ts';
import { deviceRoutes } from './api/device.routes.ts';
import { deviceAdminRoutes } from './api/device-admin.routes.ts';
import { eventRoutes } from './api/event.routes.ts';
import { healthRoutes, type ListenerStatus } from './api/health.routes.ts';
import { mapRoutes, type StreetsSource } from './api/map.routes.ts';
import { paymentRoutes } from './api/payment.routes.ts';
import { planRoutes } from './api/plan.routes.ts';
import { promiseRoutes } from './api/promise.routes.ts';
import { visitRoutes } from './api/visit.routes.ts';
import { userRoutes } from './api/user.routes.ts';
import { metricsRoutes } from './api/metrics.routes.ts';
import { AuthService } from './auth/auth.service.ts';
import { UserService } from './auth/user.service.ts';
import type { Config } from './config.ts';
import type { CheckinOut } from './contract/checkin.ts';
import type { EventOut } from './contract/event.ts';
import type { PlanOut } from './contract/plan.ts';
import type { VisitOut } from './contract/visit.ts';
import { openDatabase, type DbHandle } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { applyTimescalePolicies } from './db/timescale.ts';
import { AlarmEvents } from './deviations/alarm-events.ts';
import { DeviationService } from './deviations/deviation.service.ts';
import { redisDeviationNotices, type DeviationNotices } from './deviations/deviation-notices-redis.ts';
import { listEvents } from './deviations/event.repository.ts';
import { BatchWriter } from './ingest/batch-writer.ts';
import { DeviceRegistry } from './ingest/device-registry.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { IngestStats } from './ingest/ingest-stats.ts';
import { planTopic } from './ingest/mqtt-topics.ts';
import { createMqttBroker, type MqttBroker } from './ingest/mqtt-broker.ts';
import { redisBrokerBackends } from './ingest/mqtt-broker-redis.ts';
import { startExternalMqttIngest, type ExternalMqttIngest } from './ingest/mqtt-external-ingest.ts';
import { createPublishHandler } from './ingest/mqtt-publish-handler.ts';
import { startTrackerListeners } from './ingest/listeners/tracker-listeners.ts';
import { listenTcp } from './lib/listen.ts';
import { LiveHub } from './live/live-hub.ts';
import { redisLiveAdapter } from './live/live-redis-adapter.ts';
import { DEFAULT_CHECKIN_OPTIONS } from './operations/checkin.service.ts';
import type { VisitsMoved } from './operations/account-move.ts';
import type { NotifyRecord } from './operations/live-events.ts';
import { startPromiseSettler } from './operations/promise.service.ts';
import { createRecordHandlers } from './operations/record-handlers.ts';
import { PlanService } from './plans/plan.service.ts';
import { SolverThread } from './plans/solver-thread.ts';
import { createMatrixProvider, type StreetNetwork } from './routing/matrix/index.ts';

export interface StartOptions {
  logger?: Logger;
  /** The demo city's streets for the offline map, when the demo runs. */
  city?: StreetsSource | null;
  /**
   * Start the solver thread at boot and let it practise (solver-warm-up.ts), so that the
   * first re-plans get the full search. Off in tests: many servers start there, each
   * would spend ~1 s of CPU.
   */
  warmSolver?: boolean;
  /** The plans' clock, for tests of a fixed day: "today", whose plan the phones hold, and whether a day is under way. */
  planClock?: () => number;
}

export interface RondaServer {
  config: Config;
  dbh: DbHandle;
  app: App;
  /** The embedded broker; null when MQTT_URL points ingest at an external one. */
  broker: MqttBroker | null;
  live: LiveHub;
  plans: PlanService;
  deviations: DeviationService;
  ingest: IngestService;
  registry: DeviceRegistry;
  auth: AuthService;
  writer: BatchWriter;
  /** `mqtt` is 0 when there is no embedded broker (MQTT_URL). */
  ports: { http: number; mqtt: number; gt06: number; teltonika: number; h02: number; osmand: number };
  log: Logger;
  close(): Promise<void>;
}

/** How often each team's local day is looked at: a phone gets its new day's plan within this of midnight. */
const DAY_ROLL_CHECK_MS = 60_000;

/** Everything of SPEC §2 in one process, wired top to bottom (STYLE rule 7). */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RondaServer> {
  const log = opts.logger ?? pino({ level: config.LOG_LEVEL });

  const dbh = await openDatabase({
    databaseUrl: config.DATABASE_URL ?? null,
    dataDir: config.DATABASE_URL ? null : config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const applied = await migrateToLatest(dbh.db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const timescale = await applyTimescalePolicies(dbh.db, {
    compressAfterDays: config.POSITIONS_COMPRESS_AFTER_DAYS,
    retainDays: config.POSITIONS_RETAIN_DAYS,
  });
  log.info({ database: dbh.kind, timescale }, 'database ready');

  const auth = new AuthService(dbh.db);
  // Without ADMIN_PASSWORD an existing admin keeps their password; only a first start gets the public demo one.
  const admin = await auth.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD ?? null);
  if (admin.demoPassword) {
    log.warn(
      { email: config.ADMIN_EMAIL },
      `ADMIN_PASSWORD not set: the admin ${admin.outcome === 'created' ? 'was created with' : 'still has'} the public demo password "ronda"; change it (POST /api/auth/password) or start with ADMIN_PASSWORD`,
    );
  } else if (admin.outcome === 'reset') log.info({ email: config.ADMIN_EMAIL }, 'admin password and role set from ADMIN_PASSWORD');

  const registry = new DeviceRegistry(dbh.db);
  const stats = new IngestStats();
  let live: LiveHub | undefined;
  /** Events stored before the live stream exists (the deviation service's start closes what a stopped instance left open): sent once it does. */
  const early: [number, EventOut][] = [];
  const emitEvent = (teamId: number, event: EventOut) => (live ? live.emitEvent(teamId, event) : void early.push([teamId, event]));
  const deviationsLog = log.child({ part: 'deviations' });
  let deviationNotices: DeviationNotices | null = null;
  const deviations = new DeviationService({
    db: dbh.db,
    log: deviationsLog,
    emit: emitEvent,
    tickMs: config.DEVIATION_TICK_S * 1000,
    announce: (notice) => deviationNotices?.publish(notice),
  });
  // SPEC §8: listening before the start's reads, so no change made meanwhile on another instance is missed.
  if (config.REDIS_URL) {
    deviationNotices = await redisDeviationNotices(config.REDIS_URL, deviationsLog, {
      onNotice: (notice) => void deviations.onNotice(notice),
      onResubscribed: () => void deviations.reloadAll().catch((err: Error) => deviationsLog.error({ err: err.message }, 'deviation reload after a Redis outage failed')),
    });
  }
  await deviations.start();
  const writer = new BatchWriter(
    dbh.pool,
    {
      batchRows: config.WRITE_BATCH_ROWS,
      flushMs: config.WRITE_FLUSH_MS,
      queueMax: config.WRITE_QUEUE_MAX,
      concurrency: dbh.kind === 'pglite' ? 1 : Math.min(3, config.DATABASE_POOL_SIZE),
      dailyRollup: !timescale,
    },
    log.child({ part: 'writer' }),
    (rows) => {
      live?.onPositionsCommitted(rows);
      deviations.onPositionsCommitted(rows);
    },
  );
  const ingest = new IngestService(
    registry,
    writer,
    {
      invalid: config.FILTER_INVALID,
      zero: config.FILTER_ZERO,
      futureS: config.FILTER_FUTURE_S,
      duplicate: config.FILTER_DUPLICATE,
      accuracyM: config.FILTER_ACCURACY_M,
      maxSpeedKph: config.FILTER_MAX_SPEED_KPH,
    },
    stats,
    log.child({ part: 'ingest' }),
    // Device alarms take the deviations' way to the wall: the events table, then the live `event`.
    new AlarmEvents({ db: dbh.db, emit: emitEvent, futureS: config.FILTER_FUTURE_S }),
  );
  const notifyRecord: NotifyRecord = (event, teamId, payload) => {
    live?.emitRecord(event, teamId, payload);
    if (event === 'checkin') deviations.onCheckin(payload as CheckinOut);
    else if (event === 'visit') {
      deviations.onVisit(payload as VisitOut);
      visitChanged(payload as VisitOut);
    }
  };
  const records = createRecordHandlers({ db: dbh.db, notify: notifyRecord, log: log.child({ part: 'records' }), checkin: DEFAULT_CHECKIN_OPTIONS });
  // SPEC §8: an external broker (MQTT_URL) replaces the embedded one; REDIS_URL makes embedded brokers share state.
  const handlePublish = createPublishHandler(ingest, records);
  const mqttLog = log.child({ part: 'mqtt' });
  let broker: MqttBroker | null = null;
  let external: ExternalMqttIngest | null = null;
  /** Set once the plan service exists; a reconnecting external broker may call it earlier. */
  let publishPlans: (collectorIds: number[] | null) => void = () => undefined;
  let visitChanged: (visit: VisitOut) => void = () => undefined;
  let republish: NodeJS.Timeout | undefined;
  if (config.MQTT_URL) {
    const clientId = config.MQTT_CLIENT_ID ?? `ronda-${hostname()}`;
    external = await startExternalMqttIngest({
      url: config.MQTT_URL,
      clientId,
      shareGroup: config.MQTT_SHARE_GROUP,
      registry,
      handlePublish,
      log: mqttLog,
      // A plan changed while the broker was away never reached it: once back, today's plans go again (once for all 16 sessions).
      onReconnected: () => {
        clearTimeout(republish);
      clearInterval(dayRoll);
        republish = setTimeout(() => publishPlans(null), 2000).unref();
      },
    });
  } else {
    const backends = config.REDIS_URL ? await redisBrokerBackends(config.REDIS_URL, mqttLog) : undefined;
    broker = await createMqttBroker({ registry, handlePublish, log: mqttLog, backends });
  }
  const publishRetained = external?.publishRetained ?? broker!.publishRetained;
  const liveRedis = config.REDIS_URL ? await redisLiveAdapter(config.REDIS_URL, log.child({ part: 'live' })) : null;
  const promiseSettler = startPromiseSettler(dbh.db, log.child({ part: 'promises' }));
  // SPEC §2: OSRM when OSRM_URL is set, else the demo city's road graph (under the demo; haversine off its streets), else haversine.
  const matrix = createMatrixProvider({ osrmUrl: config.OSRM_URL, streets: opts.city?.streets as StreetNetwork | undefined });
  const solverLog = log.child({ part: 'solver' });
  const solver = new SolverThread({
    warmUp: opts.warmSolver,
    onWarmUp: (error) => (error ? solverLog.warn({ error }, 'solver warm-up failed: the first re-plans run slower') : solverLog.debug('solver warmed up')),
  });
  if (opts.warmSolver) solver.prepare();
  const plansLog = log.child({ part: 'plans' });
  const plans = new PlanService({
    db: dbh.db,
    provider: matrix,
    solver,
    log: plansLog,
    publishRetained,
    notify: notifyRecord,
    now: opts.planClock,
  });
  const planStored = (plan: PlanOut) => {
    live?.emitRecord('plan', plan.teamId, plan);
    deviations.onPlanStored(plan);
  };
  plans.onStored(planStored);
  publishPlans = (collectorIds: number[] | null) =>
    void plans.publishCurrent(collectorIds).catch((err: Error) => plansLog.warn({ err: err.message }, "today's plans not published again"));
  // The embedded broker's retained plans do not outlive a restart.
  publishPlans(null);
  // At each team's midnight its phones get the new day's plan (one made the day before waited for it).
  const newDays = () => void plans.publishNewDays().catch((err: Error) => plansLog.warn({ err: err.message }, "a new day's plans not published"));
  newDays();
  const dayRoll = setInterval(newDays, DAY_ROLL_CHECK_MS).unref();
  // A visit done or cancelled: its collector's phone gets its plan again with the visit's new status.
  visitChanged = (visit) => void plans.visitChanged(visit).catch((err: Error) => plansLog.warn({ err: err.message, visitId: visit.id }, 'plan not published again after a visit changed'));
  /**
   * Accounts moved to another team took their visits not started with them: each team hears of each visit (the one left
   * naming the collector it was taken from, whose own stream drops it), the days left get their new plan as any stored
   * plan does, and those collectors' phones their plan without it. visitChanged cannot do the last: it looks for the
   * collector's route in the visit's new team's plan.
   */
  const visitsMoved = (m: VisitsMoved) => {
    for (const plan of m.plans) planStored(plan);
    for (const { visit, fromTeamId } of m.visits) {
      notifyRecord('visit', fromTeamId, visit);
      const { formerCollectorId: _, ...now } = visit;
      notifyRecord('visit', visit.teamId, now);
    }
    const takenFrom = [...new Set(m.visits.flatMap(({ visit }) => visit.formerCollectorId ?? []))];
    if (takenFrom.length > 0) publishPlans(takenFrom);
  };

  const listeners: ListenerStatus[] = [];
  // The thread that serves devices must never stall (issue 2): its delay is reported in /api/health.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const embedded = broker;
  const app = await createApp({ logger: log, mqttOverWebSocket: embedded ? (stream, remote) => embedded.handle(stream, remote) : undefined });
  app.addHook('preHandler', refuseUnreadableTeam(dbh.db));
  const refreshDirectory = () => void live?.refreshDirectory().catch(() => undefined);

  await app.register(healthRoutes, {
    db: dbh.db,
    dbKind: dbh.kind,
    listeners: () => listeners,
    broker: () => external?.status() ?? { mode: 'embedded', shared: config.REDIS_URL ? 'redis' : 'memory', connectedClients: embedded!.connectedDevices(), heldPublishes: embedded!.heldPublishes() },
    ingest: () => ({ ...stats.toJSON(), writer: writer.getStats(), deviations: deviations.stats() }),
    live: () => ({ clients: live?.connectedClients() ?? 0, adapter: liveRedis ? 'redis' : 'memory' }),
    // Figures cover the time since the previous health check, so a monitor sees current stalls, not start-up.
    eventLoop: () => {
      const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
      const figures = { maxMs: ms(loopDelay.max), p99Ms: ms(loopDelay.percentile(99)), meanMs: ms(loopDelay.mean) };
      loopDelay.reset();
      return figures;
    },
  });
  await app.register(authRoutes, { auth });
  // A collector's row on the wall lists their devices: registering, handing over or disabling one changes it.
  const deviceDeps = {
    db: dbh.db,
    auth,
    registry,
    onDevicesChanged: refreshDirectory,
    onDeviceAssigned: (id: number) => publishPlans([id]),
    onCollectorsChanged: (teamIds: (number | null)[]) => live?.emitCollectorsChanged(teamIds),
  };
  await app.register(deviceRoutes, { ...deviceDeps, deviceHost: config.DEVICE_HOST ?? null });
  await app.register(deviceAdminRoutes, {
    ...deviceDeps,
    disconnect: (uniqueId) => embedded?.disconnectDevice(uniqueId),
    // An empty retained message removes the retained one [MQTT-3.3.1-10].
    clearPlan: (uniqueId) => publishRetained(planTopic(uniqueId), ''),
  });
  await app.register(userRoutes, { auth, users: new UserService(dbh.db, auth) });
  await app.register(collectorRoutes, {
    db: dbh.db,
    auth,
    teamDefaults: { timeZone: config.TIME_ZONE, currency: config.CURRENCY },
    onChanged: (teamIds) => {
      refreshDirectory();
      deviceDeps.onCollectorsChanged(teamIds);
    },
    onTeamChanged: (team) => live?.emitTeamChanged(team),
  });
  await app.register(accountRoutes, { db: dbh.db, auth, visitsMoved });
  await app.register(visitRoutes, { db: dbh.db, auth, notify: notifyRecord });
  await app.register(checkinRoutes, { db: dbh.db, auth, notify: notifyRecord, checkin: DEFAULT_CHECKIN_OPTIONS });
  await app.register(paymentRoutes, { db: dbh.db, auth, notify: notifyRecord });
  await app.register(promiseRoutes, { db: dbh.db, auth });
  await app.register(planRoutes, { db: dbh.db, auth, plans });
  await app.register(eventRoutes, { db: dbh.db, auth, deviations, emit: emitEvent });
  await app.register(metricsRoutes, { db: dbh.db, auth, currency: config.CURRENCY });
  await app.register(mapRoutes, {
    db: dbh.db,
    auth,
    city: opts.city ?? null,
    config: { styleUrl: config.MAP_STYLE_URL ?? null, timeZone: config.TIME_ZONE, currency: config.CURRENCY },
  });

  await app.ready();
  live = new LiveHub(app.server, {
    db: dbh.db,
    log: log.child({ part: 'live' }),
    verify: (t) => auth.verify(t),
    // As many as GET /api/events serves at once: a snapshot cut at the default 200 would hide incidents.
    openEvents: ({ team, collector }) => listEvents(dbh.db, { open: true, limit: 1000, collectorId: collector ?? undefined }, team),
    adapter: liveRedis?.adapter,
  });
  auth.onLogout = (token) => live?.endSession(token);
  auth.onSessionsEnded = (userId, keep) => live?.endUserSessions(userId, keep);
  await live.refreshDirectory();
  for (const [teamId, event] of early.splice(0)) live.emitEvent(teamId, event);

  let httpPort: number;
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
    httpPort = (app.server.address() as AddressInfo).port;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(e.code === 'EADDRINUSE' ? `PORT=${config.PORT}: port already in use; set PORT to a free port (0 = any)` : e.message);
  }
  const mqttPort = embedded ? await listenTcp(embedded.tcp, config.MQTT_PORT, config.HOST, 'MQTT_PORT') : 0;
  listeners.push({ name: 'http', transport: 'http', port: httpPort });
  if (embedded) listeners.push({ name: 'mqtt', transport: 'tcp', port: mqttPort }, { name: 'mqtt-ws', transport: 'ws', port: httpPort });
  const trackers = await startTrackerListeners(config, ingest, log.child({ part: 'trackers' }));
  listeners.push(...trackers.statuses);
  const mqttInfo = embedded ? { mqtt: mqttPort, mqttWebSocket: `ws://localhost:${httpPort}/mqtt` } : { mqtt: mqttPort, mqttBroker: external!.status().url };
  log.info({ http: httpPort, ...mqttInfo, ...trackers.ports }, 'listening');

  return {
    config,
    dbh,
    app,
    broker,
    live,
    plans,
    deviations,
    ingest,
    registry,
    auth,
    writer,
    ports: { http: httpPort, mqtt: mqttPort, ...trackers.ports },
    log,
    async close() {
      clearTimeout(republish);
      loopDelay.disable();
      await trackers.close();
      await broker?.close();
      await external?.close();
      await promiseSettler.stop();
      await solver.close();
      await live?.close();
      await liveRedis?.close();
      await app.close();
      await writer.close();
      // After the writer: its last commits still reach the engine, and their events are stored.
      await deviations.stop();
      await deviationNotices?.close();
      await dbh.close();
    },
  };
}
