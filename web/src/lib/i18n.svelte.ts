import { en } from './i18n/en.ts';
import { es, type MessageKey } from './i18n/es.ts';
import { makeFormatters, moneyLocale } from './i18n/format.ts';

export type { MessageKey };
export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { es, en };
const LANGUAGE_TAGS: Record<Locale, string> = { es: 'es-MX', en: 'en-US' };
const STORAGE_KEY = 'ronda.locale';

function storedLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return LOCALES.find((l) => l === saved) ?? 'es';
}

/** UI language plus the account's time zone and currency (SPEC §1), as reactive state. */
class I18n {
  locale = $state<Locale>(storedLocale());
  // Until /api/map/config answers: the defaults the spec names (es-MX, MXN).
  timeZone = $state('America/Mexico_City');
  currency = $state('MXN');

  readonly languageTag = $derived(LANGUAGE_TAGS[this.locale]);
  readonly format = $derived(makeFormatters(this.languageTag, this.timeZone, this.currency));
  /** Formatters for amounts in other currencies (a payment's own, another team's), one per language and currency. */
  readonly #moneyIn = new Map<string, Intl.NumberFormat>();

  /** An amount in `currency`, which need not be the account's: written the account's way, so a foreign currency keeps its code. */
  moneyIn(currency: string, amount: number): string {
    const tag = moneyLocale(this.languageTag, this.currency);
    const key = `${tag}:${currency}`;
    let f = this.#moneyIn.get(key);
    if (!f) this.#moneyIn.set(key, (f = new Intl.NumberFormat(tag, { style: 'currency', currency })));
    return f.format(amount);
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    localStorage.setItem(STORAGE_KEY, locale);
  }

  /** Message `key` in the current language, with `{name}` placeholders filled from `vars`. */
  t = (key: MessageKey, vars?: Record<string, string | number>): string => {
    const text = DICTIONARIES[this.locale][key];
    return vars ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)) : text;
  };
}

export const i18n = new I18n();

/**
 * Words put together each time they are shown, in the language of that moment. A note a page
 * keeps on screen (a change done, a refusal, a failed load) is stored as one, not as the text
 * it had when it was said: it then follows a language switch like the rest of the page.
 */
export type Wording = () => string;

/** Message `key` with `vars`, worded when shown. */
export const wording =
  (key: MessageKey, vars?: Record<string, string | number>): Wording =>
  () =>
    i18n.t(key, vars);
