import type { Generated, Selectable } from 'kysely';
import type { Role } from '../../contract/auth.ts';

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  team_id: number | null;
  collector_id: number | null;
  /** false: cannot log in, holds no session (migration 0013). */
  active: Generated<boolean>;
  created_at: Generated<Date>;
}
export type User = Selectable<UserTable>;

export interface SessionTable {
  token_hash: string;
  user_id: number;
  created_at: Generated<Date>;
  expires_at: Date;
}
