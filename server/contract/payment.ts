import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './auth.ts';
import { CalendarDate } from './request-values.ts';
import { ClientId, RECORD_REFUSALS, Timestamp } from './checkin.ts';
import type { RefusalTable } from './refusal.ts';

export const PAYMENT_METHODS = ['cash', 'card', 'transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
const Method = Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m)));

/**
 * `ronda/{uniqueId}/payment` payload (SPEC §5) and the body of `POST /api/payments`.
 * The API also accepts `accountId` without a visit (a payment taken at the office).
 */
export const PaymentIn = Type.Object({
  id: ClientId,
  visitId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  accountId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  ts: Timestamp,
  amount: Type.Number({ minimum: 0.01, maximum: 1e11 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  method: Method,
  /** The phone's own receipt reference, if it prints one; the server still numbers the receipt. */
  receipt: Type.Optional(Nullable(Type.String({ maxLength: 80 }))),
});
export type PaymentIn = Static<typeof PaymentIn>;

export const PaymentOut = Type.Object({
  id: Type.String(),
  visitId: Nullable(Type.Integer()),
  accountId: Type.Integer(),
  teamId: Type.Integer(),
  collectorId: Nullable(Type.Integer()),
  ts: Type.String({ format: 'date-time' }),
  amount: Type.Number(),
  currency: Type.String(),
  method: Method,
  receiptNumber: Type.Integer(),
  clientReceipt: Nullable(Type.String()),
  /** The account's balance right after this payment. */
  balanceAfter: Type.Optional(Type.Number()),
});
export type PaymentOut = Static<typeof PaymentOut>;

export const PaymentResult = Type.Object({ duplicate: Type.Boolean(), payment: PaymentOut });
export type PaymentResult = Static<typeof PaymentResult>;

export const PaymentListQuery = Type.Object({
  teamId: Type.Optional(Type.Integer()),
  accountId: Type.Optional(Type.Integer()),
  visitId: Type.Optional(Type.Integer()),
  collectorId: Type.Optional(Type.Integer()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

export const CashQuery = Type.Object({
  /** The day in the team's time zone. */
  date: CalendarDate(),
  collectorId: Type.Optional(Type.Integer()),
  teamId: Type.Optional(Type.Integer()),
});

/** Cash one collector took in one day, for end-of-day reconciliation. */
export const CashSummary = Type.Object({
  collectorId: Nullable(Type.Integer()),
  collectorName: Nullable(Type.String()),
  teamId: Type.Integer(),
  date: Type.String(),
  currency: Type.String(),
  count: Type.Integer(),
  total: Type.Number(),
  receipts: Type.Array(Type.Integer()),
});
export type CashSummary = Static<typeof CashSummary>;

/** Why POST /api/payments refuses a payment (ErrorBody `reason`): RECORD_REFUSALS and its own. */
export const PAYMENT_REFUSALS = {
  ...RECORD_REFUSALS,
  visit_or_account_required: { status: 400, values: [], when: 'the payment names neither a visitId nor an accountId' },
  visit_of_other_account: { status: 400, values: ['visitId', 'accountId'], when: 'the payment names a visit and an account, and the visit is for another account (`values.accountId`: the visit\'s)' },
  currency_mismatch: { status: 400, values: ['currency', 'accountCurrency'], when: 'the payment is in a currency other than the one its account is kept in' },
} as const satisfies RefusalTable;
