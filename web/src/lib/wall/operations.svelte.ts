import type { MetricsResponse } from '$contract/metrics.ts';
import type { PaymentOut } from '$contract/payment.ts';
import type { DayPlans, PlanOut } from '$contract/plan.ts';
import type { LiveVisit } from '$contract/live.ts';
import type { VisitOut } from '$contract/visit.ts';
import { api } from '../api.ts';
import { clock } from '../clock.svelte.ts';
import { i18n } from '../i18n.svelte.ts';
import { live } from '../live.svelte.ts';
import { session } from '../session.svelte.ts';
import { viewerHolds } from './records.ts';
import { dayOf, isTeamToday, sameDays, teamDays, type TeamDays, type TeamZone } from './team-days.ts';

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
  collectorId: number;
  teamId: number | null;
  /** One row per currency the collector has money in today. */
  currency: string;
  collected: number;
  due: number;
}

/**
 * Today's operations for the wall: visits (GET /api/visits), each team's current plan
 * (GET /api/plans/:date) and money per collector (GET /api/metrics/collectors),
 * kept current by the live `visit`, `plan` and `payment` records and re-read on
 * every (re)connection, so a wall that was offline catches up. "Today" is each
 * team's own, in its time zone (see team-days.ts).
 */
class Operations {
  /** Each team's today (see team-days.ts); null until the first load. */
  days = $state.raw<TeamDays | null>(null);
  /** The dashboard's own today; empty until the first load. */
  readonly date = $derived(this.days?.fallback ?? '');
  /** Counts loads: an answer to an older one is dropped. */
  #generation = 0;
  visits = $state.raw<ReadonlyMap<number, VisitOut>>(new Map());
  plans = $state.raw<ReadonlyMap<number, PlanOut>>(new Map());
  money = $state.raw<readonly CollectorMoney[]>([]);
  /** Payments that arrived live after `money` was read, by payment id (a resend must not count twice). */
  paymentsSince = $state.raw<ReadonlyMap<string, PaymentOut>>(new Map());
  /** False until the first metrics answer: the KPI shows a dash, not a false zero. */
  moneyLoaded = $state(false);
  loadError = $state<string | null>(null);

  readonly visitsByCollector: ReadonlyMap<number, VisitOut[]> = $derived(groupByCollector(this.visits));

  #teams: () => TeamZone[] = () => [];
  #stops: (() => void)[] = [];
  #metricsTimer: ReturnType<typeof setInterval> | null = null;
  #loadedAt = 0;
  #firstMoney: ReturnType<typeof setTimeout> | null = null;

  /** `teams`: the teams whose plans to load (an admin's plan request must name one), with their zones. */
  start(teams: () => TeamZone[]): void {
    this.#teams = teams;
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
      // Past midnight in a team's time zone its day starts over.
      if (this.days && clock.now >= this.days.endsAt) void this.load();
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
    const days = teamDays(this.#teams(), i18n.timeZone, clock.now);
    this.days = days;
    const generation = ++this.#generation;
    // Visits first: they tell which teams can have a plan at all (see loadPlans).
    const results = await Promise.allSettled([this.#loadVisits(days, generation).then(() => this.loadPlans()), withMoney ? this.loadMoney() : null]);
    const failed = results.find((r) => r.status === 'rejected');
    this.loadError = failed ? String((failed as PromiseRejectedResult).reason?.message ?? failed) : null;
  }

  /** Today's plan of every team in scope: one request per distinct day, each team's plan kept for its own day. A plan stored later arrives live. */
  async loadPlans(): Promise<void> {
    const days = this.days;
    if (!days) return;
    const generation = this.#generation;
    const answers = await Promise.all(days.dates.map((date) => api<DayPlans>(`/plans?date=${date}`)));
    if (generation !== this.#generation) return;
    const plans = answers.flatMap((a, k) => a.plans.filter((p) => dayOf(days, p.teamId) === days.dates[k]));
    this.plans = new Map(plans.map((p) => [p.teamId, p]));
  }

  /**
   * The wall's teams changed (the collector list loaded, or a collector joined): everything
   * again when a team's today is another day than the wall loaded (plans are read per day).
   */
  async teamsChanged(): Promise<void> {
    if (!this.days) return;
    const days = teamDays(this.#teams(), i18n.timeZone, clock.now);
    if (!sameDays(this.days, days)) return this.load();
    this.days = days; // the same dates, now with the teams' zones
  }

  async loadMoney(): Promise<void> {
    const days = this.days;
    if (!days) return;
    const generation = this.#generation;
    // One query per distinct day, and per further currency that day has money in; each collector counts on their own team's day.
    const read = (date: string, currency?: string) =>
      api<MetricsResponse>(`/metrics/collectors?from=${date}&to=${date}${currency ? `&currency=${currency}` : ''}`).then((answer) => ({ date, answer }));
    const first = await Promise.all(days.dates.map((date) => read(date)));
    const more = await Promise.all(first.flatMap(({ date, answer }) => answer.currencies.filter((c) => c !== answer.currency).map((c) => read(date, c))));
    if (generation !== this.#generation) return;
    this.money = [...first, ...more].flatMap(({ date, answer }) =>
      answer.rows
        .filter((r) => dayOf(days, r.teamId) === date && (r.collected || r.due))
        .map((r) => ({ collectorId: r.collectorId, teamId: r.teamId, currency: answer.currency, collected: r.collected ?? 0, due: r.due ?? 0 })),
    );
    this.paymentsSince = new Map();
    this.moneyLoaded = true;
  }

  async #loadVisits(days: TeamDays, generation: number): Promise<void> {
    const answers = await Promise.all(days.dates.map((date) => api<{ visits: VisitOut[] }>(`/visits?date=${date}&limit=5000`)));
    if (generation !== this.#generation) return;
    const visits = answers.flatMap(({ visits }) => visits.filter((v) => v.date === dayOf(days, v.teamId)));
    this.visits = new Map(visits.map((v) => [v.id, v]));
  }

  #putVisit(v: LiveVisit): void {
    const known = this.visits.get(v.id);
    if (known && known.version > v.version) return;
    const next = new Map(this.visits);
    if (viewerHolds(session.user, v) && this.days && v.date === dayOf(this.days, v.teamId)) next.set(v.id, v);
    else next.delete(v.id); // moved to another day, or to another collector
    this.visits = next;
  }

  #putPlan(p: PlanOut): void {
    if (!this.days || p.date !== dayOf(this.days, p.teamId)) return;
    const known = this.plans.get(p.teamId);
    if (known && known.version > p.version) return;
    this.plans = new Map(this.plans).set(p.teamId, p);
  }

  #putPayment(p: PaymentOut): void {
    if (!this.days || !isTeamToday(this.days, p.teamId, Date.parse(p.ts)) || this.paymentsSince.has(p.id)) return;
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
