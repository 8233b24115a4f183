import type { CollectorList, CollectorOut, CollectorPatch } from '$contract/collector.ts';
import { api } from '../api.ts';

/** A team as GET /api/teams gives it (server/api/collector.routes.ts `Team`). */
export interface Team {
  id: number;
  name: string;
  timeZone: string;
  currency: string;
}

/** Unset fields take the server's defaults (TIME_ZONE, CURRENCY). */
export type NewTeam = Pick<Team, 'name'> & Partial<Pick<Team, 'timeZone' | 'currency'>>;

export const loadCollectors = async (includeInactive: boolean): Promise<CollectorList['collectors']> =>
  (await api<CollectorList>(`/collectors${includeInactive ? '?includeInactive=true' : ''}`)).collectors;

export const addCollector = (body: { name: string; teamId: number; phone?: string }): Promise<{ id: number }> =>
  api<{ id: number }>('/collectors', { method: 'POST', body: JSON.stringify(body) });

export const changeCollector = (id: number, patch: CollectorPatch): Promise<CollectorOut> => api<CollectorOut>(`/collectors/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });

export const loadTeams = async (): Promise<Team[]> => (await api<{ teams: Team[] }>('/teams')).teams;

export const createTeam = (body: NewTeam): Promise<{ id: number }> => api<{ id: number }>('/teams', { method: 'POST', body: JSON.stringify(body) });

export const changeTeam = (id: number, patch: Partial<Omit<Team, 'id'>>): Promise<Team> => api<Team>(`/teams/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });

export const deleteTeam = (id: number): Promise<void> => api<void>(`/teams/${id}`, { method: 'DELETE' });
