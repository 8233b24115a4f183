import type { PlanOut } from '../contract/plan.ts';

/**
 * A team's day plan as one of its collectors sees it (GET /api/plans, the live `plan`): their own
 * route, and the visits this version took off it; not their teammates' routes nor the team's
 * other unassigned visits, which are the dispatcher's to place.
 */
export function ownRoute(plan: PlanOut, collectorId: number): PlanOut {
  return {
    ...plan,
    routes: plan.routes.filter((r) => r.collectorId === collectorId),
    unassigned: plan.unassigned.filter((u) => u.fromCollectorId === collectorId),
    changedCollectorIds: plan.changedCollectorIds.filter((id) => id === collectorId),
  };
}

/** Whether a stored version concerns the collector: it holds their route, or changed it (took it away, or visits off it). */
export const concernsCollector = (plan: PlanOut, collectorId: number): boolean =>
  plan.changedCollectorIds.includes(collectorId) || plan.routes.some((r) => r.collectorId === collectorId);
