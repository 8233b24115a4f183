import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import type { PlanOut } from '../../contract/plan.ts';
import type { TestServer } from '../../../test/support/test-server.ts';

/**
 * One team's day, recorded through the real paths (CSV import, visits API,
 * optimizer, MQTT positions, check-in and payment API), for the metrics
 * integration and end-to-end tests. EXPECTED below is the same day worked out
 * by hand from these rows.
 *
 * Day 2026-11-20, America/Mexico_City (UTC−6 all year since 2022). Rosa has a
 * phone reporting once a minute; every fix lies on the meridian −103.35, so a
 * leg's length is plain R·Δφ: 0.001° of latitude = 6,371,008.8 m × π/180 ÷ 1000
 * = 111.195 m.
 *
 *   local  where (lat)                         speed  what
 *   09:00–09:05  20.655 → 20.670, +0.003/min    20    5 moving minutes, 0.015°
 *   09:06–09:15  20.670 (Ana)                    0    10 stopped minutes; check-in paid at 09:15, pays 400 at 09:16
 *   09:16–09:19  20.670 → 20.682                20    4 moving minutes, 0.012°
 *   09:20–09:29  20.682 (Beto)                   0    10 stopped minutes; check-in promise (600 for 11-27) at 09:29
 *   09:30–09:33  20.682 → 20.694                20    4 moving minutes, 0.012°
 *   09:34–09:38  20.694 (Carla)                  0    5 stopped minutes; check-in partial at 09:38, pays 200 at 09:38:30
 *   09:39–09:42  20.694 → 20.706                20    4 moving minutes, 0.012°
 *   09:43–09:57  20.706 (nobody's door)          0    15 stopped minutes; check-in absent for Darío (20.700, 667 m away) at 09:57
 *
 * Luis has no device; the office records his paid check-in at Félix's at 11:00 and a payment of 200.
 * Elena's visit (Rosa's) is cancelled by a reassignment after the first plan.
 */
export const DAY = '2026-11-20';
export const TIME_ZONE = 'America/Mexico_City';
const LON = -103.35;
const localMs = (hhmm: string, s = 0) => Date.parse(`${DAY}T${hhmm}:00-06:00`) + s * 1000;

const ACCOUNTS = [
  // external id, name, lat, lon, installment
  ['MET-ANA', 'Ana Ruiz', 20.67, LON, 400],
  ['MET-BETO', 'Beto Soto', 20.682, LON, 300],
  ['MET-CARLA', 'Carla Vega', 20.694, LON, 500],
  ['MET-DARIO', 'Darío Luna', 20.7, LON, 250],
  // A block west of Rosa's street: her first plan detours there, the reassignment that cancels it does not.
  ['MET-ELENA', 'Elena Mora', 20.676, -103.36, 350],
  ['MET-FELIX', 'Félix Paz', 20.64, LON, 200],
] as const;

/** Rosa's trail, the header's table one fix a minute from 09:00. */
function rosaTrail(): { ts: number; lat: number; lon: number; speed: number }[] {
  const fixes: { ts: number; lat: number; lon: number; speed: number }[] = [];
  let minute = 0;
  let lat = 20.655;
  const fix = (speed: number) => fixes.push({ ts: localMs('09:00') + minute * 60_000, lat, lon: LON, speed });
  const ride = (minutes: number) => {
    for (let i = 0; i < minutes; i++) {
      minute += 1;
      lat = +(lat + 0.003).toFixed(3);
      fix(20);
    }
  };
  const stay = (minutes: number) => {
    for (let i = 0; i < minutes; i++) {
      minute += 1;
      fix(0);
    }
  };
  fix(20);
  ride(5);
  stay(10);
  ride(4);
  stay(10);
  ride(4);
  stay(5);
  ride(4);
  stay(15);
  return fixes;
}

export interface MetricsScenario {
  teamId: number;
  rosa: number;
  luis: number;
  /** The day's plans: the first optimization and the reassignment that replaced it. */
  firstPlan: PlanOut;
  latestPlan: PlanOut;
  trail: ReturnType<typeof rosaTrail>;
  /** Visit and account ids by external id (MET-ANA…). */
  visits: Map<string, number>;
  accounts: Map<string, number>;
}

