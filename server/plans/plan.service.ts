import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { PLAN_REFUSALS, type OptimizeRequest, type PlanOut, type ReassignRequest, type UnassignedVisit } from '../contract/plan.ts';
import type { VisitOut } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { isDeadlock } from '../db/sqlstate.ts';
import { KeyedSerial } from '../lib/keyed-serial.ts';
import { actorLabel, assertCanWrite, type Actor } from '../operations/actor.ts';
import { OperationError, refusal } from '../operations/errors.ts';
import type { TravelMatrixProvider } from '../routing/matrix/index.ts';
import type { SolveOptions } from '../routing/solver/index.ts';
import type { NotifyRecord } from '../operations/live-events.ts';
import { withFormer } from '../operations/visit.service.ts';
import { listVisits } from '../operations/visit.repository.ts';
import { localMidnightMs } from './local-time.ts';
import { computePlan, toUnassigned, type ComputedPlan } from './plan-builder.ts';
import {
  doneVisits,
  insertPlan,
  latestPlan,
  latestPositions,
  loadCollectors,
  loadOpenVisits,
  loadTeamPlanning,
  setPlacements,
  type TeamPlanning,
} from './plan.repository.ts';
import type { PlanningCollector, PlanningInput, PlanningVisit } from './planning-problem.ts';
import { applyReassign, assertChangesKept, notActiveCollector } from './reassign-changes.ts';
import { PhonePlans, planAsServed } from './phone-plans.ts';
import type { SolverThread } from './solver-thread.ts';

export interface PlanServiceDeps {
  db: Kysely<Database>;
  provider: TravelMatrixProvider;
  solver: SolverThread;
  log: Logger;
  /** Retained MQTT publish (SPEC §5 `ronda/{uniqueId}/plan`). */
  publishRetained(topic: string, payload: string): Promise<void>;
  /** Live `visit` events for the visits a plan changed (collector, status), after commit (SPEC §7). */
  notify: NotifyRecord;
  now?: () => number;
}

/** Issue 4 budgets: a full optimization 2 s unless asked otherwise; a reassignment must answer within 1 s end to end. */
const OPTIMIZE_LIMIT_MS = 2000;
const REASSIGN_LIMIT_MS = 150;
/**
 * A reassignment's re-plan stops after this many iterations without a better plan: of 30
 * two-route re-plans (bench), 27 had their best straight from construction and local search
 * and all by iteration 274, and 1 s found nothing better in any; the rest of the 150 ms
 * (~1,200 iterations) only delayed the dispatcher's answer.
 */
const REASSIGN_PATIENCE = 500;
const DAY_MS = 86_400_000;
/**
 * Times a plan change is computed before the caller hears the day moved on while it was (409 `changed`):
 * with a team at work a check-in lands every few seconds, and a dispatcher's move must not fail for one
 * at another visit. Each run reads the day afresh and checks the caller's versions again.
 */
const CHANGED_ATTEMPTS = 3;

type PlanListener = (plan: PlanOut) => void;

/** A time limit unless the caller asked for a number of iterations only (reproducible plans). */
function budget(o: { timeLimitMs?: number; seed?: number; iterations?: number } | undefined, defaultMs: number, patience?: number): SolveOptions {
  const timeLimitMs = o?.timeLimitMs ?? (o?.iterations === undefined ? defaultMs : undefined);
  return { timeLimitMs, iterations: o?.iterations, seed: o?.seed, patience };
}

/**
 * Day plans (issue 4): optimize a team's day, reassign with a warm re-plan of
 * the collectors it touches, store each result as a new version, hand each
 * changed route to the phones (PhonePlans), and tell listeners (the live
 * stream, the deviation engine) after commit.
 */
export class PlanService {
  private readonly listeners: PlanListener[] = [];
  private readonly busy = new KeyedSerial<string>();
  private readonly now: () => number;
  private readonly phones: PhonePlans;

  constructor(private readonly deps: PlanServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.phones = new PhonePlans({ ...deps, now: this.now });
  }

  /** Today's plans again to the phones of `collectorIds` (all when null): see PhonePlans. */
  publishCurrent(collectorIds: number[] | null): Promise<void> {
    return this.phones.publishCurrent(collectorIds);
  }

  /** Each team whose day turned since the last call gets its new day's plan on its phones: see PhonePlans. */
  publishNewDays(): Promise<void> {
    return this.phones.publishNewDays();
  }

  /** A visit's new status to the phones that hold it: see PhonePlans. */
  visitChanged(v: VisitOut): Promise<void> {
    return this.phones.visitChanged(v);
  }

