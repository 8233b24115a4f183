import type { Role } from '../../contract/auth.ts';
import type { TestServer } from '../../../test/support/test-server.ts';

/** Helpers the operations integration tests share. */

export async function createTeam(t: TestServer, name: string): Promise<number> {
  const r = await t.api('POST', '/api/teams', { name });
  if (r.status !== 201) throw new Error(`createTeam: ${JSON.stringify(r.body)}`);
  return r.body.id;
}

export async function createCollector(t: TestServer, name: string, teamId: number): Promise<number> {
  const r = await t.api('POST', '/api/collectors', { name, teamId });
  if (r.status !== 201) throw new Error(`createCollector: ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** A user of `role` in `teamId`, logged in: returns its bearer token. */
export async function loginAs(t: TestServer, role: Role, teamId: number | null, name = `${role} ${teamId ?? 'all'}`): Promise<string> {
  const email = `${name.replace(/\W+/g, '.').toLowerCase()}@test.local`;
  await t.server.auth.createUser({ email, name, password: 'pw-123456', role, teamId });
  const r = await t.api('POST', '/api/auth/login', { email, password: 'pw-123456' }, null);
  if (r.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

export async function postCsv(t: TestServer, csv: string, query = '', token = t.token): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.baseUrl}/api/accounts/import${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
    body: csv,
  });
  return { status: res.status, body: await res.json() };
}

export const CSV_HEADER = 'external_id,name,address,lat,lon,phone,balance_due,installment_amount,days_past_due,segment,team';

/** One CSV line of a debtor near Guadalajara's centre; `i` spreads them out deterministically. */
export function accountLine(i: number, team: string, over: Partial<Record<'lat' | 'balance' | 'dpd' | 'name', string>> = {}): string {
  const lat = over.lat ?? (20.66 + (i % 40) * 0.001).toFixed(5);
  const lon = (-103.36 + Math.floor(i / 40) * 0.001).toFixed(5);
  return [`ACC-${String(i).padStart(5, '0')}`, over.name ?? `Deudor ${i}`, `"Calle ${i} #${i % 97}, Centro"`, lat, lon, `33 ${1000 + i}`,
    over.balance ?? String(1000 + i), '250', over.dpd ?? String(i % 120), i % 2 ? 'consumo' : 'micro', team].join(',');
}
