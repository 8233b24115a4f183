import type { CollectorList, CollectorOut, CollectorPatch } from '$contract/collector.ts';
import type { TeamOut } from '$contract/team.ts';
import { api } from '../api.ts';

/** Unset fields take the server's defaults (TIME_ZONE, CURRENCY). */
export type NewTeam = Pick<TeamOut, 'name'> & Partial<Pick<TeamOut, 'timeZone' | 'currency'>>;

export const loadCollectors = async (includeInactive: boolean): Promise<CollectorList['collectors']> =>
  (await api<CollectorList>(`/collectors${includeInactive ? '?includeInactive=true' : ''}`)).collectors;

export const addCollector = (body: { name: string; teamId: number; phone?: string }): Promise<{ id: number }> =>
  api<{ id: number }>('/collectors', { method: 'POST', body: JSON.stringify(body) });

export const changeCollector = (id: number, patch: CollectorPatch): Promise<CollectorOut> => api<CollectorOut>(`/collectors/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });

export const loadTeams = async (): Promise<TeamOut[]> => (await api<{ teams: TeamOut[] }>('/teams')).teams;

export const createTeam = (body: NewTeam): Promise<{ id: number }> => api<{ id: number }>('/teams', { method: 'POST', body: JSON.stringify(body) });

export const changeTeam = (id: number, patch: Partial<Omit<TeamOut, 'id'>>): Promise<TeamOut> => api<TeamOut>(`/teams/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });

export const deleteTeam = (id: number): Promise<void> => api<void>(`/teams/${id}`, { method: 'DELETE' });
