import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { PhonePlan, PlanOut, PlanRoute } from '../contract/plan.ts';
import type { VisitOut, VisitStatus } from '../contract/visit.ts';
import type { Database } from '../db/database.ts';
import { planTopic } from '../ingest/mqtt-topics.ts';
import { KeyedSerial } from '../lib/keyed-serial.ts';
import { localDate } from './local-time.ts';
import { devicesOf, latestPlan, loadTeamPlanning, toPlanOut, visitStates, type StoredPlan, type TeamPlanning } from './plan.repository.ts';

export interface PhonePlansDeps {
  db: Kysely<Database>;
  log: Logger;
  /** Retained MQTT publish (SPEC §5 `ronda/{uniqueId}/plan`); an empty payload clears the topic. */
  publishRetained(topic: string, payload: string): Promise<void>;
  now: () => number;
}

/** A stored plan as served and published: each stop with its visit's current status. */
export async function planAsServed(db: Kysely<Database>, plan: StoredPlan, team: TeamPlanning, date: string, changed: readonly number[]): Promise<PlanOut> {
  return toPlanOut(plan, team, date, changed, await visitStates(db, team.id, date));
}

/**
 * Each collector's phones hold the collector's plan of today, retained (SPEC §5): sent when a plan is stored for
 * today, again when one of its visits changes status, at server start, when a device is registered and at each
 * team's midnight. One publish at a time per team, each reading the plan and statuses when its turn comes: the
 * retained copy never goes back.
 */
export class PhonePlans {
  private readonly publishing = new KeyedSerial<number>();
  /** What this instance last published of each visit (collector, status), and which visits each collector's plan held. */
  private readonly held = new Map<number, { collectorId: number; status: VisitStatus }>();
  private readonly heldBy = new Map<number, number[]>();
  /** Each team's local day when publishNewDays last looked. */
  private readonly dayOf = new Map<number, string>();
  /** Each team's time zone as last read (a change is read within a minute, by publishNewDays). */
  private readonly zoneOf = new Map<number, string>();

  constructor(private readonly deps: PhonePlansDeps) {}

  /**
   * A plan just stored, as served; its changed collectors' phones get it when it is today's. A phone holds its
   * collector's plan of today: tomorrow's, made this afternoon, waits for its day (publishNewDays).
   */
  stored(plan: StoredPlan, team: TeamPlanning, date: string, changed: readonly number[]): Promise<PlanOut> {
    return this.publishing.run(team.id, async () => {
      const out = await planAsServed(this.deps.db, plan, team, date, changed);
      this.zoneOf.set(team.id, team.timeZone);
      if (date === localDate(this.deps.now(), team.timeZone)) await this.publish(out, [...changed]);
      return out;
    });
  }

  /**
   * Publishes again the plan of today (in each team's zone) of `collectorIds` (every collector
   * when null) to their devices: the embedded broker keeps retained messages in memory only,
   * and a phone registered after its collector's plan was stored has never had it.
   */
  async publishCurrent(collectorIds: number[] | null): Promise<void> {
    let q = this.deps.db.selectFrom('teams').select(['id', 'time_zone']);
    if (collectorIds) q = q.where('id', 'in', this.deps.db.selectFrom('collectors').select('team_id').where('id', 'in', collectorIds.length ? collectorIds : [-1]));
    for (const team of await q.execute()) await this.publishing.run(team.id, () => this.publishToday(team.id, team.time_zone, collectorIds));
  }

  /**
   * Each team whose day has turned since the last call (at its local midnight) gets its new day's plan published
   * (a plan made the day before waited for it; see the re-plan's publish), or the day gone's cleared when it has none.
   * The first call only notes the days.
   */
  async publishNewDays(): Promise<void> {
    const teams = await this.deps.db.selectFrom('teams').select(['id', 'time_zone']).execute();
    for (const team of teams) {
      this.zoneOf.set(team.id, team.time_zone);
      const today = localDate(this.deps.now(), team.time_zone);
      const seen = this.dayOf.get(team.id);
      this.dayOf.set(team.id, today);
      if (seen !== undefined && seen !== today) await this.publishing.run(team.id, () => this.publishToday(team.id, team.time_zone, null));
    }
  }

  /**
   * Today's plan of the team to the devices of `collectorIds` (all when null); with `withVisit`, only a route holding it.
   * A collector with no route today (no plan yet, joined since, off today) has no round today: the retained plan of a
   * day gone must not send them on it again.
   */
  private async publishToday(teamId: number, timeZone: string, collectorIds: number[] | null, withVisit?: number): Promise<void> {
    const date = localDate(this.deps.now(), timeZone);
    const stored = await latestPlan(this.deps.db, teamId, date);
    const out = stored ? await planAsServed(this.deps.db, stored, await loadTeamPlanning(this.deps.db, teamId), date, []) : null;
    if (withVisit === undefined) return this.publish(out, await teamCollectors(this.deps.db, teamId, collectorIds));
    const holding = out?.routes.filter((r) => (!collectorIds || collectorIds.includes(r.collectorId)) && r.stops.some((s) => s.visitId === withVisit));
    if (holding?.length) await this.publish(out, holding.map((r) => r.collectorId));
  }

