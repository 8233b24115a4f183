import { clockFormat, moneyLocale } from './i18n/format.ts';

/** How the metrics page prints its figures; built once per language, time zone and currency. */
export interface MetricsFormat {
  /**
   * Always two decimals: the API's precision, so a figure checked by hand reads the same here,
   * and a column's decimal points line up ("11.00 km" over "13.85 km", not "11 km").
   */
  km(v: number | null): string;
  /** Whole kilometres, for chart axes. */
  kmAxis(v: number): string;
  rate(v: number | null): string;
  /** Minutes with always one decimal (time per visit), so a column's decimal points line up. */
  minutes(v: number | null): string;
  /** A span of minutes as "2 h 05 min". */
  span(minutes: number): string;
  /**
   * A report instant (ISO 8601): time of day when the row is one day, date and time otherwise,
   * in `rowZone`, the row's team's (SPEC §1: times in the team's time zone); a row over teams of
   * different zones (null) reads in the page's zone, named.
   */
  report(iso: string | null, oneDay: boolean, rowZone: string | null): string;
  /** YYYY-MM-DD as the locale writes a date. */
  day(isoDay: string): string;
  /** An amount in the figures' currency, with cents; a dash where there is no amount in it. */
  money(v: number | null): string;
  /** Whole currency units, for chart axes. */
  moneyAxis(v: number): string;
}

const DASH = '—';

/**
 * `currency`: the figures'; `accountCurrency`: the reader's account's, whose country's style the
 * money is written in (a Mexican manager's dollar figures read "USD 75.00", not a peso-like "$75.00").
 */
export function makeMetricsFormat(languageTag: string, timeZone: string, currency: string, accountCurrency = currency): MetricsFormat {
  const moneyTag = moneyLocale(languageTag, accountCurrency);
  const money = new Intl.NumberFormat(moneyTag, { style: 'currency', currency });
  const moneyAxis = new Intl.NumberFormat(moneyTag, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 });
  const km = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'kilometer', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  // Steps of 2.5 km read as such: whole kilometres labelled them "3 km, 5 km, 8 km".
  const kmAxis = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 });
  const pct = new Intl.NumberFormat(languageTag, { style: 'percent', maximumFractionDigits: 0 });
  const min = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'minute', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const hours = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'hour' });
  const wholeMin = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'minute', maximumFractionDigits: 0 });
  // One pair of clocks per zone the rows name: a handful of teams, each built once.
  const clocks = new Map<string, { time: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat }>();
  const clocksOf = (zone: string | null) => {
    const key = zone ?? '';
    let c = clocks.get(key);
    if (!c) {
      const named = zone === null;
      const z = zone ?? timeZone;
      clocks.set(key, (c = { time: clockFormat(languageTag, z, { zoneName: named }), dateTime: clockFormat(languageTag, z, { date: 'day', zoneName: named }) }));
    }
    return c;
  };
  // A calendar day, not an instant: format it at noon UTC so no zone moves it to the day before.
  const day = new Intl.DateTimeFormat(languageTag, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
  return {
    km: (v) => (v === null ? DASH : km.format(v)),
    kmAxis: (v) => kmAxis.format(v),
    rate: (v) => (v === null ? DASH : pct.format(v)),
    minutes: (v) => (v === null ? DASH : min.format(v)),
    span: (m) => {
      const total = Math.max(0, Math.round(m));
      const h = Math.floor(total / 60);
      return h > 0 ? `${hours.format(h)} ${wholeMin.format(total % 60)}` : wholeMin.format(total);
    },
    report: (iso, oneDay, rowZone) => {
      if (iso === null) return DASH;
      const c = clocksOf(rowZone);
      return (oneDay ? c.time : c.dateTime).format(Date.parse(iso));
    },
    day: (d) => day.format(Date.parse(`${d}T12:00:00Z`)),
    money: (v) => (v === null ? DASH : money.format(v)),
    moneyAxis: (v) => moneyAxis.format(v),
  };
}
