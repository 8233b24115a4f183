import type { VisitStatus } from '$contract/visit.ts';

/** Money of one currency: amounts of different currencies are never added. */
export interface CurrencyMoney {
  currency: string;
  /** Collected today per the metrics API when last loaded, plus live payments since. */
  collected: number;
  /** Installments due on today's visits: what the team set out to collect. */
  goal: number;
}

export interface KpiInputs {
  /** What `totalsByCurrency` returns: the headline currency first. */
  money: readonly CurrencyMoney[];
  visits: readonly { status: VisitStatus }[];
  /** Per collector in view, whether it reported within the online window. */
  reporting: readonly boolean[];
  openEvents: number;
}

export interface Kpis {
  currency: string;
  collected: number;
  goal: number;
  /** collected ÷ goal, 0–∞ (a good day passes 100 %); null with no goal. */
  goalPct: number | null;
  visitsDone: number;
  /** Today's visits that still count: cancelled ones are off the plan. */
  visitsPlanned: number;
  /** Reporting now: every collector not shown offline. */
  activeCollectors: number;
  collectors: number;
  openEvents: number;
  /** The other currencies' money in view, each on its own. */
  otherMoney: CurrencyMoney[];
}

/**
 * Sums amounts per currency, headline first: `preferred` (the person's team's currency)
 * when it has any money in view or nothing has, else the currency with the largest goal.
 */
export function totalsByCurrency(amounts: Iterable<CurrencyMoney>, preferred: string): CurrencyMoney[] {
  const sums = new Map<string, CurrencyMoney>();
  for (const a of amounts) {
    const sum = sums.get(a.currency) ?? { currency: a.currency, collected: 0, goal: 0 };
    sum.collected += a.collected;
    sum.goal += a.goal;
    sums.set(a.currency, sum);
  }
  const byGoal = [...sums.values()].sort((a, b) => b.goal - a.goal || b.collected - a.collected || a.currency.localeCompare(b.currency));
  const headline = sums.get(preferred) ?? byGoal[0] ?? { currency: preferred, collected: 0, goal: 0 };
  return [headline, ...byGoal.filter((m) => m !== headline)];
}

/** The wall's header figures for whatever the filter leaves in view. */
export function computeKpis(input: KpiInputs): Kpis {
  let visitsDone = 0;
  let visitsPlanned = 0;
  for (const v of input.visits) {
    if (v.status === 'cancelled') continue;
    visitsPlanned++;
    if (v.status === 'completed') visitsDone++;
  }
  let active = 0;
  for (const reporting of input.reporting) if (reporting) active++;
  const [money, ...otherMoney] = input.money;
  return {
    currency: money.currency,
    collected: money.collected,
    goal: money.goal,
    goalPct: money.goal > 0 ? (100 * money.collected) / money.goal : null,
    visitsDone,
    visitsPlanned,
    activeCollectors: active,
    collectors: input.reporting.length,
    openEvents: input.openEvents,
    otherMoney,
  };
}
