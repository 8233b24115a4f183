import type { ColumnType, Generated, Selectable } from 'kysely';

/** Planning defaults of a team; a team without a row uses the office = city centre, 08:00–18:00, 25 visits. */
export interface TeamPlanSettingsTable {
  team_id: number;
  office_lat: number | null;
  office_lon: number | null;
  /** Minutes after local midnight, in the team's time zone. */
  shift_start_min: Generated<number>;
  shift_end_min: Generated<number>;
  max_visits: Generated<number>;
  /** The team's break: minutes long, starting within [start, end] (minutes after local midnight); no window = none. */
  break_start_min: ColumnType<number | null, number | null | undefined, number | null>;
  break_end_min: ColumnType<number | null, number | null | undefined, number | null>;
  break_minutes: Generated<number>;
  /** Cap each collector at their share of the day's visits when optimizing (issue 4's idle collectors). */
  even_share: Generated<boolean>;
}

/** Per-collector overrides; null falls back to the team's setting. */
export interface CollectorPlanSettingsTable {
  collector_id: number;
  skills: Generated<string[]>;
  shift_start_min: number | null;
  shift_end_min: number | null;
  max_visits: number | null;
  /** Travel times are divided by it; null = 1. */
  speed_factor: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface PlanTable {
  id: Generated<number>;
  team_id: number;
  /** A calendar day in the team's time zone, read back as 'YYYY-MM-DD'. */
  plan_date: ColumnType<string, string, string>;
  version: number;
  kind: 'optimize' | 'reassign';
  /** The travel-matrix provider that timed it ("road-graph", "osrm", "haversine"). */
  provider: string;
  created_by: string;
  created_at: Generated<Date>;
  /** JSON text of the contract's UnassignedVisit[]. */
  unassigned: string;
}
export type Plan = Selectable<PlanTable>;

export interface PlanRouteTable {
  plan_id: number;
  collector_id: number;
  /** JSON text of the contract's PlanRoute, served as stored. */
  route: string;
}

/** What the optimizer knows of a visit beyond issue 5's columns, and where the current plan put it. */
export interface VisitPlanTable {
  visit_id: number;
  required_skills: Generated<string[]>;
  /** The visit stays with its collector (a dispatcher moved it there). */
  pinned: Generated<boolean>;
  /** The visit keeps its collector and its place in the order. */
  locked: Generated<boolean>;
  /** 1-based position in its collector's route in the current plan. */
  sequence: number | null;
  eta: ColumnType<Date, Date | string, Date | string> | null;
  plan_id: number | null;
}
