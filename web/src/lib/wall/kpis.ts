import type { VisitStatus } from '$contract/visit.ts';
import type { CollectorState } from '../collector-state.ts';

export interface KpiInputs {
  /** Collected today per the metrics API when last loaded, plus live payments since. */
  collected: number;
  /** Installments due on today's visits: what the team set out to collect. */
  goal: number;
  visits: readonly { status: VisitStatus }[];
  states: readonly CollectorState[];
  openEvents: number;
}

export interface Kpis {
  collected: number;
  goal: number;
  /** collected ÷ goal, 0–∞ (a good day passes 100 %); null with no goal. */
  goalPct: number | null;
  visitsDone: number;
  /** Today's visits that still count: cancelled ones are off the plan. */
  visitsPlanned: number;
  /** Reporting now (everything but offline). */
  activeCollectors: number;
  collectors: number;
  openEvents: number;
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
  for (const s of input.states) if (s !== 'offline') active++;
  return {
    collected: input.collected,
    goal: input.goal,
    goalPct: input.goal > 0 ? (100 * input.collected) / input.goal : null,
    visitsDone,
    visitsPlanned,
    activeCollectors: active,
    collectors: input.states.length,
    openEvents: input.openEvents,
  };
}
