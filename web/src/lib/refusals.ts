/** What a page needs of an ApiError: its status, the server's message and code, and what the code names. */
export interface Refused {
  status: number;
  message: string;
  reason?: string;
  values?: RefusalValues;
}

export type RefusalValues = Record<string, string | number>;

/**
 * The wording `table` gives the refusal's reason code (the contract's codes, one entry each), or null
 * for a code the table lacks (a newer server's) and for none (the schema's own 400s).
 */
export function wordingOf<C, R>(table: Readonly<Record<string, (values: RefusalValues, context: C) => R>>, err: Pick<Refused, 'reason' | 'values'>, context: C): R | null {
  return err.reason !== undefined && Object.hasOwn(table, err.reason) ? table[err.reason](err.values ?? {}, context) : null;
}
