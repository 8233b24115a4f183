import type { EventOut, Severity } from '$contract/event.ts';
import type { SessionUser } from '$contract/auth.ts';
import type { PaymentOut } from '$contract/payment.ts';
import type { VisitOut } from '$contract/visit.ts';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most severe first, then newest: what the supervisor should look at next is on top. */
export function feedOrder(a: EventOut, b: EventOut): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || Date.parse(b.openedAt) - Date.parse(a.openedAt) || b.id - a.id;
}

/** The ticker shows the newest few; older ones have scrolled past on the wall long ago. */
export const TICKER_SIZE = 12;

/** Newest first, one entry per payment id (a phone's resend is the same payment). */
export function mergePayments(current: readonly PaymentOut[], incoming: readonly PaymentOut[], size = TICKER_SIZE): PaymentOut[] {
  const byId = new Map(current.map((p) => [p.id, p]));
  for (const p of incoming) byId.set(p.id, p);
  return [...byId.values()].sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts)).slice(0, size);
}

/**
 * Whether the wall of `viewer` holds this visit: a collector watches only their own day, so a
 * visit taken from them (the live stream tells them: LiveVisit formerCollectorId) leaves it.
 */
export const viewerHolds = (viewer: Pick<SessionUser, 'role' | 'collectorId'> | null, v: Pick<VisitOut, 'collectorId'>): boolean =>
  viewer?.role !== 'collector' || v.collectorId === viewer.collectorId;
