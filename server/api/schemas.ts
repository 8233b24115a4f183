import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  /** Every refusal names its cause as a code (server/contract's tables), e.g. a reassignment the plan cannot keep: `skill`, `window`, `max_tasks`… */
  reason: Type.String(),
  /** What that code's words name, e.g. an import's `missingColumns`: `columns` and `header`. */
  values: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
});
