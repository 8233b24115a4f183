import type { Role } from '$contract/auth.ts';
import type { AccountOut, ImportReport } from '$contract/account.ts';
import { moneyLocale } from '../i18n/format.ts';

/** Who imports the portfolio and generates the day's visits (server/api/account.routes.ts WRITERS): a team's dispatchers and supervisors, and admins. */
export const PORTFOLIO_WRITERS: readonly Role[] = ['admin', 'supervisor', 'dispatcher'];

/** No visit can be routed to an account without coordinates (the day's generation skips it). */
export const isLocated = (a: Pick<AccountOut, 'lat' | 'lon'>): boolean => a.lat !== null && a.lon !== null;

/**
 * Amounts as the team writes money: in its currency's country style (moneyLocale), each in the
 * account's own currency, so a dollar debt in a peso team reads "USD 75.00", not a peso-like "$75.00".
 */
export function moneyWriter(languageTag: string, teamCurrency: string): (amount: number, currency: string) => string {
  const tag = moneyLocale(languageTag, teamCurrency);
  const formats = new Map<string, Intl.NumberFormat>();
  return (amount, currency) => {
    let f = formats.get(currency);
    if (!f) formats.set(currency, (f = new Intl.NumberFormat(tag, { style: 'currency', currency })));
    return f.format(amount);
  };
}

/**
 * How an import went: `none` when nothing was written (the page must not say it imported),
 * `partial` when some rows were left out, `ok` when every row went in.
 */
export function importOutcome(r: Pick<ImportReport, 'imported' | 'invalid'>): 'ok' | 'partial' | 'none' {
  if (r.imported === 0) return 'none';
  return r.invalid.length > 0 ? 'partial' : 'ok';
}

/** The board on `date`, for the team an admin picked (everyone else's board is their own team's). */
export function boardLink(date: string, teamId: number | null): string {
  return `/board?${new URLSearchParams({ date, ...(teamId === null ? {} : { team: String(teamId) }) }).toString()}`;
}
