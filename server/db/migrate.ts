import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-operations.ts';
import * as m0003 from './migrations/0003-plans.ts';
import * as m0004 from './migrations/0004-events.ts';
import * as m0005 from './migrations/0005-metrics.ts';
import * as m0006 from './migrations/0006-metrics-reads.ts';
import * as m0007 from './migrations/0007-metrics-rollup.ts';
import * as m0008 from './migrations/0008-plan-breaks.ts';
import * as m0009 from './migrations/0009-team-days.ts';
import * as m0010 from './migrations/0010-money-by-currency.ts';
import * as m0011 from './migrations/0011-team-names-any-case.ts';
import * as m0012 from './migrations/0012-planned-km-per-leg.ts';
import * as m0013 from './migrations/0013-user-and-device-state.ts';
import * as m0014 from './migrations/0014-alarm-events.ts';
import * as m0015 from './migrations/0015-team-even-share.ts';
import * as m0016 from './migrations/0016-offline-once.ts';
import * as m0017 from './migrations/0017-one-login-per-collector.ts';
import * as m0018 from './migrations/0018-rejected-record-codes.ts';
import * as m0019 from './migrations/0019-account-metrics-trigger-plan.ts';
import * as m0020 from './migrations/0020-collector-day-marks-never-wait.ts';
import * as m0021 from './migrations/0021-visit-skipped-once.ts';

/** Every migration by name, in order. Listed explicitly so bundling and tsx agree on what runs. */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-operations': m0002,
  '0003-plans': m0003,
  '0004-events': m0004,
  '0005-metrics': m0005,
  '0006-metrics-reads': m0006,
  '0007-metrics-rollup': m0007,
  '0008-plan-breaks': m0008,
  '0009-team-days': m0009,
  '0010-money-by-currency': m0010,
  '0011-team-names-any-case': m0011,
  '0012-planned-km-per-leg': m0012,
  '0013-user-and-device-state': m0013,
  '0014-alarm-events': m0014,
  '0015-team-even-share': m0015,
  '0016-offline-once': m0016,
  '0017-one-login-per-collector': m0017,
  '0018-rejected-record-codes': m0018,
  '0019-account-metrics-trigger-plan': m0019,
  '0020-collector-day-marks-never-wait': m0020,
  '0021-visit-skipped-once': m0021,
};

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return migrate(db, (m) => m.migrateToLatest());
}

/** Up to and including `name`: an upgrade test starts from the schema a release had. */
export async function migrateTo(db: Kysely<any>, name: string): Promise<string[]> {
  return migrate(db, (m) => m.migrateTo(name));
}

async function migrate(db: Kysely<any>, run: (m: Migrator) => ReturnType<Migrator['migrateToLatest']>): Promise<string[]> {
  // Parts land in parallel (0003 may arrive after 0005 ran on a dev database): order by name, but accept late ones.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await run(migrator);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
