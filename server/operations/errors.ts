import { STATUS_CODES } from 'node:http';
import type { RefusalSpec, RefusalTable, RefusalValues } from '../contract/refusal.ts';

/**
 * A refusal the caller can act on, carrying the HTTP status the API answers
 * with. Services throw it; routes turn it into the response body; MQTT
 * handlers store the record as rejected.
 */
export class OperationError extends Error {
  constructor(
    readonly statusCode: RefusalSpec['status'],
    message: string,
    /**
     * A code a client can act on or word in its own language (e.g. why a visit cannot go to a
     * collector). Required: every refusal the API answers carries one (api-consistency.int.test.ts).
     */
    readonly reason: string,
    /** What the reason's words name (a column, a refused value), for a client wording it itself. */
    readonly values?: Record<string, string | number>,
  ) {
    super(message);
  }
}

/** A refusal with its code from `table` (server/contract), which also decides its status. */
export function refusal<T extends RefusalTable, R extends keyof T & string>(
  table: T,
  reason: R,
  message: string,
  values: RefusalValues<T, R> & Record<string, string | number>,
): OperationError {
  return new OperationError(table[reason]!.status, message, reason, values);
}

/** The records a route names by id. */
export type RecordKind = 'account' | 'visit' | 'collector' | 'event';

/** No such record, or one of a team the caller does not see (actor.ts assertCanWriteRecord): `visit_not_found`, values `visitId`. */
export const notFound = (kind: RecordKind, id: number) => new OperationError(404, `${kind} ${id} does not exist`, `${kind}_not_found`, { [`${kind}Id`]: id });

/** The API's error body (`ErrorBody`) for a refusal: a service's, or one of Fastify's own (server/api/app.ts). */
export const errorBody = (e: Pick<OperationError, 'message' | 'reason' | 'values'> & { statusCode: number }) => ({
  statusCode: e.statusCode,
  error: STATUS_CODES[e.statusCode]!,
  message: e.message,
  reason: e.reason,
  ...(e.values !== undefined ? { values: e.values } : {}),
});
