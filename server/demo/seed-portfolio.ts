import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import { importAccounts } from '../operations/account-import.ts';
import type { Actor } from '../operations/actor.ts';
import { OperationError } from '../operations/errors.ts';
import { generateVisits } from '../operations/visit-generate.ts';
import { saveTeamSettings } from '../plans/plan.repository.ts';
import type { PlanService } from '../plans/plan.service.ts';
import { DEMO_CITY_CENTER, randomAddresses } from '../../simulators/demo-city/index.ts';
import { DEMO_LEAD_MIN, DEMO_SHIFT_MIN, localMinutes } from './demo-day.ts';
import { seededRandom } from '../../simulators/demo-city/random.ts';

const DEMO: Actor = { kind: 'system', label: 'demo' };
const GIVEN = ['Juan', 'Guadalupe', 'Francisco', 'Margarita', 'Antonio', 'Leticia', 'Alejandro', 'Teresa', 'Roberto', 'Alicia', 'Eduardo',
  'Silvia', 'Arturo', 'Norma', 'Sergio', 'Adriana', 'Manuel', 'Claudia', 'Javier', 'Beatriz', 'Alberto', 'Irma', 'Enrique', 'Yolanda'];
const FAMILY = ['Navarro', 'Ibarra', 'Delgado', 'Campos', 'Vargas', 'Salazar', 'Cervantes', 'Rojas', 'Guerrero', 'Estrada', 'Herrera',
  'Medina', 'Lozano', 'Ponce', 'Valdez', 'Fuentes', 'Ríos', 'Orozco', 'Cortés', 'Santana', 'Robles', 'Acosta', 'Zamora', 'Becerra'];

/** Today's date in the team's time zone, as visits are dated. */
export function localDate(timeZone: string, at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * The demo portfolio: debtors at real-looking addresses of the demo city,
 * today's visits generated from it and optimized into plans, so the wall,
 * the board and the phones have work from the first minute. Idempotent.
 */
export async function seedPortfolio(
  db: Kysely<Database>,
  plans: PlanService,
  opts: {
    timeZone: string;
    accountsPerTeam: number;
    visitsPerCollector: number;
    /** Shares each team's day out evenly among its collectors (team plan setting `evenShare`); unset leaves the team's own setting. */
    evenShare?: boolean;
    log: Logger;
  },
): Promise<void> {
  const teams = await db.selectFrom('teams').select(['id', 'name']).orderBy('id').execute();
  const rand = seededRandom(2026);
  const addresses = randomAddresses(opts.accountsPerTeam * teams.length, 77);
  for (const [t, team] of teams.entries()) {
    const existing = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', team.id).executeTakeFirstOrThrow();
    if (Number(existing.n) > 0) continue;
    const lines = ['externalId,name,address,lat,lon,phone,balanceDue,installmentAmount,daysPastDue,segment'];
    for (let i = 0; i < opts.accountsPerTeam; i++) {
      const a = addresses[t * opts.accountsPerTeam + i];
      const name = `${GIVEN[Math.floor(rand() * GIVEN.length)]} ${FAMILY[Math.floor(rand() * FAMILY.length)]} ${FAMILY[Math.floor(rand() * FAMILY.length)]}`;
      const installment = 150 + 50 * Math.floor(rand() * 12);
      const dpd = rand() < 0.15 ? 0 : Math.floor(rand() * 120);
      const balance = installment * (2 + Math.floor(rand() * 20));
      const segment = dpd > 90 ? 'legal' : dpd > 30 ? 'tardío' : 'temprano';
      lines.push(`DEMO-${team.id}-${String(i + 1).padStart(4, '0')},${name},${a.label},${a.position[1]},${a.position[0]},33${String(10_000_000 + Math.floor(rand() * 89_999_999))},${balance},${installment},${dpd},${segment}`);
    }
    const report = await importAccounts(db, lines.join('\n'), { defaultTeamId: team.id, actor: DEMO });
    opts.log.info({ team: team.name, imported: report.imported, invalid: report.invalid.length }, 'demo accounts');
  }

  const date = localDate(opts.timeZone);
  // The demo's working day starts when the demo does (whatever the hour), so there is always work left to watch.
  const startMin = Math.max(0, localMinutes(opts.timeZone) - DEMO_LEAD_MIN);
  const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  const { evenShare } = opts;
  // The demo's debtors are in the demo city: its teams leave from and return to its centre (a team with
  // no office would start each route at its first visit), unless someone set an office of their own.
  const withOffice = new Set((await db.selectFrom('team_plan_settings').select('team_id').where('office_lat', 'is not', null).execute()).map((r) => r.team_id));
  const inDemoCity = new Set((await db.selectFrom('accounts').select('team_id').distinct().where('external_id', 'like', 'DEMO-%').execute()).map((r) => r.team_id));
  const office = { lat: DEMO_CITY_CENTER[1], lon: DEMO_CITY_CENTER[0] };
  for (const team of teams) {
    await saveTeamSettings(db, team.id, {
      shift: { start: hhmm(startMin), end: hhmm(Math.min(24 * 60, startMin + DEMO_SHIFT_MIN)) },
      evenShare,
      ...(inDemoCity.has(team.id) && !withOffice.has(team.id) ? { office } : {}),
    });
  }

  const today = await db.selectFrom('visits').select((eb) => eb.fn.countAll<number>().as('n')).where('visit_date', '=', date).executeTakeFirstOrThrow();
  if (Number(today.n) > 0) return;
  const generated = await generateVisits(db, { date, teamIds: teams.map((t) => t.id), maxPerCollector: opts.visitsPerCollector, actor: DEMO });
  opts.log.info({ date, visits: generated.created }, 'demo visits');
  for (const team of teams) {
    try {
      const plan = await plans.optimize(DEMO, team.id, { date, options: { timeLimitMs: 3000 } });
      opts.log.info({ team: team.name, routes: plan.routes.length, unassigned: plan.unassigned.length }, 'demo plan');
    } catch (err) {
      // A team someone added without collectors or debtors got no visits: nothing to plan.
      if (!(err instanceof OperationError && err.statusCode === 422)) throw err;
      opts.log.info({ team: team.name }, 'demo plan skipped: no visits');
    }
  }
}
