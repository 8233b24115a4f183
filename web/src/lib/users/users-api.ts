import type { CollectorList } from '$contract/collector.ts';
import type { TeamOut } from '$contract/team.ts';
import type { CreateUser, UserOut, UserPatch } from '$contract/user.ts';
import { api } from '../api.ts';
import { listQuery, type CollectorPick, type UserFilters } from './user-rows.ts';

const NO_FILTER: UserFilters = { role: '', teamId: '', active: '' };

export const loadUsers = async (filters: UserFilters = NO_FILTER): Promise<UserOut[]> => (await api<{ users: UserOut[] }>(`/users${listQuery(filters)}`)).users;

export const createUser = (body: CreateUser): Promise<UserOut> => api<UserOut>('/users', { method: 'POST', body: JSON.stringify(body) });

export const updateUser = (id: number, patch: UserPatch): Promise<UserOut> => api<UserOut>(`/users/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });

/** Every team, to place a login in one with no collectors yet (the wall's fleet knows only teams with collectors). */
export const loadTeams = async (): Promise<Pick<TeamOut, 'id' | 'name'>[]> => (await api<{ teams: TeamOut[] }>('/teams')).teams;

/** Deactivated collectors too: a login may still name one, and the list shows its name. */
export async function loadCollectors(): Promise<CollectorPick[]> {
  const { collectors } = await api<CollectorList>('/collectors?includeInactive=true');
  return collectors.map((c) => ({ id: c.id, name: c.name, teamId: c.teamId, active: c.active }));
}
