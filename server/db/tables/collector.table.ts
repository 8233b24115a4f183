import type { Generated, Selectable } from 'kysely';

export interface CollectorTable {
  id: Generated<number>;
  team_id: number | null;
  name: string;
  phone: string | null;
  external_id: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}
export type Collector = Selectable<CollectorTable>;