  /** Called with every stored plan, after commit (live `plan` event, deviation engine's setPlan). */
  onStored(listener: PlanListener): void {
    this.listeners.push(listener);
  }

  async current(teamId: number, date: string): Promise<PlanOut> {
    const team = await loadTeamPlanning(this.deps.db, teamId);
    const plan = await latestPlan(this.deps.db, teamId, date);
    if (!plan) throw refusal(PLAN_REFUSALS, 'plan_not_found', `a plan for team ${teamId} on ${date} does not exist`, { teamId, date });
    return planAsServed(this.deps.db, plan, team, date, []);
  }

  /** The current plan of `teamId` (of every team when null) on `date`, for each team that has one. */
  async ofDay(teamId: number | null, date: string): Promise<PlanOut[]> {
    let q = this.deps.db.selectFrom('plans').select('team_id').distinct().where('plan_date', '=', date);
    if (teamId !== null) q = q.where('team_id', '=', teamId);
    const teams = await q.orderBy('team_id').execute();
    return Promise.all(teams.map((t) => this.current(t.team_id, date)));
  }

  optimize(actor: Actor, teamId: number, req: OptimizeRequest): Promise<PlanOut> {
    assertCanWrite(actor, teamId);
    return this.exclusive(teamId, req.date, async () => {
      const team = await loadTeamPlanning(this.deps.db, teamId);
      const only = req.collectorIds ? [...new Set(req.collectorIds)] : null;
      const collectors = await this.planningCollectors(team, req.date, only);
      const missing = only?.find((id) => !collectors.some((c) => c.id === id));
      if (missing !== undefined) throw notActiveCollector(missing, teamId);
      const visits = await loadOpenVisits(this.deps.db, teamId, req.date, only, true);
      // A whole day with nothing left to visit would only store an empty plan over the last one.
      if (visits.length === 0 && only === null) throw refusal(PLAN_REFUSALS, 'no_open_visits', `team ${teamId} has no open visits on ${req.date} to plan`, { teamId, date: req.date });
      const computed = await this.compute(team, req.date, { collectors, visits, warm: false, evenShare: team.evenShare }, budget(req.options, OPTIMIZE_LIMIT_MS));
      return this.store(actor, team, req.date, 'optimize', visits, computed, only !== null, new Set());
    });
  }

  reassign(actor: Actor, teamId: number, date: string, req: ReassignRequest): Promise<PlanOut> {
    assertCanWrite(actor, teamId);
    return this.exclusive(teamId, date, async () => {
      const team = await loadTeamPlanning(this.deps.db, teamId);
      // Only the plan's collectors are re-planned; with no plan, a stored "plan" would hold just them.
      if (!(await latestPlan(this.deps.db, teamId, date))) throw refusal(PLAN_REFUSALS, 'no_plan_yet', `team ${teamId} has no plan on ${date} yet; optimize the day first`, { teamId, date });
      const apply = (tx: Transaction<Database>) => applyReassign(tx, teamId, date, req, actor);
      // The re-plan is computed on the day as the changes leave it, but they commit only with the plan it gives.
      const { changes, open } = await rolledBack(this.deps.db, async (tx) => {
        const changes = await apply(tx);
        return { changes, open: await loadOpenVisits(tx, teamId, date, [...changes.affected], false) };
      });
      const collectors = await this.planningCollectors(team, date, [...changes.affected].sort((a, b) => a - b));
      const planned = new Set(collectors.map((c) => c.id));
      const visits = open.filter((v) => planned.has(v.collectorId!));
      const input: PlanningInput = { collectors, visits, warm: true, orders: changes.orders, fresh: changes.moved, keepCollectors: true };
      const computed = await this.compute(team, date, input, budget(req.options, REASSIGN_LIMIT_MS, REASSIGN_PATIENCE));
      assertChangesKept(req, computed, visits);
      const touched = new Set([...changes.moved, ...changes.cancelled]);
      return this.store(actor, team, date, 'reassign', visits, computed, true, touched, apply, changes.takenFrom);
    });
  }

