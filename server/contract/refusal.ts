/**
 * A route family's refusals (ErrorBody `reason`): for each code its status, the `values` it always
 * carries and when it happens. Each route family lists its own in its contract file (USER_REFUSALS,
 * TEAM_REFUSALS, COLLECTOR_REFUSALS, DEVICE_REFUSALS, VISIT_REFUSALS, PLAN_REFUSALS, ACCOUNT_REFUSALS,
 * PAYMENT_REFUSALS, CHECKIN_REFUSALS); a client words every code in its language, and the routes'
 * OpenAPI descriptions are written from the same table (server/api/refusals-doc.ts).
 */
export interface RefusalSpec {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422;
  values: readonly string[];
  when: string;
}
export type RefusalTable = Record<string, RefusalSpec>;

/** The `values` code `R` of `T` always carries (some carry more, as `when` says). */
export type RefusalValues<T extends RefusalTable, R extends keyof T> = Record<T[R]['values'][number], string | number>;

/**
 * The refusals any route may give, whatever its family: the request as a whole (its token, its role,
 * its schema, what the database makes of it) and a record it names by id that is not there. With
 * the families' tables, every 4xx the API answers carries a `reason` (api-consistency.int.test.ts).
 */
export const REQUEST_REFUSALS = {
  unauthenticated: { status: 401, values: [], when: 'no bearer token, or one that is no longer valid (signed out, expired, its user deactivated)' },
  role_not_allowed: { status: 403, values: ['role'], when: "the route is not for the caller's role (a collector asking for the users list, say)" },
  invalid_request: { status: 400, values: [], when: "the request does not match the route's schema (a missing or unknown field or parameter, a wrong type, a reversed range, JSON that does not parse, text that is not well-formed Unicode or holds a NUL character); `message` names what" },
  body_too_large: { status: 413, values: [], when: 'the body is larger than the route takes (an account import: 50 MB)' },
  unsupported_media_type: { status: 415, values: [], when: 'the body is of a content type the route does not read' },
  invalid_value: { status: 400, values: [], when: 'a value the schema takes but the database cannot store (out of range, a NUL character)' },
  conflicts_with_stored: { status: 409, values: [], when: 'the write conflicts with what is stored in a way no route names more precisely' },
  no_route: { status: 404, values: [], when: 'no route has this method and path' },
  account_not_found: { status: 404, values: ['accountId'], when: "no account has this id, or it is of a team the caller does not see" },
  visit_not_found: { status: 404, values: ['visitId'], when: "no visit has this id, or it is of a team the caller does not see" },
  collector_not_found: { status: 404, values: ['collectorId'], when: "no collector has this id, or it is of a team the caller does not see, or (planning) it is not an active collector of the team" },
  event_not_found: { status: 404, values: ['eventId'], when: "no event has this id, or it is of a team the caller does not see" },
} as const satisfies RefusalTable;
