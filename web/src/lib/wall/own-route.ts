import type { PaymentOut } from '$contract/payment.ts';
import type { PlanOut, PlanStop } from '$contract/plan.ts';
import type { TimeWindow, VisitOut, VisitStatus } from '$contract/visit.ts';
import { dayNumbers, OPEN_STATUSES, routeDay } from '../board/board-plan.ts';
import { HIGH_PRIORITY } from '../map/operations-layers.ts';

/** `next`: the first stop still open; `pending`: open after it; `done`: completed; `missed`: not done. */
export type OwnStopState = 'next' | 'pending' | 'done' | 'missed';

export interface OwnStop {
  visitId: number;
  /** Its place in the day, from 1, as the board's column numbers it (board-plan.ts dayNumbers). */
  number: number;
  accountName: string;
  address: string;
  state: OwnStopState;
  status: VisitStatus;
  /** When the visit is planned to start (the plan's ETA); null for a visit done before this version of the plan, which has none. */
  etaMs: number | null;
  /** When a finished visit was done, if known. */
  doneAtMs: number | null;
  window: TimeWindow | null;
  highPriority: boolean;
  /** Where the visit is ([lon, lat]), for the map to show it; null when neither the plan nor the visit says. */
  at: [number, number] | null;
  /** What they collected at it, per currency (in the order first taken); empty for none. */
  paid: { currency: string; amount: number }[];
}

export interface OwnRoute {
  /** The plan's time zone, the team's: the ETAs are read in it, as the board reads them. */
  timeZone: string;
  stops: OwnStop[];
}

/**
 * The collector's day in order, from their team's current plan and the wall's live visits: what the
 * wall of a collector lists under "Tu ruta de hoy". Null when no plan has a route for them.
 *
 * `visits` is the wall's: a collector's wall holds only their own visits of today (operations.svelte.ts
 * drops a visit moved to someone else, records.ts `viewerHolds`), so a stop whose visit is not there, or is
 * there as another collector's or cancelled, has left their day, whatever the plan (which may not have
 * arrived yet) still says. Of the plan's copy and the live visit, the newer version tells the status.
 * `payments`: the ones the wall holds (a resend is one payment: its id is kept once, wall/records.ts).
 */
export function ownRoute(
  plans: Iterable<PlanOut>,
  collectorId: number | null,
  visits: ReadonlyMap<number, VisitOut>,
  payments: Iterable<PaymentOut> = [],
): OwnRoute | null {
  if (collectorId === null) return null;
  const paidAt = paidByVisit(payments);
  for (const plan of plans) {
    const route = plan.routes.find((r) => r.collectorId === collectorId);
    if (!route) continue;
    const current = (visitId: number, version: number): VisitOut | null => {
      const v = visits.get(visitId);
      return v && v.version >= version ? v : null;
    };
    const stillOurs = (visitId: number, version: number): boolean => {
      const v = visits.get(visitId);
      return v !== undefined && (v.version < version || (v.collectorId === collectorId && v.status !== 'cancelled'));
    };
    const statusOf = (stop: PlanStop): VisitStatus => current(stop.visitId, stop.visitVersion)?.status ?? stop.status;
    const doneAtOf = (visitId: number, fromPlan: string | undefined): number | null => {
      if (fromPlan !== undefined) return Date.parse(fromPlan);
      const v = visits.get(visitId);
      return v && !OPEN_STATUSES.has(v.status) ? Date.parse(v.updatedAt) : null;
    };
    const kept = {
      ...route,
      stops: route.stops.filter((s) => stillOurs(s.visitId, s.visitVersion) && statusOf(s) !== 'cancelled'),
      done: (route.done ?? []).filter((d) => stillOurs(d.visitId, d.visitVersion)),
    };
    const { finished, open } = routeDay(kept, statusOf, doneAtOf);
    const numbers = dayNumbers({ finished, open });
    const priorityOf = (visitId: number, fromPlan?: number) => visits.get(visitId)?.priority ?? fromPlan ?? 0;
    const etaOf = new Map(route.stops.map((s) => [s.visitId, Date.parse(s.eta)]));
    // Where each visit is: the plan's stops and the visits it no longer routes (done before it) say it, else the live visit.
    const placeOf = new Map<number, [number, number]>();
    const place = (visitId: number, lon: number | null, lat: number | null) => lon !== null && lat !== null && placeOf.set(visitId, [lon, lat]);
    for (const d of route.done ?? []) place(d.visitId, d.lon, d.lat);
    for (const s of route.stops) place(s.visitId, s.lon, s.lat);
    const atOf = (visitId: number): [number, number] | null => {
      const v = visits.get(visitId);
      return placeOf.get(visitId) ?? (v && v.lon !== null && v.lat !== null ? [v.lon, v.lat] : null);
    };
    const stops: OwnStop[] = [
      ...finished
        .filter((f) => f.status !== 'cancelled')
        .map((f) => ({
          visitId: f.visitId,
          accountName: f.accountName,
          address: f.address,
          state: (f.status === 'completed' ? 'done' : 'missed') as OwnStopState,
          status: f.status,
          etaMs: etaOf.get(f.visitId) ?? null,
          doneAtMs: f.doneAtMs,
          window: f.window,
          highPriority: priorityOf(f.visitId) >= HIGH_PRIORITY,
          at: atOf(f.visitId),
          paid: paidAt.get(f.visitId) ?? [],
        })),
      ...open.map((s, k) => ({
        visitId: s.visitId,
        accountName: s.accountName,
        address: s.address,
        state: (k === 0 ? 'next' : 'pending') as OwnStopState,
        status: statusOf(s),
        etaMs: Date.parse(s.eta),
        doneAtMs: null,
        window: s.window,
        highPriority: priorityOf(s.visitId, s.priority) >= HIGH_PRIORITY,
        at: atOf(s.visitId),
        paid: paidAt.get(s.visitId) ?? [],
      })),
    ].map((s) => ({ ...s, number: numbers.get(s.visitId)! }));
    return { timeZone: plan.timeZone, stops };
  }
  return null;
}

/** The sums taken at each visit, per currency, oldest first: a visit paid in two goes shows its total. */
function paidByVisit(payments: Iterable<PaymentOut>): Map<number, OwnStop['paid']> {
  const byVisit = new Map<number, OwnStop['paid']>();
  const oldestFirst = [...payments].filter((p) => p.visitId !== null).sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  for (const p of oldestFirst) {
    const paid = byVisit.get(p.visitId!) ?? [];
    const same = paid.find((m) => m.currency === p.currency);
    if (same) same.amount += p.amount;
    else paid.push({ currency: p.currency, amount: p.amount });
    byVisit.set(p.visitId!, paid);
  }
  return byVisit;
}
