import type { RefusalTable, RefusalValues } from '../contract/refusal.ts';

/**
 * A refusal the caller can act on, carrying the HTTP status the API answers
 * with. Services throw it; routes turn it into the response body; MQTT
 * handlers store the record as rejected.
 */
export class OperationError extends Error {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 409 | 422,
    message: string,
    /** A code a client can act on or word in its own language (e.g. why a visit cannot go to a collector). */
    readonly reason?: string,
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

export const notFound = (what: string) => new OperationError(404, `${what} does not exist`);
export const conflict = (message: string) => new OperationError(409, message);
export const invalid = (message: string) => new OperationError(400, message);

const PHRASES = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Entity' } as const;

/** The API's error body (`ErrorBody`) for a refusal. */
export const errorBody = (e: OperationError) => ({
  statusCode: e.statusCode,
  error: PHRASES[e.statusCode],
  message: e.message,
  ...(e.reason !== undefined ? { reason: e.reason } : {}),
  ...(e.values !== undefined ? { values: e.values } : {}),
});
