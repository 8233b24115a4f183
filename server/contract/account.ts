import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './auth.ts';
import type { RefusalTable } from './refusal.ts';

/** Days-past-due buckets, the collections industry's standard aging (issue 5). */
export const DPD_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type DpdBucket = (typeof DPD_BUCKETS)[number];

/** Inclusive day ranges of each bucket; `90+` has no upper bound. */
export const BUCKET_RANGES: Record<DpdBucket, readonly [number, number | null]> = {
  current: [0, 0],
  '1-30': [1, 30],
  '31-60': [31, 60],
  '61-90': [61, 90],
  '90+': [91, null],
};

export function dpdBucket(daysPastDue: number): DpdBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '90+';
}

export const DpdBucketSchema = Type.Union(DPD_BUCKETS.map((b) => Type.Literal(b)));

export const AccountOut = Type.Object({
  id: Type.Integer(),
  externalId: Type.String(),
  teamId: Type.Integer(),
  name: Type.String(),
  address: Type.String(),
  lat: Nullable(Type.Number()),
  lon: Nullable(Type.Number()),
  phone: Nullable(Type.String()),
  balanceDue: Type.Number(),
  installmentAmount: Type.Number(),
  daysPastDue: Type.Integer(),
  bucket: DpdBucketSchema,
  segment: Nullable(Type.String()),
  currency: Type.String(),
  brokenPromises: Type.Integer(),
  lastContactAt: Nullable(Type.String({ format: 'date-time' })),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type AccountOut = Static<typeof AccountOut>;

export const AccountListQuery = Type.Object({
  teamId: Type.Optional(Type.Integer()),
  bucket: Type.Optional(DpdBucketSchema),
  /** Matches name, external id, address or phone, case-insensitively. */
  search: Type.Optional(Type.String({ maxLength: 200 })),
  /** false: only accounts without coordinates, which no visit can be routed to (fix their address); true: only those with. */
  located: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type AccountListQuery = Static<typeof AccountListQuery>;

export const AccountList = Type.Object({ total: Type.Integer(), accounts: Type.Array(AccountOut) });
export type AccountList = Static<typeof AccountList>;

/** The largest amount an account holds (numeric(14,2)). */
export const MAX_AMOUNT = 999_999_999_999.99;
/** days_past_due is an int4; a century overdue is already beyond any portfolio. */
export const MAX_DAYS_PAST_DUE = 36_500;

/** Longest text per field, the same for the API and the CSV import. */
export const MAX_LENGTH = { externalId: 80, name: 200, address: 500, phone: 40, segment: 80 } as const;

export const AccountPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_LENGTH.name })),
    address: Type.Optional(Type.String({ maxLength: MAX_LENGTH.address })),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    lon: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: MAX_LENGTH.phone }))),
    balanceDue: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_AMOUNT })),
    installmentAmount: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_AMOUNT })),
    daysPastDue: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DAYS_PAST_DUE })),
    segment: Type.Optional(Nullable(Type.String({ maxLength: MAX_LENGTH.segment }))),
    /** Moving an account to another team is for admins. */
    teamId: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AccountPatch = Static<typeof AccountPatch>;

export const ImportQuery = Type.Object({
  /** The team of rows that name none; required when the file has no `team` column. */
  teamId: Type.Optional(Type.Integer()),
});

/** Why an imported row was refused: a code a client words in its own language (web/src/lib/accounts/import-reasons.ts). */
export const INVALID_ROW_CODES = [
  'notUtf8', 'fieldCount', 'noExternalId', 'unstorable', 'noName', 'tooLong', 'badLat', 'badLon', 'zeroCoordinates', 'badBalance',
  'badInstallment', 'badDaysPastDue', 'badCurrency', 'duplicate', 'noTeam', 'unknownTeam', 'notYourTeam', 'otherTeam',
  'currencyChange', 'changedDuringImport',
] as const;
export type InvalidRowCode = (typeof INVALID_ROW_CODES)[number];

export const ImportReport = Type.Object({
  /** Data rows read (the header is not counted). */
  rows: Type.Integer(),
  imported: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  /** Each invalid row by its line number in the file (the header is line 1). */
  invalid: Type.Array(
    Type.Object({
      line: Type.Integer(),
      externalId: Nullable(Type.String()),
      /** Why, as a code to word in the client's language; `values` holds what the words name (the refused value, a limit, a line). */
      code: Type.Union(INVALID_ROW_CODES.map((c) => Type.Literal(c))),
      values: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
      /** Why, in English. */
      reason: Type.String(),
    }),
  ),
});
export type ImportReport = Static<typeof ImportReport>;

/**
 * Why the account routes (PATCH /api/accounts/{id}, POST /api/accounts/import) refuse (ErrorBody
 * `reason`), with its status, what its `values` name and when it happens. The import's file codes are
 * camelCase, as its rows' reasons (web/src/lib/accounts/import-reasons.ts words them).
 */
export const ACCOUNT_REFUSALS = {
  move_for_admins: { status: 403, values: ['accountId'], when: 'a supervisor or dispatcher moves an account to another team: admins only' },
  lat_lon_together: { status: 400, values: [], when: 'the change would leave an account with lat and no lon, or lon and no lat' },
  notCsv: { status: 400, values: ['detail'], when: 'the file is not valid CSV (`values.detail`: what the parser found)' },
  emptyFile: { status: 400, values: [], when: 'the file has no lines' },
  missingColumns: { status: 400, values: ['columns', 'header'], when: 'the header line lacks required columns (`values.columns`), as it reads (`values.header`)' },
} as const satisfies RefusalTable;
