import { sql, type Kysely, type Transaction } from 'kysely';
import type { ImportReport } from '../contract/account.ts';
import type { Database } from '../db/database.ts';
import { transactionRetryingDeadlock } from '../db/retry-deadlock.ts';
import type { Account, AccountTable } from '../db/tables/account.table.ts';
import { lockMovableVisits, moveOpenVisits, type VisitsMoved } from './account-move.ts';
import { invalidRow, parseAccountsCsv, type AccountCsvRow, type Field, type InvalidCsvRow } from './account-csv.ts';
import { assertCanWrite, type Actor } from './actor.ts';
import { OperationError } from './errors.ts';
import { teamDeletedMeanwhile, teamNotFound } from './missing-team.ts';
import { teamFinder } from './team-ref.ts';

const CHUNK = 500;

/** Columns a file may leave out: a re-import without them keeps what is stored. */
const OPTIONAL_COLUMNS = {
  address: 'address',
  phone: 'phone',
  installmentAmount: 'installment_amount',
  daysPastDue: 'days_past_due',
  segment: 'segment',
} as const satisfies Partial<Record<Field, keyof AccountTable>>;

/** A row ready to write: its team and currency decided. */
type Writable = AccountCsvRow & { teamId: number; currency: string; mayMove: boolean };

/**
 * Imports an accounts file (issue 5). Valid rows are upserted by external id
 * in one transaction — a server error imports nothing — and every invalid
 * row is reported with its line number and reason. An account moved to another
 * team takes its visits not started of today and later with it (account-move.ts),
 * in the same transaction; `moved` hears of them once it has committed.
 */
export async function importAccounts(
  db: Kysely<Database>,
  csv: string,
  opts: { defaultTeamId: number | null; actor: Actor; moved?: (m: VisitsMoved) => void },
): Promise<ImportReport> {
  const parsed = parseAccountsCsv(csv);
  const bad: InvalidCsvRow[] = [...parsed.invalid];
  const teams = await db.selectFrom('teams').select(['id', 'name', 'currency']).execute();
  const findTeam = teamFinder(teams);
  const defaultTeam = opts.defaultTeamId === null ? undefined : teams.find((t) => t.id === opts.defaultTeamId);
  if (opts.defaultTeamId !== null && !defaultTeam) throw teamNotFound(opts.defaultTeamId);

  const resolved: (AccountCsvRow & { teamId: number })[] = [];
  for (const r of parsed.rows) {
    const team = r.team === null ? defaultTeam : findTeam(r.team);
    if (!team) {
      bad.push(r.team === null ? invalidRow(r.line, r.externalId, 'noTeam') : invalidRow(r.line, r.externalId, 'unknownTeam', { team: r.team }));
      continue;
    }
    try {
      assertCanWrite(opts.actor, team.id);
    } catch (err) {
      if (!(err instanceof OperationError)) throw err;
      bad.push(invalidRow(r.line, r.externalId, 'notYourTeam', { team: team.id }));
      continue;
    }
    resolved.push({ ...r, teamId: team.id });
  }

  const isAdmin = opts.actor.kind === 'system' || (opts.actor.kind === 'user' && opts.actor.user.role === 'admin');
  // Run again when a deadlock's victim (a check-in locks its visit, then its account; a move, the other way round): only `refused` is kept from the run that commits.
  const { counts, refused, moved } = await transactionRetryingDeadlock(db, async (tx) => {
    const refused: InvalidCsvRow[] = [];
    const stored = await storedAccounts(tx, resolved.map((r) => r.externalId));
    const compared = updatedColumns(parsed.columns);
    let unchanged = 0;
    const writable = resolved.flatMap((r): Writable[] => {
      const s = stored.get(r.externalId);
      if (!s) return [{ ...r, currency: r.currency ?? teams.find((t) => t.id === r.teamId)!.currency, mayMove: false }];
      let teamId = r.teamId;
      // An external id is the lender's key for one debtor: a dispatcher may not take over another team's account by re-importing it.
      if (s.team_id !== r.teamId) {
        // `?teamId=` is the team of new accounts: an existing one moves only when its row names a team (and an admin imports).
        if (r.team === null && isAdmin) teamId = s.team_id;
        else if (!isAdmin) {
          refused.push(invalidRow(r.line, r.externalId, 'otherTeam', { externalId: r.externalId, team: s.team_id }));
          return [];
        }
      }
      // The currency is the debt's, not the team's: it changes only when the row says so, and then the installment must be restated too.
      const currency = r.currency ?? s.currency;
      if (currency !== s.currency && r.installmentAmount === undefined && s.installment_amount !== 0) {
        refused.push(invalidRow(r.line, r.externalId, 'currencyChange', { from: s.currency, to: currency, installment: s.installment_amount }));
        return [];
      }
      const row = { ...r, teamId, currency, mayMove: isAdmin && r.team !== null };
      // A row as stored is not written again: a new version of each account with its index entries made a re-import cost twice a first
      // import, and updated_at says when the account last changed. Read without a lock: an import that changes it meanwhile wins, as if after this one.
      const values = storedValues(row);
      if (compared.every((c) => values[c] === s[c])) {
        unchanged++;
        return [];
      }
      return [row];
    });
    // Before the accounts are written, as a check-in takes them: its visit, then its account.
    const moving = writable.flatMap((r) => {
      const s = stored.get(r.externalId);
      return s && s.team_id !== r.teamId ? [s.id] : [];
    });
    await lockMovableVisits(tx, moving);
    const counts = { created: 0, updated: unchanged };
    const written = new Set<string>();
    const movedIds: number[] = [];
    for (let i = 0; i < writable.length; i += CHUNK) {
      const chunk = writable.slice(i, i + CHUNK);
      const teamOf = new Map(chunk.map((r) => [r.externalId, r.teamId]));
      for (const row of await upsert(tx, chunk, parsed.columns)) {
        written.add(row.external_id);
        row.inserted ? counts.created++ : counts.updated++;
        if (!row.inserted && stored.get(row.external_id)?.team_id !== teamOf.get(row.external_id)) movedIds.push(row.id);
      }
    }
    const moved = await moveOpenVisits(tx, movedIds, opts.actor);
    // Not written: another import created or moved the account into another team after we read it (two teams importing the same new ids at once).
    const lost = writable.filter((r) => !written.has(r.externalId));
    const owners = await storedAccounts(tx, lost.map((r) => r.externalId));
    for (const r of lost) {
      const owner = owners.get(r.externalId);
      refused.push(
        owner
          ? invalidRow(r.line, r.externalId, 'otherTeam', { externalId: r.externalId, team: owner.team_id })
          : invalidRow(r.line, r.externalId, 'changedDuringImport', { externalId: r.externalId }),
      );
    }
    return { counts, refused, moved };
  }).catch((e: unknown) => {
    // The teams were read before the transaction; one of them may have been deleted since. Its rows say which.
    throw teamDeletedMeanwhile(e, 'accounts') ?? e;
  });
  bad.push(...refused);
  if (moved.visits.length > 0) opts.moved?.(moved);
  const { created, updated } = counts;

  bad.sort((a, b) => a.line - b.line);
  return { rows: parsed.total, imported: created + updated, created, updated, invalid: bad };
}

