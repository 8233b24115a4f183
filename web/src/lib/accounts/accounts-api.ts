import type { AccountList, ImportReport } from '$contract/account.ts';
import type { TeamOut } from '$contract/team.ts';
import type { GenerateReport } from '$contract/visit.ts';
import { api } from '../api.ts';
import { listQuery, type AccountFilter } from './account-paging.ts';

export const loadTeams = async (): Promise<TeamOut[]> => (await api<{ teams: TeamOut[] }>('/teams')).teams;

export const loadAccounts = (filter: AccountFilter, offset: number): Promise<AccountList> => api<AccountList>(`/accounts?${listQuery(filter, offset)}`);

/** The file as picked, bytes untouched: the server tells UTF-8 from Windows-1252 itself. */
export const importAccounts = (file: Blob, teamId: number | null): Promise<ImportReport> =>
  api<ImportReport>(`/accounts/import${teamId === null ? '' : `?teamId=${teamId}`}`, { method: 'POST', body: file, headers: { 'Content-Type': 'text/csv' } });

/** The visits' report without the visits themselves: the board shows those. */
export type GenerateCounts = Omit<GenerateReport, 'visits'>;

export async function generateVisits(date: string, teamId: number | null, maxPerCollector: number | null): Promise<GenerateCounts> {
  const body = { date, ...(teamId === null ? {} : { teamId }), ...(maxPerCollector === null ? {} : { maxPerCollector }) };
  const { visits: _visits, ...counts } = await api<GenerateReport>('/visits/generate', { method: 'POST', body: JSON.stringify(body) });
  return counts;
}
