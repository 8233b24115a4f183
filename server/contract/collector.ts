import { Type, type Static } from '@sinclair/typebox';
import type { TeamNotFound } from './auth.ts';
import { LivePosition } from './live.ts';
import type { RefusalTable } from './refusal.ts';

export const CollectorSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** As stored, for a person to dial (the wall's card offers it as a `tel:` link); null when none was given. */
  phone: Type.Union([Type.String(), Type.Null()]),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  teamName: Type.Union([Type.String(), Type.Null()]),
  /** The team's IANA time zone (the collector's days and times), null without a team. */
  timeZone: Type.Union([Type.String(), Type.Null()]),
  /** false: deactivated (PATCH /api/collectors/{id}); listed only when asked for with `includeInactive`. */
  active: Type.Boolean(),
  /** Enabled ones first. A disabled device (`active: false`) is listed for its past trail, but never gives `last`. */
  devices: Type.Array(Type.Object({ uniqueId: Type.String(), protocol: Type.Union([Type.String(), Type.Null()]), active: Type.Boolean() })),
  /** The newest report of the collector's enabled devices. */
  last: Type.Union([LivePosition, Type.Null()]),
});
export type CollectorSummary = Static<typeof CollectorSummary>;

export const CollectorList = Type.Object({ collectors: Type.Array(CollectorSummary) });
export type CollectorList = Static<typeof CollectorList>;

export const CollectorListQuery = Type.Object({
  includeInactive: Type.Optional(Type.Boolean({ description: 'also list deactivated collectors (`active: false`), to find one to bring back' })),
});

/**
 * Trimmed when stored. A name of spaces only is refused by the operation (collectorName), not by a
 * schema pattern: Ajv's "must match pattern" would not tell the person what is wrong.
 */
export const CollectorName = Type.String({ minLength: 1, maxLength: 120, description: 'trimmed; a name of spaces only is refused' });

export const CollectorCreate = Type.Object({
  name: CollectorName,
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  phone: Type.Optional(Type.String({ maxLength: 40 })),
  externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
});
export type CollectorCreate = Static<typeof CollectorCreate>;

export const CollectorPatch = Type.Object(
  {
    name: Type.Optional(CollectorName),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    teamId: Type.Optional(Type.Integer({ description: "admins only; refused while they hold visits not done for today or a later day. Their login moves with them" })),
    active: Type.Optional(
      Type.Boolean({
        description:
          'false: no longer planned, and their login is deactivated (its sessions end); refused while they hold visits not done for today or a later day. ' +
          'Their devices stay registered. true does not bring the login back: PATCH /api/users/{id} does',
      }),
    ),
  },
  { minProperties: 1, additionalProperties: false },
);
export type CollectorPatch = Static<typeof CollectorPatch>;

export const CollectorOut = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
});
export type CollectorOut = Static<typeof CollectorOut>;

/** A collector is online while its last report is younger than this. */
export const ONLINE_WINDOW_MS = 5 * 60_000;

/**
 * Why the collector routes (POST /api/collectors, PATCH /api/collectors/{id}) refuse a change
 * (ErrorBody `reason`), with its status, what its `values` name and when it happens: a client
 * words each in its own language (web/src/lib/team/team-refusals.ts).
 */
export const COLLECTOR_REFUSALS = {
  collector_name_blank: { status: 400, values: [], when: 'the name is only spaces' },
  no_team_for_admins: { status: 403, values: [], when: 'a collector of no team (`teamId: null`) is added by admins only' },
  not_your_team: { status: 403, values: ['teamId'], when: "a supervisor adds a collector to a team other than their own" },
  move_for_admins: { status: 403, values: ['collectorId'], when: 'a supervisor moves a collector to another team: admins only' },
  collector_not_found: { status: 404, values: ['collectorId'], when: "no collector has this id, or it is of a team other than the supervisor's" },
  collector_has_visits: {
    status: 409,
    values: ['visits'],
    when: 'moving or deactivating a collector who holds visits not done for today or a later day (`values.visits`: how many); move them on the board first',
  },
  external_id_taken: { status: 409, values: ['externalId'], when: 'another collector has this externalId' },
} as const satisfies RefusalTable;
/** The codes these routes answer, each of which a client words: the table's, and the shared team_not_found (SCOPE_REFUSALS). */
export type CollectorRefusal = keyof typeof COLLECTOR_REFUSALS | TeamNotFound;
/** The table's codes: team_not_found is SCOPE_REFUSALS'. */
export const COLLECTOR_REFUSAL_CODES = Object.keys(COLLECTOR_REFUSALS) as (keyof typeof COLLECTOR_REFUSALS)[];