const UPDATED_COLUMNS = ['team_id', 'name', 'lat', 'lon', 'balance_due', 'currency', ...Object.values(OPTIONAL_COLUMNS)] as const;
type UpdatedColumn = (typeof UPDATED_COLUMNS)[number];

/** The columns a re-import updates: the file's optional columns only when it has them. */
function updatedColumns(columns: ReadonlySet<Field>): UpdatedColumn[] {
  const given = (Object.keys(OPTIONAL_COLUMNS) as (keyof typeof OPTIONAL_COLUMNS)[]).filter((f) => columns.has(f)).map((f) => OPTIONAL_COLUMNS[f]);
  return ['team_id', 'name', 'lat', 'lon', 'balance_due', 'currency', ...given];
}

/** What a row stores: a new account gets the defaults for the columns the file lacks. */
function storedValues(r: Writable) {
  return {
    team_id: r.teamId,
    external_id: r.externalId,
    name: r.name,
    address: r.address ?? '',
    lat: r.lat,
    lon: r.lon,
    phone: r.phone ?? null,
    balance_due: r.balanceDue,
    installment_amount: r.installmentAmount ?? 0,
    days_past_due: r.daysPastDue ?? 0,
    segment: r.segment ?? null,
    currency: r.currency,
  };
}

async function storedAccounts(tx: Transaction<Database>, externalIds: string[]) {
  const out = new Map<string, Pick<Account, 'id' | UpdatedColumn>>();
  for (let i = 0; i < externalIds.length; i += CHUNK) {
    const rows = await tx
      .selectFrom('accounts')
      .select(['id', 'external_id', ...UPDATED_COLUMNS])
      .where('external_id', 'in', externalIds.slice(i, i + CHUNK))
      .execute();
    for (const { external_id, ...row } of rows) out.set(external_id, row);
  }
  return out;
}

/**
 * Inserts new accounts with defaults for the columns the file lacks, and updates existing
 * ones in only the columns it has. The update happens only where the stored account is in
 * the row's team, or the row may move it: the owners were read without a lock, and another
 * team's import may have created the same external id since (it waits for that import to
 * commit, then finds the account in the other team and leaves it).
 */
async function upsert(tx: Transaction<Database>, rows: Writable[], columns: ReadonlySet<Field>) {
  const now = new Date();
  const set = [...updatedColumns(columns), 'updated_at'];
  const moving = rows.filter((r) => r.mayMove).map((r) => r.externalId);
  return tx
    .insertInto('accounts')
    .values(rows.map((r) => ({ ...storedValues(r), updated_at: now })))
    .onConflict((oc) =>
      oc
        .column('external_id')
        .doUpdateSet(Object.fromEntries(set.map((c) => [c, sql.ref(`excluded.${c}`)])))
        .where((eb) => eb.or([eb('accounts.team_id', '=', eb.ref('excluded.team_id')), ...(moving.length > 0 ? [eb('accounts.external_id', 'in', moving)] : [])])),
    )
    // xmax = 0 only for a freshly inserted row version: tells created from updated.
    .returning(['id', 'external_id', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute();
}