async function ok<T>(what: string, p: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function seedMetricsScenario(t: TestServer): Promise<MetricsScenario> {
  const team = await ok<{ id: number }>('team', t.api('POST', '/api/teams', { name: 'Norte' }));
  const rosa = (await ok<{ id: number }>('Rosa', t.api('POST', '/api/collectors', { name: 'Rosa Díaz', teamId: team.id }))).id;
  const luis = (await ok<{ id: number }>('Luis', t.api('POST', '/api/collectors', { name: 'Luis Ortega', teamId: team.id }))).id;
  const phone = await t.createDevice('rosa-phone', rosa);

  const csv = ['external_id,name,address,lat,lon,phone,balance_due,installment_amount,days_past_due,segment,team',
    ...ACCOUNTS.map(([ext, name, lat, lon, inst]) => `${ext},${name},Calle ${ext},${lat},${lon},,5000,${inst},30,consumo,Norte`)].join('\n');
  const imported = await fetch(`${t.baseUrl}/api/accounts/import`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${t.token}` }, body: csv });
  if (imported.status !== 200) throw new Error(`import: ${imported.status} ${await imported.text()}`);
  const accountId = new Map(
    (await t.server.dbh.db.selectFrom('accounts').select(['id', 'external_id']).where('team_id', '=', team.id).execute()).map((a) => [a.external_id, a.id]),
  );

  const visit = new Map<string, number>();
  for (const [ext] of ACCOUNTS) {
    const collectorId = ext === 'MET-FELIX' ? luis : rosa;
    const v = await ok<{ id: number }>(`visit ${ext}`, t.api('POST', '/api/visits', { accountId: accountId.get(ext), date: DAY, collectorId }));
    visit.set(ext, v.id);
    // Keep each visit with its collector: the day below is Rosa's and Luis's as it happened.
    await ok(`pin ${ext}`, t.api('PUT', `/api/plans/settings/visits/${v.id}`, { pinned: true }));
  }
  await ok('office', t.api('PUT', `/api/plans/settings/teams/${team.id}`, { office: { lat: 20.655, lon: LON } }));
  const firstPlan = await ok<PlanOut>('optimize', t.api('POST', '/api/plans/optimize', { date: DAY, teamId: team.id, options: { iterations: 50, seed: 1 } }));
  const elena = await ok<{ version: number }>('Elena', t.api('GET', `/api/visits/${visit.get('MET-ELENA')}`));
  const latestPlan = await ok<PlanOut>(
    'reassign',
    t.api('POST', `/api/plans/${DAY}/reassign`, { teamId: team.id, cancel: [{ visitId: visit.get('MET-ELENA'), version: elena.version }], options: { iterations: 50, seed: 1 } }),
  );

  const trail = rosaTrail();
  const mq = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.server.ports.mqtt}`, { username: 'rosa-phone', password: phone.token });
  await mq.publishAsync('ronda/rosa-phone/position', JSON.stringify(trail), { qos: 1 });
  // The phone resends part of its buffer after losing coverage: no distance or time may count twice.
  await mq.publishAsync('ronda/rosa-phone/position', JSON.stringify(trail.slice(10, 30)), { qos: 1 });
  await mq.endAsync();

  const checkin = (ext: string, hhmm: string, lat: number, outcome: string, extra: object = {}) =>
    ok(`check-in ${ext}`, t.api('POST', '/api/checkins', { id: randomUUID(), visitId: visit.get(ext), ts: new Date(localMs(hhmm)).toISOString(), lat, lon: LON, outcome, ...extra }));
  const pay = (ext: string, ts: number, amount: number, id = randomUUID()) =>
    ok(`payment ${ext}`, t.api('POST', '/api/payments', { id, visitId: visit.get(ext), ts: new Date(ts).toISOString(), amount, currency: 'MXN', method: 'cash' }));

  await checkin('MET-ANA', '09:15', 20.67, 'paid');
  const anaPayment = randomUUID();
  await pay('MET-ANA', localMs('09:16'), 400, anaPayment);
  await pay('MET-ANA', localMs('09:16'), 400, anaPayment); // the same payment resent: one row
  await checkin('MET-BETO', '09:29', 20.682, 'promise', { promiseDate: '2026-11-27', promiseAmount: 600 });
  await checkin('MET-CARLA', '09:38', 20.694, 'partial');
  await pay('MET-CARLA', localMs('09:38', 30), 200);
  await checkin('MET-DARIO', '09:57', 20.706, 'absent');
  await checkin('MET-FELIX', '11:00', 20.64, 'paid');
  await pay('MET-FELIX', localMs('11:01'), 200);
  return { teamId: team.id, rosa, luis, firstPlan, latestPlan, trail, visits: visit, accounts: accountId };
}

const M_PER_MILLIDEGREE = (6_371_008.8 * Math.PI) / 180 / 1000;
const routeKm = (plan: PlanOut, collectorId: number) => Math.round(plan.routes.find((r) => r.collectorId === collectorId)!.distanceM / 10) / 100;

/** The day by hand, from the table in this file's header. */
export function expectedFigures(s: MetricsScenario) {
  const rosaMovingMin = 5 + 4 + 4 + 4; // each ride's minutes
  const rosaStoppedMin = 10 + 10 + 5 + 15; // each stay's minutes
  const rosaOnSiteMin = 10 + 10 + 5; // arrival fix → check-in at Ana (09:05→09:15), Beto (09:19→09:29), Carla (09:33→09:38); Darío: never at his door
  return {
    rosa: {
      plannedKm: routeKm(s.latestPlan, s.rosa),
      drivenKm: Math.round(((15 + 12 + 12 + 12) * M_PER_MILLIDEGREE) / 10) / 100, // 51 millidegrees × 111.195 m = 5,670.9 m
      visitsPlanned: 4, // Ana, Beto, Carla, Darío (Elena cancelled)
      visitsCompleted: 3, // Darío absent = missed
      visitsWithPayment: 2, // Ana, Carla
      effectiveRate: 0.6667, // 2 ÷ 3
      collected: 400 + 200,
      promised: 600,
      due: 400 + 300 + 500 + 250,
      timedVisits: 3,
      onSiteMin: rosaOnSiteMin,
      avgVisitMin: 8.3, // 25 ÷ 3 = 8.33
      idleMin: rosaStoppedMin - rosaOnSiteMin, // 15: the stop at nobody's door
      movingMin: rosaMovingMin,
      firstReport: new Date(localMs('09:00')).toISOString(),
      lastReport: new Date(localMs('09:57')).toISOString(),
    },
    luis: {
      plannedKm: routeKm(s.latestPlan, s.luis),
      drivenKm: 0,
      visitsPlanned: 1,
      visitsCompleted: 1,
      visitsWithPayment: 1,
      effectiveRate: 1,
      collected: 200,
      promised: 0,
      due: 200,
      timedVisits: 0, // no device, no trail to time it by
      onSiteMin: 0,
      avgVisitMin: null,
      idleMin: 0,
      movingMin: 0,
      firstReport: null,
      lastReport: null,
    },
  };
}
