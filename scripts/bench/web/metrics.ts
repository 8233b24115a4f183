import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../../server/db/embedded.ts';
import { createStorage, startServerProcess, type ServerProcess } from '../../../test/support/server-process.ts';
import { ms, stats } from './page-session.ts';

export interface MetricsOptions {
  collectors: number;
  days: number;
  calls: number;
  visitsPerDay: number;
  /** Payments recorded through the API before each read of the "working day" measurement. */
  writesPerRead: number;
  timeZone: string;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Rows straight into the tables the metrics query reads (migrations 0002, 0003,
 * 0005): a daily position rollup per collector-day, a team plan per day with a
 * route per collector (route JSON of a realistic size, polyline included),
 * visits (¾ completed), check-ins for the completed ones (a third paid, a
 * third promised), their payments and promises. SQL rather than MQTT/API
 * because only the read is measured here.
 */
export async function seed(databaseUrl: string, o: MetricsOptions, from: string, to: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query('begin');
    // The team's zone is the one its days are cut in (migration 0009): the seed's local times are in it.
    const team = (await c.query(`insert into teams (name, time_zone) values ('Bench metrics', $1) returning id`, [o.timeZone])).rows[0].id as number;
    await c.query(`insert into collectors (team_id, name) select $1, 'Métricas ' || lpad(g::text, 4, '0') from generate_series(1, $2) g`, [team, o.collectors]);
    await c.query(
      `insert into accounts (team_id, external_id, name, lat, lon, balance_due, installment_amount)
       select $1, 'bench-m-' || g, 'Cuenta ' || g, 20.67, -103.35, 6000, 150 + (g % 12) * 50 from generate_series(1, $2) g`,
      [team, o.collectors * o.visitsPerDay],
    );
    const shared = [team, from, to, o.timeZone];
    await c.query(
      `with cs as (select id, row_number() over (order by id) - 1 as k from collectors where team_id = $1),
            acc as (select min(id) as a0 from accounts where team_id = $1)
       insert into visits (account_id, team_id, collector_id, visit_date, priority, status, outcome)
       select acc.a0 + cs.k * ${o.visitsPerDay} + v, $1, cs.id, d::date, 50,
              case when v % 4 = 3 then 'missed' else 'completed' end,
              case when v % 4 = 3 then null when v % 3 = 0 then 'paid' when v % 3 = 1 then 'promise' else 'absent' end
       from cs, acc, generate_series($2::date, $3::date, interval '1 day') d, generate_series(0, ${o.visitsPerDay - 1}) v`,
      shared.slice(0, 3),
    );
    // Two versions a day, an optimization then a reassignment from where each collector is after half their visits:
    // planned km read both (server/metrics/planned-distance.ts).
    await c.query(
      `insert into plans (team_id, plan_date, version, kind, provider, created_by)
       select $1, d::date, v, case when v = 1 then 'optimize' else 'reassign' end, 'haversine', 'bench'
       from generate_series($2::date, $3::date, interval '1 day') d, generate_series(1, 2) v`,
      shared.slice(0, 3),
    );
    await c.query(
      `insert into plan_routes (plan_id, collector_id, route)
       select p.id, c.id, json_build_object('collectorId', c.id, 'collectorName', c.name,
                                            'startKind', case when p.version = 1 then 'office' else 'position' end,
                                            'stops', (select coalesce(json_agg(json_build_object('visitId', v.id, 'sequence', v.n, 'distanceM', 900 + v.n * 10) order by v.n), '[]')
                                                      from (select id, row_number() over (order by id) as n from visits where collector_id = c.id and visit_date = p.plan_date) v
                                                      where p.version = 1 or v.n > ${Math.floor(o.visitsPerDay / 2)}),
                                            'distanceM', 25000 + (c.id % 40) * 500 + p.version, 'durationS', 28800,
                                            'polyline', repeat('_p~iF~ps|U', 150))::text
       from plans p, collectors c where p.team_id = $1 and c.team_id = $1`,
      [team],
    );
    await c.query(
      `insert into checkins (id, visit_id, account_id, team_id, collector_id, ts, lat, lon, outcome, promise_date, promise_amount, on_site_s)
       select gen_random_uuid(), v.id, v.account_id, v.team_id, v.collector_id,
              (v.visit_date + time '09:00' + (v.id % 12) * interval '35 minutes') at time zone $4, 20.67, -103.35, v.outcome,
              case when v.outcome = 'promise' then v.visit_date + 7 end, case when v.outcome = 'promise' then 300 end, 420 + (v.id % 7) * 60
       from visits v where v.team_id = $1 and v.status = 'completed' and v.visit_date between $2 and $3`,
      shared,
    );
    await c.query(
      `insert into payments (id, visit_id, account_id, team_id, collector_id, ts, amount, currency, method, receipt_number)
       select gen_random_uuid(), ch.visit_id, ch.account_id, ch.team_id, ch.collector_id, ch.ts + interval '2 minutes', a.installment_amount, 'MXN', 'cash',
              row_number() over (order by ch.ts, ch.visit_id)
       from checkins ch join accounts a on a.id = ch.account_id where ch.team_id = $1 and ch.outcome = 'paid'`,
      [team],
    );
    await c.query(
      `insert into promises (checkin_id, account_id, team_id, visit_id, collector_id, promised_at, due_date, amount)
       select id, account_id, team_id, visit_id, collector_id, ts, promise_date, promise_amount from checkins where team_id = $1 and outcome = 'promise'`,
      [team],
    );
    await c.query(
      `insert into position_daily_rollup (device_id, collector_id, day, driven_m, moving_s, stopped_s, points, first_ts, last_ts)
       select 1000000 + c.id, c.id, d::date, 30000 + (c.id % 50) * 400, 4 * 3600, 3 * 3600, 25200,
              (d::date + time '08:30') at time zone $4, (d::date + time '17:30') at time zone $4
       from collectors c, generate_series($2::date, $3::date, interval '1 day') d where c.team_id = $1`,
      shared,
    );
    await c.query('commit');
    await c.query('analyze');
    const count = async (table: string) => Number((await c.query(`select count(*) from ${table} where team_id = $1`, [team])).rows[0].count);
    return { visits: await count('visits'), checkins: await count('checkins'), payments: await count('payments'), promises: await count('promises'), plans: await count('plans') };
  } finally {
    await c.end();
  }
}

