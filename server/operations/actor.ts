import { SCOPE_REFUSALS, type Role, type SessionUser } from '../contract/auth.ts';
import { notFound, refusal, type OperationError, type RecordKind } from './errors.ts';

/**
 * Who changes something: a user through the API or a device over MQTT. Its
 * label is stored on the visit so a conflict can say who changed it first.
 */
export type Actor =
  | { kind: 'user'; user: SessionUser }
  /** `teamId`: its collector's team, the only one whose accounts and visits it may write to. */
  | { kind: 'device'; uniqueId: string; collectorId: number | null; teamId: number | null }
  /** The server itself or an operator's CLI: acts on every team. */
  | { kind: 'system'; label: string };

export function actorLabel(a: Actor): string {
  if (a.kind === 'user') return `${a.user.name} (${a.user.role})`;
  return a.kind === 'device' ? `device ${a.uniqueId}` : a.label;
}

/**
 * Issue 5 roles: admins act on every team, dispatchers and supervisors on
 * their own, managers only read, collectors only through their devices, on
 * their own team.
 */
export function assertCanWrite(a: Actor, teamId: number): void {
  if (a.kind === 'system') return;
  if (a.kind === 'device') {
    if (a.teamId === teamId) return;
    const { uniqueId } = a;
    if (a.teamId === null) throw refusal(SCOPE_REFUSALS, 'device_of_no_team', `device ${uniqueId} belongs to no team: it has no collector, or its collector has no team`, { uniqueId });
    throw refusal(SCOPE_REFUSALS, 'device_of_other_team', `device ${uniqueId} is in team ${a.teamId}, not team ${teamId}`, { uniqueId, teamId, deviceTeamId: a.teamId });
  }
  const { role, teamId: own } = a.user;
  if (role === 'admin') return;
  if (role !== 'dispatcher' && role !== 'supervisor') throw refusal(SCOPE_REFUSALS, 'role_may_not_change', `role ${role} may not change team ${teamId}'s records`, { role, teamId });
  if (own === null) throw notInATeam(role);
  if (own !== teamId) throw notYourTeam(teamId);
}

/** The team one of a team's people acts on: their own, named or not; another named, or none to have, is refused. */
export function ownTeam(user: SessionUser, named: number | undefined): number {
  if (user.teamId === null) throw notInATeam(user.role);
  if (named !== undefined && named !== user.teamId) throw notYourTeam(named);
  return user.teamId;
}

/** One of a team's people named another team: refused, not quietly answered with their own. */
export const notYourTeam = (teamId: number): OperationError => refusal(SCOPE_REFUSALS, 'not_your_team', `team ${teamId} is not your team`, { teamId });

/** One of a team's people whose login has no team: they act on no team, not on whichever they name (as readScope). */
export const notInATeam = (role: Role): OperationError => refusal(SCOPE_REFUSALS, 'not_in_a_team', `you belong to no team: a ${role} acts on their own team only`, { role });

/**
 * assertCanWrite for a stored record (visit 12): to a user who cannot read the record's
 * team, it is as unknown as one that does not exist, the answer a read gets, so that a refused
 * write no longer confirms that another team's record exists. Those who can read it (a manager)
 * are still told why they may not change it; devices keep their own refusals.
 */
export function assertCanWriteRecord(a: Actor, teamId: number, kind: RecordKind, id: number): void {
  if (a.kind === 'user' && !readsTeam(a.user, teamId)) throw notFound(kind, id);
  assertCanWrite(a, teamId);
}

/** Whether the user sees the team's records (readScope); a record of no team is seen by those who see every team. */
export const readsTeam = (u: SessionUser, teamId: number | null): boolean => {
  const scope = readScope(u);
  return scope === null || scope === teamId;
};

/** No row has this id: the scope of a reader who belongs to no team, or is no collector. */
export const NO_ONE = -1;

/**
 * The team a reader is confined to; null = every team (admins, managers). A
 * team's people without a team see no team, not every team.
 */
export const readScope = (u: SessionUser): number | null => (u.role === 'admin' || u.role === 'manager' ? null : (u.teamId ?? NO_ONE));

/**
 * The collector a reader is further confined to, within readScope: a collector
 * sees only their own devices and trail, not their teammates'. null = not
 * confined to one collector (every other role).
 */
export const collectorScope = (u: SessionUser): number | null => (u.role === 'collector' ? (u.collectorId ?? NO_ONE) : null);

/**
 * The collector a list is narrowed to: the one asked for (undefined: any); a collector only
 * themself, so that naming a teammate gets nothing rather than the collector's own records.
 */
export const ownCollector = (u: SessionUser, asked: number | undefined): number | undefined => {
  const self = collectorScope(u);
  if (self === null) return asked;
  return asked === undefined || asked === self ? self : NO_ONE;
};

/** A list query as the user may ask it: its `collectorId` narrowed by ownCollector. */
export const ownQuery = <Q extends { collectorId?: number }>(u: SessionUser, q: Q): Q => ({ ...q, collectorId: ownCollector(u, q.collectorId) });
