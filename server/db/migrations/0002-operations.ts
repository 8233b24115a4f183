import { sql, type Kysely } from 'kysely';

/**
 * Collection operations (issue 5): accounts, visits, check-ins, payments, promises.
 * Frozen once landed (STYLE rule 9): change the schema with a new migration.
 * Money is numeric(14,2) so balances never drift through binary fractions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table accounts (
      id serial primary key,
      team_id integer not null references teams(id),
      external_id text not null unique,
      name text not null,
      address text not null default '',
      lat double precision,
      lon double precision,
      phone text,
      balance_due numeric(14,2) not null default 0,
      installment_amount numeric(14,2) not null default 0,
      days_past_due integer not null default 0 check (days_past_due >= 0),
      segment text,
      currency text not null default 'MXN',
      broken_promises integer not null default 0,
      last_contact_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index accounts_team_dpd on accounts (team_id, days_past_due);

    create table visits (
      id serial primary key,
      account_id integer not null references accounts(id),
      team_id integer not null references teams(id),
      collector_id integer references collectors(id),
      visit_date date not null,
      priority integer not null,
      priority_override boolean not null default false,
      window_start_min integer check (window_start_min between 0 and 1440),
      window_end_min integer check (window_end_min between 0 and 1440),
      service_minutes integer not null default 10 check (service_minutes > 0),
      status text not null default 'planned'
        check (status in ('planned','assigned','en_route','arrived','completed','missed','cancelled')),
      outcome text,
      note text,
      version integer not null default 1,
      updated_by text not null default 'system',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index visits_date_team on visits (visit_date, team_id);
    create index visits_collector_date on visits (collector_id, visit_date);
    create index visits_account on visits (account_id);

    create table checkins (
      id uuid primary key,
      visit_id integer not null references visits(id),
      account_id integer not null references accounts(id),
      team_id integer not null references teams(id),
      collector_id integer references collectors(id),
      device_id integer references devices(id),
      ts timestamptz not null,
      lat double precision not null,
      lon double precision not null,
      outcome text not null check (outcome in ('paid','partial','promise','absent','refused','rescheduled')),
      note text,
      promise_date date,
      promise_amount numeric(14,2),
      distance_m double precision,
      flags text[] not null default '{}',
      received_at timestamptz not null default now()
    );
    create index checkins_visit on checkins (visit_id);
    create index checkins_team_ts on checkins (team_id, ts);

    create table receipt_counters (
      team_id integer primary key references teams(id),
      last_number bigint not null
    );

    create table payments (
      id uuid primary key,
      visit_id integer references visits(id),
      account_id integer not null references accounts(id),
      team_id integer not null references teams(id),
      collector_id integer references collectors(id),
      device_id integer references devices(id),
      ts timestamptz not null,
      amount numeric(14,2) not null check (amount > 0),
      currency text not null,
      method text not null check (method in ('cash','card','transfer')),
      receipt_number bigint not null,
      client_receipt text,
      received_at timestamptz not null default now(),
      unique (team_id, receipt_number)
    );
    create index payments_account_ts on payments (account_id, ts);
    create index payments_collector_ts on payments (collector_id, ts);

    create table promises (
      id serial primary key,
      checkin_id uuid not null unique references checkins(id),
      account_id integer not null references accounts(id),
      team_id integer not null references teams(id),
      visit_id integer references visits(id),
      collector_id integer references collectors(id),
      promised_at timestamptz not null,
      due_date date not null,
      amount numeric(14,2) not null check (amount > 0),
      status text not null default 'pending' check (status in ('pending','kept','broken')),
      paid_amount numeric(14,2),
      settled_at timestamptz
    );
    create index promises_pending on promises (status, due_date);

    create table rejected_records (
      id serial primary key,
      device_id integer references devices(id),
      kind text not null,
      payload text not null,
      reason text not null,
      received_at timestamptz not null default now()
    );
  `.execute(db);
}
