import type { Role } from '$contract/auth.ts';
import type { UserListQuery, UserOut, UserPatch } from '$contract/user.ts';
import type { MessageKey } from '../i18n/es.ts';

/** Who manages logins (server/api/user.routes.ts): a login decides what its holder sees, so only admins hand them out. */
export const USER_MANAGERS: readonly Role[] = ['admin'];

/** Roles confined to one team (server/auth/user.service.ts TEAM_ROLES); admins and managers work across every team. */
const TEAM_ROLES: readonly Role[] = ['supervisor', 'dispatcher', 'collector'];
export const needsTeam = (role: Role): boolean => TEAM_ROLES.includes(role);

/** Every role by its name on the page: a `Record` so a role the contract adds cannot be left out. */
const ROLE_NAMES: Record<Role, MessageKey> = {
  admin: 'users.role.admin',
  manager: 'users.role.manager',
  supervisor: 'users.role.supervisor',
  dispatcher: 'users.role.dispatcher',
  collector: 'users.role.collector',
};
export const roleName = (role: Role): MessageKey => ROLE_NAMES[role];

/** The collectors a login may be: the active ones, each with its team. */
export interface CollectorPick {
  id: number;
  name: string;
  teamId: number | null;
  active: boolean;
}

/** A message of the page's own, with the values it names. */
export interface Worded {
  key: MessageKey;
  vars: Record<string, string | number>;
}

export interface PlacementInput {
  role: Role;
  teamId: number | null;
  collectorId: number | null;
}

/**
 * What the API is sent for a role, or why the form cannot send it yet: a team only for the
 * team roles, a collector only for a collector's login, and of that team (the service's
 * checkPlacement, worded before a round trip).
 */
export function placement(input: PlacementInput, collectors: readonly CollectorPick[]): { ok: true; value: PlacementInput } | { ok: false; problem: Worded } {
  const { role } = input;
  if (!needsTeam(role)) return { ok: true, value: { role, teamId: null, collectorId: null } };
  if (input.teamId === null) return { ok: false, problem: { key: 'users.problem.noTeam', vars: {} } };
  if (role !== 'collector') return { ok: true, value: { role, teamId: input.teamId, collectorId: null } };
  const collector = collectors.find((c) => c.id === input.collectorId);
  if (!collector || collector.teamId !== input.teamId) return { ok: false, problem: { key: 'users.problem.noCollector', vars: {} } };
  return { ok: true, value: { role, teamId: input.teamId, collectorId: collector.id } };
}

/** The team's active collectors, each with the email of the active login it already has (one per collector), if any. */
export function collectorChoices(
  collectors: readonly CollectorPick[],
  users: readonly Pick<UserOut, 'id' | 'email' | 'collectorId' | 'active'>[],
  teamId: number | null,
  /** The login being edited: its own collector is not taken. */
  self: number | null = null,
): { id: number; name: string; heldBy: string | null }[] {
  if (teamId === null) return [];
  return collectors
    .filter((c) => c.active && c.teamId === teamId)
    .map((c) => ({ id: c.id, name: c.name, heldBy: users.find((u) => u.active && u.collectorId === c.id && u.id !== self)?.email ?? null }));
}

/** The list's filters, as the API takes them (GET /api/users ?role=&teamId=&active=); '' is "any". */
export interface UserFilters {
  role: Role | '';
  teamId: number | '';
  active: 'true' | 'false' | '';
}

export function listQuery(f: UserFilters): string {
  const q: Partial<Record<keyof UserListQuery, string>> = {};
  if (f.role !== '') q.role = f.role;
  if (f.teamId !== '') q.teamId = String(f.teamId);
  if (f.active !== '') q.active = f.active;
  const s = new URLSearchParams(q).toString();
  return s === '' ? '' : `?${s}`;
}

/**
 * Logins whose name, email, team or collector holds `query`. `key` folds case and accents
 * (the wall's searchKey), so "jose" finds "José".
 */
export function filterUsers<U extends Pick<UserOut, 'name' | 'email' | 'teamId' | 'collectorId'>>(
  users: readonly U[],
  query: string,
  names: { team: (id: number) => string | null; collector: (id: number) => string | null },
  key: (text: string) => string,
): U[] {
  const q = key(query.trim());
  if (q === '') return [...users];
  const text = (u: U) => [u.name, u.email, u.teamId === null ? '' : (names.team(u.teamId) ?? ''), u.collectorId === null ? '' : (names.collector(u.collectorId) ?? '')].join('\n');
  return users.filter((u) => key(text(u)).includes(q));
}

/**
 * The PATCH for an edit: only what changed, so an unchanged email is not checked again. Role,
 * team and collector go together when any of them changed: the API checks them as one
 * placement, and a role that drops its team must say `teamId: null`.
 */
export function userPatch(user: Pick<UserOut, 'name' | 'email' | 'role' | 'teamId' | 'collectorId'>, next: { name: string; email: string } & PlacementInput): UserPatch | null {
  const patch: UserPatch = {};
  if (next.name.trim() !== user.name) patch.name = next.name.trim();
  if (next.email.trim().toLowerCase() !== user.email) patch.email = next.email.trim();
  if (next.role !== user.role || next.teamId !== user.teamId || next.collectorId !== user.collectorId) {
    Object.assign(patch, { role: next.role, teamId: next.teamId, collectorId: next.collectorId });
  }
  return Object.keys(patch).length === 0 ? null : patch;
}
