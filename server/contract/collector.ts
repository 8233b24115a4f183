import { Type, type Static } from '@sinclair/typebox';
import { LivePosition } from './live.ts';

export const CollectorSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  teamName: Type.Union([Type.String(), Type.Null()]),
  /** The team's IANA time zone (the collector's days and times), null without a team. */
  timeZone: Type.Union([Type.String(), Type.Null()]),
  /** Enabled ones first. A disabled device (`active: false`) is listed for its past trail, but never gives `last`. */
  devices: Type.Array(Type.Object({ uniqueId: Type.String(), protocol: Type.Union([Type.String(), Type.Null()]), active: Type.Boolean() })),
  /** The newest report of the collector's enabled devices. */
  last: Type.Union([LivePosition, Type.Null()]),
});
export type CollectorSummary = Static<typeof CollectorSummary>;

export const CollectorList = Type.Object({ collectors: Type.Array(CollectorSummary) });
export type CollectorList = Static<typeof CollectorList>;

/** A collector is online while its last report is younger than this. */
export const ONLINE_WINDOW_MS = 5 * 60_000;
