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
    const team = (await c.query(`insert into teams (name) values ('Bench metrics') returning id`)).rows[0].id as number;
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
    // Two versions a day (an optimization, then a reassignment): the read must pick the second.
    await c.query(
      `insert into plans (team_id, plan_date, version, kind, provider, created_by)
       select $1, d::date, v, case when v = 1 then 'optimize' else 'reassign' end, 'haversine', 'bench'
       from generate_series($2::date, $3::date, interval '1 day') d, generate_series(1, 2) v`,
      shared.slice(0, 3),
    );
    await c.query(
      `insert into plan_routes (plan_id, collector_id, route)
       select p.id, c.id, json_build_object('collectorId', c.id, 'collectorName', c.name, 'stops', '[]'::json,
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

async function measure(server: ServerProcess, path: string, calls: number) {
  const total: number[] = [];
  const db: number[] = [];
  let rows = 0;
  let bytes = 0;
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const res = await fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${server.token}` } });
    const body = await res.text();
    total.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`metrics ${res.status}: ${body.slice(0, 200)}`);
    db.push(Number(/db;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN));
    bytes = body.length;
    rows = (JSON.parse(body) as { rows: unknown[] }).rows.length;
  }
  return { rows, bytes, total: stats(total), db: stats(db) };
}

export async function benchMetrics(kind: 'postgres' | 'pglite', o: MetricsOptions): Promise<void> {
  console.log(`\n== metrics on ${kind}: ${o.collectors} collectors × ${o.days} days, ${o.calls} calls ==`);
  const to = isoDay(Date.now() - 11 * 86_400_000);
  const from = isoDay(Date.now() - (10 + o.days) * 86_400_000);
  const { server, storage, counts, seedS } = await seededServer(kind, o, from, to);
  try {
    console.log(`  seeded ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')} + ${o.collectors * o.days} rollup rows in ${seedS.toFixed(1)} s`);
    const path = `/api/metrics/collectors?from=${from}&to=${to}`;
    // The first read after the bulk load recomputes every (collector, day) pair the load marked (migration 0007);
    // after that a read recomputes only what was written since the last one.
    const first = await measure(server, path, 1);
    console.log(`  first read (recomputes ${o.collectors * o.days} collector-days): query ${ms(first.db.max)}, request ${ms(first.total.max)}`);
    const r = await measure(server, path, o.calls);
    console.log(`  GET ${path} → ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB JSON`);
    console.log(`  query (Server-Timing db):        p50 ${ms(r.db.p50)}, p95 ${ms(r.db.p95)}, max ${ms(r.db.max)}`);
    console.log(`  request → last byte (localhost): p50 ${ms(r.total.p50)}, p95 ${ms(r.total.p95)}, max ${ms(r.total.max)} over ${r.total.n} calls (target ≤ 500 ms)`);
    // A working day: payments keep arriving between reads, each marking its collector's day for recomputation.
    const visits = ((await server.api('GET', `/api/visits?date=${to}&status=completed&limit=5000`)) as { visits: { id: number; collectorId: number }[] }).visits;
    const perCollector = [...new Map(visits.map((v) => [v.collectorId, v.id])).values()];
    const live: number[] = [];
    const liveDb: number[] = [];
    for (let i = 0; i < o.calls; i++) {
      const batch = perCollector.slice((i * o.writesPerRead) % perCollector.length).slice(0, o.writesPerRead);
      await Promise.all(
        batch.map((visitId) =>
          server.api('POST', '/api/payments', { id: randomUUID(), visitId, ts: `${to}T20:00:00Z`, amount: 10, currency: 'MXN', method: 'cash' }),
        ),
      );
      const m = await measure(server, path, 1);
      live.push(m.total.max);
      liveDb.push(m.db.max);
    }
    const l = stats(live);
    console.log(`  with ${o.writesPerRead} payments recorded before each read: query p50 ${ms(stats(liveDb).p50)}, request p50 ${ms(l.p50)}, p95 ${ms(l.p95)}`);
    const one = await measure(server, `${path}&collectorId=${(await server.api('GET', '/api/collectors')).collectors?.[0]?.id ?? 1}`, o.calls);
    console.log(`  one collector's 30 days:         p50 ${ms(one.total.p50)}, p95 ${ms(one.total.p95)} (${one.rows} rows)`);
  } finally {
    await server.stop();
    await storage.drop();
  }
}
