import type { ColumnType, Generated, Selectable } from 'kysely';
import type { DeviationRules, EventType, Severity } from '../../contract/event.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface EventTable {
  id: Generated<number>;
  type: EventType;
  severity: Severity;
  team_id: number;
  collector_id: number;
  visit_id: number | null;
  opened_at: Timestamp;
  closed_at: Timestamp | null;
  details: Json<Record<string, unknown>>;
  acknowledged_by: string | null;
  acknowledged_at: Timestamp | null;
  created_at: Generated<Date>;
}
export type EventRow = Selectable<EventTable>;

export interface DeviationRulesTable {
  team_id: number;
  rules: Json<DeviationRules>;
  updated_by: string;
  updated_at: Generated<Date>;
}
