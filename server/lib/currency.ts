const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/**
 * Whether `code` is an ISO 4217 currency this runtime knows (Intl.supportedValuesOf): a
 * team's and an imported account's currency must be one, so every amount can be formatted
 * and summed per currency. "ABC" has the shape of a code but is none; so are the
 * placeholder codes such as "XXX" (no currency) and "XTS" (testing), which Intl leaves out.
 */
export const isKnownCurrency = (code: string): boolean => CURRENCIES.has(code);
