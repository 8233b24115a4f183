/**
 * How urgent a visit to a debtor is, 0–100 (issue 5): more days past due,
 * more money due, promises broken and a long time without contact all raise
 * it. Each factor saturates so that one huge balance cannot drown the rest.
 */
export interface PriorityInput {
  balanceDue: number;
  daysPastDue: number;
  brokenPromises: number;
  /** null = never contacted. */
  lastContactAt: Date | null;
  now: Date;
}

const WEIGHT = { daysPastDue: 40, amount: 25, broken: 20, contact: 15 } as const;
/** 120 days is write-off territory for most Mexican consumer lenders: no extra urgency past it. */
const DPD_CAP = 120;
/** Log-scaled so 1,000 → 0.6 and 100,000 → 1 of the amount weight. */
const AMOUNT_LOG_CAP = 5;
const BROKEN_CAP = 3;
const CONTACT_CAP_DAYS = 30;

export function visitPriority(p: PriorityInput): number {
  const dpd = Math.min(Math.max(p.daysPastDue, 0), DPD_CAP) / DPD_CAP;
  const amount = Math.min(Math.log10(1 + Math.max(p.balanceDue, 0)) / AMOUNT_LOG_CAP, 1);
  const broken = Math.min(Math.max(p.brokenPromises, 0), BROKEN_CAP) / BROKEN_CAP;
  const days = p.lastContactAt === null ? CONTACT_CAP_DAYS : (p.now.getTime() - new Date(p.lastContactAt).getTime()) / 86_400_000;
  const contact = Math.min(Math.max(days, 0), CONTACT_CAP_DAYS) / CONTACT_CAP_DAYS;
  return Math.round(WEIGHT.daysPastDue * dpd + WEIGHT.amount * amount + WEIGHT.broken * broken + WEIGHT.contact * contact);
}