/**
 * The server must be down while PGlite's directory is seeded (it serves one
 * session), so: start once to migrate, stop, seed through a private embedded
 * instance on the same directory, start again to measure.
 */
async function seededServer(kind: 'postgres' | 'pglite', o: MetricsOptions, from: string, to: string) {
  const storage = await createStorage(kind);
  const env = { TIME_ZONE: o.timeZone };
  const t0 = Date.now();
  let counts: Record<string, number>;
  if (storage.databaseUrl) {
    const server = await startServerProcess(kind, env, storage);
    counts = await seed(storage.databaseUrl, o, from, to);
    return { server, storage, counts, seedS: (Date.now() - t0) / 1000 };
  }
  await (await startServerProcess(kind, env, storage)).stop();
  const embedded = await startEmbeddedPostgres(storage.dataDir);
  try {
    counts = await seed(embedded.url, o, from, to);
  } finally {
    await embedded.close();
  }
  const server = await startServerProcess(kind, env, storage);
  return { server, storage, counts, seedS: (Date.now() - t0) / 1000 };
}

interface Call {
  ms: number;
  db: number;
  bytes: number;
  rows: number;
}

async function get(server: ServerProcess, path: string): Promise<Call> {
  const started = performance.now();
  const res = await fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${server.token}` } });
  const body = await res.text();
  const elapsed = performance.now() - started;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
  const db = Number(/db;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
  return { ms: elapsed, db, bytes: body.length, rows: (JSON.parse(body) as { rows: unknown[] }).rows.length };
}

/**
 * `calls` times: the requests of one page load in parallel, as the page sends them. `page` = until the last
 * answer's last byte; `db` = the slowest request's Server-Timing (query and JSON in the database); `cpu` = the
 * server process's CPU time over the load, which on PGlite includes the database (a thread of that process).
 */
async function measure(server: ServerProcess, paths: string[], calls: number, before: (i: number) => Promise<void> = async () => {}) {
  const page: number[] = [];
  const db: number[] = [];
  const cpu: number[] = [];
  let last: Call[] = [];
  for (let i = 0; i < calls; i++) {
    await before(i);
    const cpu0 = server.cpuMicros();
    const started = performance.now();
    last = await Promise.all(paths.map((p) => get(server, p)));
    page.push(performance.now() - started);
    cpu.push((server.cpuMicros() - cpu0) / 1000);
    db.push(Math.max(...last.map((c) => c.db)));
  }
  return { page: stats(page), db: stats(db), cpu: stats(cpu), last };
}

const line = (label: string, m: Awaited<ReturnType<typeof measure>>) =>
  `  ${label.padEnd(44)} p50 ${ms(m.page.p50)}, p95 ${ms(m.page.p95)}, max ${ms(m.page.max)}; database p50 ${ms(m.db.p50)}; server CPU p50 ${ms(m.cpu.p50)}`;

export async function benchMetrics(kind: 'postgres' | 'pglite', o: MetricsOptions): Promise<void> {
  console.log(`\n== metrics on ${kind}: ${o.collectors} collectors × ${o.days} days, ${o.calls} calls each ==`);
  const to = isoDay(Date.now() - 11 * 86_400_000);
  const from = isoDay(Date.now() - (10 + o.days) * 86_400_000);
  const { server, storage, counts, seedS } = await seededServer(kind, o, from, to);
  try {
    console.log(`  seeded ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')} + ${o.collectors * o.days} rollup rows in ${seedS.toFixed(1)} s`);
    const range = `from=${from}&to=${to}`;
    // What /metrics asks for when it opens (web/src/routes/(app)/metrics/+page.svelte): totals, the per-day charts,
    // the table by collector.
    const pagePaths = ['total', 'day', 'collector'].map((g) => `/api/metrics/summary?${range}&groupBy=${g}`);
    const rowsPath = `/api/metrics/collectors?${range}`;
    // The first read after the bulk load recomputes every (collector, day) pair the load marked (migration 0007);
    // after that a read recomputes only what was written since the last one.
    console.log(line(`first page load (recomputes ${o.collectors * o.days} collector-days)`, await measure(server, pagePaths, 1)));
    const page = await measure(server, pagePaths, o.calls);
    console.log(`  page load = ${page.last.map((c) => `${c.rows} rows`).join(' + ')} (${(page.last.reduce((n, c) => n + c.bytes, 0) / 1e3).toFixed(0)} kB), target ≤ 500 ms:`);
    console.log(line('page load', page));

    // A working day: payments keep arriving between page loads, each marking its collector's day for recomputation.
    const visits = ((await server.api('GET', `/api/visits?date=${to}&status=completed&limit=5000`)) as { visits: { id: number; collectorId: number }[] }).visits;
    const perCollector = [...new Map(visits.map((v) => [v.collectorId, v.id])).values()];
    const pay = async (i: number) => {
      const batch = perCollector.slice((i * o.writesPerRead) % perCollector.length).slice(0, o.writesPerRead);
      await Promise.all(
        batch.map((visitId) => server.api('POST', '/api/payments', { id: randomUUID(), visitId, ts: `${to}T20:00:00Z`, amount: 10, currency: 'MXN', method: 'cash' })),
      );
    };
    console.log(line(`page load after ${o.writesPerRead} new payments`, await measure(server, pagePaths, o.calls, pay)));

    const rows = await measure(server, [rowsPath], o.calls);
    console.log(`  every collector-day (detail view, CSV): ${rows.last[0].rows} rows, ${(rows.last[0].bytes / 1e6).toFixed(1)} MB JSON`);
    console.log(line('every collector-day', rows));
  } finally {
    await server.stop();
    await storage.drop();
  }
}
