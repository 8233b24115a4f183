import { sql, type Kysely } from 'kysely';
import type { ImportReport } from '../contract/account.ts';
import type { Database } from '../db/database.ts';
import { parseAccountsCsv, type AccountCsvRow, type InvalidCsvRow } from './account-csv.ts';
import { assertCanWrite, type Actor } from './actor.ts';
import { OperationError, invalid } from './errors.ts';

const CHUNK = 500;

/**
 * Imports an accounts file (issue 5). Valid rows are upserted by external id
 * in one transaction — a server error imports nothing — and every invalid
 * row is reported with its line number and reason.
 */
export async function importAccounts(db: Kysely<Database>, csv: string, opts: { defaultTeamId: number | null; actor: Actor }): Promise<ImportReport> {
  const parsed = parseAccountsCsv(csv);
  const bad: InvalidCsvRow[] = [...parsed.invalid];
  const teams = await db.selectFrom('teams').select(['id', 'name', 'currency']).execute();
  const byId = new Map(teams.map((t) => [String(t.id), t]));
  const byName = new Map(teams.map((t) => [t.name.trim().toLowerCase(), t]));
  if (opts.defaultTeamId !== null && !byId.has(String(opts.defaultTeamId))) throw invalid(`team ${opts.defaultTeamId} does not exist`);

  const resolved: (AccountCsvRow & { teamId: number; currencyOut: string })[] = [];
  for (const r of parsed.rows) {
    const team = r.team === null ? (opts.defaultTeamId === null ? undefined : byId.get(String(opts.defaultTeamId))) : (byId.get(r.team) ?? byName.get(r.team.toLowerCase()));
    if (!team) {
      bad.push({ line: r.line, externalId: r.externalId, reason: r.team === null ? 'no team: add a team column or pass teamId' : `team "${r.team}" does not exist` });
      continue;
    }
    try {
      assertCanWrite(opts.actor, team.id);
    } catch (err) {
      if (!(err instanceof OperationError)) throw err;
      bad.push({ line: r.line, externalId: r.externalId, reason: err.message });
      continue;
    }
    resolved.push({ ...r, teamId: team.id, currencyOut: r.currency ?? team.currency });
  }

  let created = 0;
  let updated = 0;
  const imported = await db.transaction().execute(async (tx) => {
    // An external id is the lender's key for one debtor: a dispatcher may not take over another team's account by re-importing it.
    const existing = new Map<string, number>();
    for (let i = 0; i < resolved.length; i += CHUNK) {
      const ids = resolved.slice(i, i + CHUNK).map((r) => r.externalId);
      const rows = await tx.selectFrom('accounts').select(['external_id', 'team_id']).where('external_id', 'in', ids).execute();
      for (const row of rows) existing.set(row.external_id, row.team_id);
    }
    const isAdmin = opts.actor.kind === 'system' || (opts.actor.kind === 'user' && opts.actor.user.role === 'admin');
    const writable = resolved.flatMap((r) => {
      const owner = existing.get(r.externalId);
      if (owner === undefined || owner === r.teamId) return [r];
      // `?teamId=` is the team of new accounts: an existing one moves only when its row names a team (and an admin imports).
      if (r.team === null && isAdmin) {
        const team = byId.get(String(owner))!;
        return [{ ...r, teamId: owner, currencyOut: r.currency ?? team.currency }];
      }
      if (isAdmin) return [r];
      bad.push({ line: r.line, externalId: r.externalId, reason: `external id ${r.externalId} belongs to team ${owner}` });
      return [];
    });
    const now = new Date();
    for (let i = 0; i < writable.length; i += CHUNK) {
      const rows = await tx
        .insertInto('accounts')
        .values(
          writable.slice(i, i + CHUNK).map((r) => ({
            team_id: r.teamId,
            external_id: r.externalId,
            name: r.name,
            address: r.address,
            lat: r.lat,
            lon: r.lon,
            phone: r.phone,
            balance_due: r.balanceDue,
            installment_amount: r.installmentAmount,
            days_past_due: r.daysPastDue,
            segment: r.segment,
            currency: r.currencyOut,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.column('external_id').doUpdateSet((eb) => ({
            team_id: eb.ref('excluded.team_id'),
            name: eb.ref('excluded.name'),
            address: eb.ref('excluded.address'),
            lat: eb.ref('excluded.lat'),
            lon: eb.ref('excluded.lon'),
            phone: eb.ref('excluded.phone'),
            balance_due: eb.ref('excluded.balance_due'),
            installment_amount: eb.ref('excluded.installment_amount'),
            days_past_due: eb.ref('excluded.days_past_due'),
            segment: eb.ref('excluded.segment'),
            currency: eb.ref('excluded.currency'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        // xmax = 0 only for a freshly inserted row version: tells created from updated.
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .execute();
      for (const row of rows) row.inserted ? created++ : updated++;
    }
    return writable.length;
  });

  bad.sort((a, b) => a.line - b.line);
  return { rows: parsed.total, imported, created, updated, invalid: bad };
}
