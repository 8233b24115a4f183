import type { MetricsResponse } from '$contract/metrics.ts';
import type { PaymentOut } from '$contract/payment.ts';
import type { PlanOut } from '$contract/plan.ts';
import type { VisitOut } from '$contract/visit.ts';
import { api, ApiError } from '../api.ts';
import { clock } from '../clock.svelte.ts';
import { i18n } from '../i18n.svelte.ts';
import { live } from '../live.svelte.ts';
import { todayIn, zonedDay } from '../replay/track.ts';

/** The metrics query aggregates the day in the database; once a minute is plenty between live payments. */
const METRICS_EVERY_MS = 60_000;
/**
 * The first metrics query waits this long: it is the heaviest request the wall makes
 * and would otherwise compete with the snapshot and the map for the first seconds.
 */
const METRICS_FIRST_AFTER_MS = 3000;
/** A snapshot this soon after a load is the connection the load itself started with: nothing to catch up. */
const RESYNC_MIN_GAP_MS = 5000;

/** What one collector has collected and owes today, per the metrics API (issue 6, manager metrics). */
export interface CollectorMoney {
  teamId: number | null;
  collected: number;
  due: number;
}

/**
 * Today's operations for the wall: visits (GET /api/visits), each team's current plan
 * (GET /api/plans/:date) and money per collector (GET /api/metrics/collectors),
 * kept current by the live `visit`, `plan` and `payment` records and re-read on
 * every (re)connection, so a wall that was offline catches up.
 */
class Operations {
  date = $state('');
  visits = $state.raw<ReadonlyMap<number, VisitOut>>(new Map());
  plans = $state.raw<ReadonlyMap<number, PlanOut>>(new Map());
  money = $state.raw<ReadonlyMap<number, CollectorMoney>>(new Map());
  /** Payments that arrived live after `money` was read, by payment id (a resend must not count twice). */
  paymentsSince = $state.raw<ReadonlyMap<string, PaymentOut>>(new Map());
  /** False until the first metrics answer: the KPI shows a dash, not a false zero. */
  moneyLoaded = $state(false);
  loadError = $state<string | null>(null);

  readonly visitsByCollector: ReadonlyMap<number, VisitOut[]> = $derived(groupByCollector(this.visits));

  #teamIds: () => number[] = () => [];
  #stops: (() => void)[] = [];
  #metricsTimer: ReturnType<typeof setInterval> | null = null;
  #dayEnd = 0;
  #loadedAt = 0;
  #firstMoney: ReturnType<typeof setTimeout> | null = null;

  /** `teamIds`: the teams whose plans to load (an admin's plan request must name one). */
  start(teamIds: () => number[]): void {
    this.#teamIds = teamIds;
    if (this.#stops.length > 0) return;
    this.#stops.push(
      live.onSnapshot(() => {
        if (Date.now() - this.#loadedAt > RESYNC_MIN_GAP_MS) void this.load();
      }),
      live.on('visit', (v) => this.#putVisit(v)),
      live.on('plan', (p) => this.#putPlan(p)),
      live.on('payment', (p) => this.#putPayment(p)),
    );
    this.#metricsTimer = setInterval(() => {
      // Past midnight in the team's time zone everything starts over.
      if (Date.now() >= this.#dayEnd) void this.load();
      else void this.loadMoney().catch(() => {}); // the next minute tries again
    }, METRICS_EVERY_MS);
    void this.load(false);
    this.#firstMoney = setTimeout(() => void this.loadMoney().catch(() => {}), METRICS_FIRST_AFTER_MS);
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    if (this.#metricsTimer) clearInterval(this.#metricsTimer);
    if (this.#firstMoney) clearTimeout(this.#firstMoney);
    this.#metricsTimer = null;
    this.#firstMoney = null;
  }

  /** Everything for today; `withMoney` false leaves the metrics query for later (see METRICS_FIRST_AFTER_MS). */
  async load(withMoney = true): Promise<void> {
    this.#loadedAt = Date.now();
    const date = todayIn(i18n.timeZone, clock.now);
    this.date = date;
    this.#dayEnd = zonedDay(date, i18n.timeZone)[1];
    // Visits first: they tell which teams can have a plan at all (see loadPlans).
    const results = await Promise.allSettled([this.#loadVisits(date).then(() => this.loadPlans()), withMoney ? this.loadMoney() : null]);
    const failed = results.find((r) => r.status === 'rejected');
    this.loadError = failed ? String((failed as PromiseRejectedResult).reason?.message ?? failed) : null;
  }

  /**
   * Plans of the teams in scope that have assigned visits today: a plan assigns every
   * visit it routes, so a team with none has no plan to ask for (the 404 would only
   * show as a console error). A plan stored later arrives live.
   */
  async loadPlans(): Promise<void> {
    const date = this.date;
    const plans = new Map<number, PlanOut>();
    const assigned = new Set<number>();
    for (const v of this.visits.values()) if (v.collectorId !== null) assigned.add(v.teamId);
    await Promise.all(
      this.#teamIds().filter((teamId) => assigned.has(teamId)).map(async (teamId) => {
        try {
          plans.set(teamId, await api<PlanOut>(`/plans/${date}?teamId=${teamId}`));
        } catch (err) {
          // No plan for a team today is normal; anything else is worth saying.
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
      }),
    );
    if (date === this.date) this.plans = plans;
  }

  async loadMoney(): Promise<void> {
    const date = this.date;
    const { rows } = await api<MetricsResponse>(`/metrics/collectors?from=${date}&to=${date}`);
    if (date !== this.date) return;
    this.money = new Map(rows.map((r) => [r.collectorId, { teamId: r.teamId, collected: r.collected, due: r.due }]));
    this.paymentsSince = new Map();
    this.moneyLoaded = true;
  }

  async #loadVisits(date: string): Promise<void> {
    const { visits } = await api<{ visits: VisitOut[] }>(`/visits?date=${date}&limit=5000`);
    if (date === this.date) this.visits = new Map(visits.map((v) => [v.id, v]));
  }

  #putVisit(v: VisitOut): void {
    const known = this.visits.get(v.id);
    if (known && known.version > v.version) return;
    const next = new Map(this.visits);
    if (v.date === this.date) next.set(v.id, v);
    else next.delete(v.id); // moved to another day
    this.visits = next;
  }

  #putPlan(p: PlanOut): void {
    if (p.date !== this.date) return;
    const known = this.plans.get(p.teamId);
    if (known && known.version > p.version) return;
    this.plans = new Map(this.plans).set(p.teamId, p);
  }

  #putPayment(p: PaymentOut): void {
    if (todayIn(i18n.timeZone, Date.parse(p.ts)) !== this.date || this.paymentsSince.has(p.id)) return;
    this.paymentsSince = new Map(this.paymentsSince).set(p.id, p);
  }
}

function groupByCollector(visits: ReadonlyMap<number, VisitOut>): Map<number, VisitOut[]> {
  const out = new Map<number, VisitOut[]>();
  for (const v of visits.values()) {
    if (v.collectorId === null) continue;
    let list = out.get(v.collectorId);
    if (!list) out.set(v.collectorId, (list = []));
    list.push(v);
  }
  return out;
}

export const operations = new Operations();