  /**
   * A visit changed (a check-in, a cancellation…): if its status is not what its collector's phone
   * was last sent, that collector's plan of today goes again, retained. A phone that restarts reads
   * the retained copy, which must not send the collector back to a debtor who already paid. One
   * publish per status change; none when the phone already shows it (a re-plan just published it).
   */
  visitChanged(v: VisitOut): Promise<void> {
    // Phones hold today's plan only. A plan made ahead changes hundreds of visits at once: each looked up
    // here queued the next re-plan's answer behind ~1,000 queries (2.4 s on the embedded database).
    const zone = this.zoneOf.get(v.teamId);
    if (!this.held.has(v.id) && zone !== undefined && v.date !== localDate(this.deps.now(), zone)) return Promise.resolve();
    return this.publishing.run(v.teamId, async () => {
      const held = this.held.get(v.id);
      if (held ? held.status === v.status : v.collectorId === null) return;
      // Not in a plan this instance published (another instance did, or none): only a visit some plan routes is looked up.
      if (!held && !(await placed(this.deps.db, v.id))) return;
      const team = await this.deps.db.selectFrom('teams').select('time_zone').where('id', '=', v.teamId).executeTakeFirst();
      if (!team) return;
      this.zoneOf.set(v.teamId, team.time_zone);
      await this.publishToday(v.teamId, team.time_zone, [held?.collectorId ?? v.collectorId!], v.id);
    });
  }

  /**
   * Each changed collector's plan to each of its devices, retained: a phone that subscribes later still gets it.
   * A collector with no route in it (or no plan, `null`) has its retained plan cleared, as when a device changes hands.
   */
  private async publish(plan: PlanOut | null, collectorIds: number[]): Promise<void> {
    const devices = await devicesOf(this.deps.db, collectorIds);
    const byCollector = new Map(plan?.routes.map((r) => [r.collectorId, r]));
    for (const collectorId of collectorIds) this.hold(collectorId, byCollector.get(collectorId));
    const sends: Promise<void>[] = [];
    for (const [collectorId, uniqueIds] of devices) {
      const route = byCollector.get(collectorId);
      const payload = plan && route ? JSON.stringify(phonePlan(plan, route)) : '';
      for (const uniqueId of uniqueIds) sends.push(this.deps.publishRetained(planTopic(uniqueId), payload));
    }
    const failed = (await Promise.allSettled(sends)).filter((r) => r.status === 'rejected');
    // The plan is stored either way; a phone that missed it gets the next one, and GET /api/plans serves it.
    if (failed.length) this.deps.log.warn({ failed: failed.length, err: String((failed[0] as PromiseRejectedResult).reason) }, 'plan not published to every device');
  }

  /** Notes what the collector's phones now hold (visitChanged compares with it). */
  private hold(collectorId: number, route: PlanRoute | undefined): void {
    for (const id of this.heldBy.get(collectorId) ?? []) if (this.held.get(id)?.collectorId === collectorId) this.held.delete(id);
    const stops = route?.stops ?? [];
    for (const s of stops) this.held.set(s.visitId, { collectorId, status: s.status });
    this.heldBy.set(collectorId, stops.map((s) => s.visitId));
  }
}

/** The team's collectors, or those of `collectorIds` that are in it. */
async function teamCollectors(db: Kysely<Database>, teamId: number, collectorIds: number[] | null): Promise<number[]> {
  let q = db.selectFrom('collectors').select('id').where('team_id', '=', teamId);
  if (collectorIds) q = q.where('id', 'in', collectorIds.length ? collectorIds : [-1]);
  return (await q.orderBy('id').execute()).map((c) => c.id);
}

/** Whether a plan put the visit on a route (visit_plan.sequence): a visit just created or generated is on none. */
async function placed(db: Kysely<Database>, visitId: number): Promise<boolean> {
  const row = await db.selectFrom('visit_plan').select('sequence').where('visit_id', '=', visitId).executeTakeFirst();
  return row?.sequence != null;
}

export function phonePlan(plan: PlanOut, route: PlanRoute): PhonePlan {
  return {
    date: plan.date,
    version: plan.version,
    collectorId: route.collectorId,
    timeZone: plan.timeZone,
    visits: route.stops.map((s) => ({
      visitId: s.visitId,
      sequence: s.sequence,
      accountName: s.accountName,
      address: s.address,
      lat: s.lat,
      lon: s.lon,
      eta: s.eta,
      window: s.window,
      serviceMinutes: s.serviceMinutes,
      status: s.status,
    })),
    breaks: route.breaks ?? [],
  };
}
