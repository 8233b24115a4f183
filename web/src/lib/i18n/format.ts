/**
 * Intl formatters for one locale, time zone and currency. Built once per change of
 * any of the three (constructing Intl objects is the expensive part) and then
 * called per row per second by the list.
 */
export interface Formatters {
  /** A count, grouped the locale's way (1,234 / 1 234). */
  count(n: number): string;
  speed(kph: number): string;
  percent(pct: number): string;
  money(amount: number): string;
  /** "hace 12 s" — the age of something that happened `ms` ago. */
  ago(ms: number): string;
  /** Date and time in the team's time zone, the time as `clockFormat` writes it. */
  dateTime(epochMs: number): string;
  /** Time of day with seconds in the team's time zone, as `clockFormat` writes it. */
  time(epochMs: number): string;
  distanceKm(km: number): string;
  meters(m: number): string;
  /** A span such as "2 h 05 min" (or "12 min"). */
  duration(ms: number): string;
}

export interface ClockOptions {
  /** "13:50:07": where a time moves by the second (the replay's cursor). */
  seconds?: boolean;
  /** The day first ("23 nov, 13:50"), with the year too ("23 nov 2026, 13:50"). */
  date?: 'day' | 'year';
  /** The zone after the time ("13:50 GMT-5"), where it may not be the reader's. */
  zoneName?: boolean;
}

/**
 * How every screen writes a time of day: 24-hour in both languages, hours with two digits
 * ("09:05", "13:50"), as visit windows are written ("09:00–12:00"), so the board, the replay,
 * the map wall and the metrics read alike. The one place a time-of-day format is built.
 */
export function clockFormat(languageTag: string, timeZone: string, o: ClockOptions = {}): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(languageTag, {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    ...(o.seconds ? { second: '2-digit' } : {}),
    ...(o.date ? { day: 'numeric', month: 'short', ...(o.date === 'year' ? { year: 'numeric' } : {}) } : {}),
    ...(o.zoneName ? { timeZoneName: 'short' } : {}),
  });
}

/**
 * Where each currency is spent, for the Spanish screens: an amount reads as it does there
 * ("$ 150.000" in Bogotá, "$150,000.00" in Mexico City, "S/ 150,000.00" in Lima) rather than
 * every team's money in Mexico's style ("COP 150,000"). Dollar teams read es-US.
 */
const SPANISH_REGION_OF: Record<string, string> = {
  MXN: 'MX', COP: 'CO', PEN: 'PE', CLP: 'CL', ARS: 'AR', UYU: 'UY', PYG: 'PY', BOB: 'BO', GTQ: 'GT',
  HNL: 'HN', NIO: 'NI', CRC: 'CR', PAB: 'PA', DOP: 'DO', VES: 'VE', USD: 'US', EUR: 'ES',
};

/** The language tag money in `accountCurrency` is written with: the UI language, in that currency's region. */
export function moneyLocale(languageTag: string, accountCurrency: string): string {
  const region = SPANISH_REGION_OF[accountCurrency];
  return region && languageTag.split('-')[0] === 'es' ? `es-${region}` : languageTag;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function makeFormatters(languageTag: string, timeZone: string, currency: string): Formatters {
  const integer = new Intl.NumberFormat(languageTag, { maximumFractionDigits: 0 });
  const speed = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'kilometer-per-hour', maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(languageTag, { style: 'percent', maximumFractionDigits: 0 });
  const money = new Intl.NumberFormat(moneyLocale(languageTag, currency), { style: 'currency', currency });
  const relative = new Intl.RelativeTimeFormat(languageTag, { numeric: 'always', style: 'narrow' });
  const dateTime = clockFormat(languageTag, timeZone, { seconds: true, date: 'year' });
  const time = clockFormat(languageTag, timeZone, { seconds: true });
  const km = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 });
  const meters = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 });
  const hours = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'hour' });
  const minutes = new Intl.NumberFormat(languageTag, { style: 'unit', unit: 'minute' });
  return {
    count: (n) => integer.format(n),
    speed: (kph) => speed.format(kph),
    percent: (pct) => percent.format(pct / 100),
    money: (amount) => money.format(amount),
    ago: (ms) => {
      // A clock slightly behind the device's must not print "in 1 s".
      const age = Math.max(0, ms);
      if (age < MINUTE) return relative.format(-Math.floor(age / SECOND), 'second');
      if (age < HOUR) return relative.format(-Math.floor(age / MINUTE), 'minute');
      if (age < DAY) return relative.format(-Math.floor(age / HOUR), 'hour');
      return relative.format(-Math.floor(age / DAY), 'day');
    },
    dateTime: (epochMs) => dateTime.format(epochMs),
    time: (epochMs) => time.format(epochMs),
    distanceKm: (value) => km.format(value),
    meters: (value) => meters.format(value),
    duration: (ms) => {
      const total = Math.max(0, Math.round(ms / MINUTE));
      const h = Math.floor(total / 60);
      return h > 0 ? `${hours.format(h)} ${minutes.format(total % 60)}` : minutes.format(total);
    },
  };
}
