import type { RejectedRecord } from '$contract/checkin.ts';
import type { MessageKey } from '../i18n/es.ts';
import { wordingOf, type RefusalValues as Values } from '../refusals.ts';

/** Why a record was rejected, in the page's words: a message key and what it names. */
export interface WordedWhy {
  key: MessageKey;
  vars: Record<string, string | number>;
}

const as = (key: MessageKey, vars: Record<string, string | number> = {}): WordedWhy => ({ key, vars });

/**
 * The codes a device's check-in or payment can be rejected with (server/contract/checkin.ts
 * DEVICE_RECORD_REJECTIONS, and the API refusals of the same record) in the page's words.
 */
const WORDING: Readonly<Record<string, (v: Values) => WordedWhy>> = {
  invalid_json: () => as('devices.rejected.why.invalidJson'),
  invalid_record: (v) => as('devices.rejected.why.invalidRecord', { path: String(v.path ?? '/') }),
  unstorable_text: () => as('devices.rejected.why.unstorableText'),
  refused_by_database: () => as('devices.rejected.why.refusedByDatabase'),
  invalid_ts: () => as('devices.rejected.why.invalidTs'),
  id_taken: () => as('devices.rejected.why.idTaken'),
  visit_not_found: (v) => as('devices.rejected.why.visitNotFound', { visitId: v.visitId ?? '?' }),
  account_not_found: (v) => as('devices.rejected.why.accountNotFound', { accountId: v.accountId ?? '?' }),
  visit_or_account_required: () => as('devices.rejected.why.visitOrAccountRequired'),
  visit_of_other_account: (v) => as('devices.rejected.why.visitOfOtherAccount', { visitId: v.visitId ?? '?' }),
  currency_mismatch: (v) => as('devices.rejected.why.currencyMismatch', { currency: v.currency ?? '?', accountCurrency: v.accountCurrency ?? '?' }),
  promise_incomplete: () => as('devices.rejected.why.promiseIncomplete'),
  promise_not_a_promise: () => as('devices.rejected.why.promiseNotAPromise'),
  promise_date_out_of_range: (v) => as('devices.rejected.why.promiseDateOutOfRange', { date: v.promiseDate ?? '?', from: v.from ?? '?' }),
  device_of_no_team: () => as('devices.rejected.why.deviceOfNoTeam'),
  device_of_other_team: () => as('devices.rejected.why.deviceOfOtherTeam'),
};

/** Why, worded from its code; the server's message for a code the page does not know, or a record kept before codes were. */
export function rejectionWhy(r: Pick<RejectedRecord, 'code' | 'values' | 'reason'>): WordedWhy {
  return (r.code !== null && wordingOf(WORDING, { reason: r.code, values: r.values }, undefined)) || as('devices.rejected.why.other', { message: r.reason });
}

/** What the record said, as far as its payload can be read: the money of a payment, the outcome of a check-in, the visit. */
export interface RecordGist {
  visitId: number | null;
  amount: { value: number; currency: string } | null;
  outcome: string | null;
}

export function recordGist(r: Pick<RejectedRecord, 'kind' | 'payload'>): RecordGist {
  let body: unknown;
  try {
    body = JSON.parse(r.payload);
  } catch {
    return { visitId: null, amount: null, outcome: null };
  }
  const o = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const visitId = Number.isInteger(o.visitId) ? (o.visitId as number) : null;
  const amount =
    r.kind === 'payment' && typeof o.amount === 'number' && Number.isFinite(o.amount) && typeof o.currency === 'string' && /^[A-Z]{3}$/.test(o.currency)
      ? { value: o.amount, currency: o.currency }
      : null;
  const outcome = r.kind === 'checkin' && typeof o.outcome === 'string' ? o.outcome : null;
  return { visitId, amount, outcome };
}
