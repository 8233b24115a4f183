import type { Generated, Selectable } from 'kysely';

export interface TeamTable {
  id: Generated<number>;
  name: string;
  time_zone: Generated<string>;
  currency: Generated<string>;
  created_at: Generated<Date>;
}
export type Team = Selectable<TeamTable>;