  /**
   * One plan change at a time per team and day in this process; across processes the row locks and version checks decide.
   * A run that met a day moved on (a visit or collector it read changed before it stored) runs again, up to CHANGED_ATTEMPTS;
   * so does one PostgreSQL rolled back as a deadlock's victim (before migration 0020, a re-plan and phones' check-ins marked
   * the metrics' collector-days in opposite orders; a re-plan still locks many visits at once): the dispatcher's move must
   * not fail with a 500 for a rollback that stored nothing.
   */
  private exclusive<T>(teamId: number, date: string, work: () => Promise<T>): Promise<T> {
    return this.busy.run(`${teamId}:${date}`, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await work();
        } catch (err) {
          const again = (err instanceof OperationError && err.reason === 'changed') || isDeadlock(err);
          if (!again || attempt >= CHANGED_ATTEMPTS) throw err;
          this.deps.log.info({ teamId, date, attempt, reason: (err as Error).message }, 'the day moved on while a plan was computed: computing it again');
        }
      }
    });
  }

  private compute(team: TeamPlanning, date: string, input: PlanningInput, options: SolveOptions): Promise<ComputedPlan> {
    return computePlan(this.deps, input, localMidnightMs(date, team.timeZone), options);
  }

  /**
   * Start, end and hours of each collector: from the team office (or, once the
   * day is under way, the collector's latest position of the day and now) to
   * the office by the end of the shift. A team with no office has no fixed
   * start or end: the route starts at its first visit (or where the collector
   * is, once they report) and ends at its last.
   */
  private async planningCollectors(team: TeamPlanning, date: string, ids: number[] | null): Promise<PlanningCollector[]> {
    const rows = await loadCollectors(this.deps.db, team.id, ids);
    const midnight = localMidnightMs(date, team.timeZone);
    const now = this.now();
    const positions = await latestPositions(this.deps.db, rows.map((r) => r.id), midnight, Math.min(now + 1, midnight + DAY_MS));
    const office = team.office;
    const nowS = (now - midnight) / 1000;
    return rows.map((r) => {
      const shiftStartS = (r.shiftStartMin ?? team.shiftStartMin) * 60;
      const shiftEndS = (r.shiftEndMin ?? team.shiftEndMin) * 60;
      const today = nowS >= 0 && nowS < DAY_MS / 1000;
      const position = positions.get(r.id);
      const departS = today ? Math.max(shiftStartS, Math.ceil(nowS)) : shiftStartS;
      // A break whose window has passed by the time the collector sets off, or opens after their shift, is not
      // planned: a collector off at noon does not lunch at two (and, kept, made them unusable for the day).
      const pause = team.break && team.break.endMin * 60 >= departS && team.break.startMin * 60 + team.break.minutes * 60 <= shiftEndS ? team.break : null;
      return {
        id: r.id,
        name: r.name,
        skills: r.skills,
        start: position?.at ?? office,
        startKind: position ? 'position' : office ? 'office' : 'first_visit',
        departS,
        shiftEndS,
        end: office,
        maxVisits: r.maxVisits ?? team.maxVisits,
        speedFactor: r.speedFactor,
        break: pause ? { windowS: [pause.startMin * 60, pause.endMin * 60] as const, durationS: pause.minutes * 60 } : null,
      };
    });
  }

  /**
   * Stores the result as the day's next version. Not `partial`: a full plan that
   * replaces every route; otherwise the previous version's routes of collectors
   * not planned now are carried over as stored (byte-identical), with the
   * previous unassigned visits this run did not see (minus `touched` ones).
   * Visits the run read must not have changed meanwhile (409 otherwise).
   * `apply` makes the changes the plan was computed for, in the same transaction.
   */
  private async store(
    actor: Actor,
    team: TeamPlanning,
    date: string,
    kind: 'optimize' | 'reassign',
    seen: PlanningVisit[],
    computed: ComputedPlan,
    partial: boolean,
    touched: Set<number>,
    apply?: (tx: Transaction<Database>) => Promise<unknown>,
    /** Visits `apply` moved, by the collector each was taken from (`seen` holds them as moved). */
    takenFrom: ReadonlyMap<number, number> = new Map(),
  ): Promise<PlanOut> {
    const by = actorLabel(actor);
    const now = new Date(this.now());
    const seenById = new Map(seen.map((v) => [v.id, v]));
    const changedVisits = new Set(touched);
    const stored = await this.deps.db.transaction().execute(async (tx) => {
      await apply?.(tx);
      if (seen.length > 0) {
        const current = await tx.selectFrom('visits').select(['id', 'version']).where('id', 'in', [...seenById.keys()]).orderBy('id').forUpdate().execute();
        const versions = new Map(current.map((r) => [r.id, r.version]));
        const moved = seen.find((v) => versions.get(v.id) !== v.version);
        if (moved) throw refusal(PLAN_REFUSALS, 'changed', `visit ${moved.id} changed while the plan was computed; run it again`, {});
      }
      const prev = await latestPlan(tx, team.id, date);
      const routes = new Map<number, string>();
      if (partial && prev) for (const [collectorId, text] of prev.routes) if (!computed.routes.has(collectorId)) routes.set(collectorId, text);

      // The re-plan routes only the open visits: the day's done ones stay with the route, or its column loses them.
      const done = await doneVisits(tx, team.id, date, [...computed.routes.keys()]);
      const assign = new Map<number, number[]>();
      for (const route of computed.routes.values()) {
        const finished = done.get(route.collectorId);
        if (finished) route.done = finished;
        for (const stop of route.stops) {
          const v = seenById.get(stop.visitId)!;
          if (v.collectorId === route.collectorId && v.status !== 'planned') continue;
          assign.set(route.collectorId, [...(assign.get(route.collectorId) ?? []), v.id]);
          stop.visitVersion = v.version + 1;
          if (stop.status === 'planned') stop.status = 'assigned';
        }
        routes.set(route.collectorId, JSON.stringify(route));
      }
      // Read at the start, the collectors may have left or moved team since (PATCH /api/collectors/{id}, which waits for this lock).
      const routed = [...computed.routes.keys()];
      const still = new Set(
        routed.length ? (await tx.selectFrom('collectors').select('id').where('id', 'in', routed).where('team_id', '=', team.id).where('active', '=', true).forShare().execute()).map((c) => c.id) : [],
      );
      const gone = routed.find((id) => !still.has(id));
      if (gone !== undefined) throw refusal(PLAN_REFUSALS, 'changed', `collector ${gone} left team ${team.id} or was deactivated while the plan was computed; run it again`, {});
      for (const [collectorId, ids] of assign) {
        for (const id of ids) changedVisits.add(id);
        await tx
          .updateTable('visits')
          .set({ collector_id: collectorId, status: sql`case when status = 'planned' then 'assigned' else status end`, version: sql`version + 1`, updated_by: by, updated_at: now })
          .where('id', 'in', ids)
          .execute();
      }
      // A visit left out is nobody's: back to "planned" so the day shows it still needs a collector.
      const droppedFrom = new Map(computed.unassigned.filter((u) => u.visit.collectorId !== null && u.visit.status === 'assigned').map((u) => [u.visit.id, u.visit.collectorId!]));
      const dropped = [...droppedFrom.keys()];
      for (const id of dropped) changedVisits.add(id);
      if (dropped.length) {
        await tx.updateTable('visits').set({ collector_id: null, status: 'planned', version: sql`version + 1`, updated_by: by, updated_at: now }).where('id', 'in', dropped).execute();
      }

      // A visit this version took off a route names that route's collector, for the board to say so; a carried one was not taken off now.
      const left = toUnassigned(computed.unassigned).map((u) => (droppedFrom.has(u.visitId) ? { ...u, fromCollectorId: droppedFrom.get(u.visitId) } : u));
      const carried: UnassignedVisit[] = (partial && prev ? prev.unassigned.filter((u) => !seenById.has(u.visitId) && !touched.has(u.visitId)) : []).map(
        ({ fromCollectorId: _, ...u }) => u,
      );
      const unassigned = [...left, ...carried].sort((a, b) => b.priority - a.priority || a.visitId - b.visitId);
      const plan = await insertPlan(tx, { teamId: team.id, date, kind, provider: computed.provider, createdBy: by, unassigned, routes });
      await setPlacements(tx, plan.id, [
        ...[...computed.routes.values()].flatMap((r) => r.stops.map((s) => ({ visitId: s.visitId, sequence: s.sequence, eta: new Date(s.eta) }))),
        ...computed.unassigned.map((u) => ({ visitId: u.visit.id, sequence: null, eta: null })),
      ]);
      return plan;
    });

    const changed = [...computed.routes.keys()].sort((a, b) => a - b);
    // Routes carried over from the last version still hold their stops' statuses of then: read with today's.
    const out = await this.phones.stored(stored, team, date, changed);
    for (const listener of this.listeners) listener(out);
    if (changedVisits.size > 0) {
      const visits = await listVisits(this.deps.db, { date, teamId: team.id, limit: 5000 }, null);
      for (const v of visits) if (changedVisits.has(v.id)) this.deps.notify('visit', v.teamId, withFormer(v, takenFrom.get(v.id) ?? seenById.get(v.id)?.collectorId));
    }
    return out;
  }
}

const ROLLBACK = Symbol('rollback');

/** What `work` reads in a transaction that is then rolled back: a preview of changes not yet committed. */
async function rolledBack<T>(db: Kysely<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
  let out: { value: T } | undefined;
  try {
    await db.transaction().execute(async (tx) => {
      out = { value: await work(tx) };
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return out!.value;
}
