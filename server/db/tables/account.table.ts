import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A debtor. `external_id` is the lender's key: a CSV re-import updates by it. */
export interface AccountTable {
  id: Generated<number>;
  team_id: number;
  external_id: string;
  name: string;
  address: Generated<string>;
  lat: number | null;
  lon: number | null;
  phone: string | null;
  balance_due: Generated<number>;
  installment_amount: Generated<number>;
  days_past_due: Generated<number>;
  segment: string | null;
  currency: Generated<string>;
  broken_promises: Generated<number>;
  last_contact_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type Account = Selectable<AccountTable>;
