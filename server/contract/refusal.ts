/**
 * A route family's refusals (ErrorBody `reason`): for each code its status, the `values` it always
 * carries and when it happens. Each API lists its own (USER_REFUSALS, TEAM_REFUSALS,
 * COLLECTOR_REFUSALS, DEVICE_REFUSALS); a client words every code in its language, and the
 * routes' OpenAPI descriptions are written from the same table (server/api/refusals-doc.ts).
 */
export interface RefusalSpec {
  status: 400 | 403 | 404 | 409;
  values: readonly string[];
  when: string;
}
export type RefusalTable = Record<string, RefusalSpec>;

/** The `values` code `R` of `T` always carries (some carry more, as `when` says). */
export type RefusalValues<T extends RefusalTable, R extends keyof T> = Record<T[R]['values'][number], string | number>;
